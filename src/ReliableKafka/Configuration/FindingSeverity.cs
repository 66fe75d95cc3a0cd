namespace ReliableKafka.Configuration;

/// <summary>How serious a <see cref="ConfigFinding"/> is.</summary>
public enum FindingSeverity
{
    /// <summary>Worth knowing; nothing to change for the chosen profile.</summary>
    Info = 0,

    /// <summary>Works, but risks loss, duplicates or reordering in ordinary operation.</summary>
    Warning = 1,

    /// <summary>Wrong: the producer is not built until it is fixed.</summary>
    Error = 2,
}
