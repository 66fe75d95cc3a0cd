namespace ReliableKafka.Audit;

/// <summary>How many results had each verdict.</summary>
/// <param name="Runs">All results.</param>
/// <param name="Pass">Verdict pass.</param>
/// <param name="Expected">Verdict expected.</param>
/// <param name="Unexpected">Verdict unexpected.</param>
/// <param name="Skipped">Verdict skipped.</param>
/// <param name="Error">Verdict error.</param>
public sealed record AuditSummary(int Runs, int Pass, int Expected, int Unexpected, int Skipped, int Error);
