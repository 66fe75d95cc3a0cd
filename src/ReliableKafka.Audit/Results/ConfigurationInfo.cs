namespace ReliableKafka.Audit;

/// <summary>A configuration as the report describes it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Description">What it is.</param>
/// <param name="Source">"built-in" or the file it came from.</param>
/// <param name="IsCritical">Whether it is marked Critical.</param>
/// <param name="Settings">Its properties as written, secrets masked.</param>
/// <param name="Findings">The shared rules' warnings and notes, one line each.</param>
public sealed record ConfigurationInfo(string Id, string Description, string Source, bool IsCritical, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<string> Findings);
