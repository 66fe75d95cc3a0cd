namespace ReliableKafka.Audit;

/// <summary>One progress report of an <see cref="AuditRunner"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Index">The run's position, 1-based.</param>
/// <param name="Total">How many runs the audit has.</param>
/// <param name="Scenario">The scenario id.</param>
/// <param name="Configuration">The configuration id.</param>
/// <param name="Message">The step, for <see cref="AuditProgressKind.Step"/>.</param>
/// <param name="Result">The result, for <see cref="AuditProgressKind.RunFinished"/>.</param>
public sealed record AuditProgress(AuditProgressKind Kind, int Index, int Total, string Scenario, string Configuration, string? Message = null, AuditRunResult? Result = null);
