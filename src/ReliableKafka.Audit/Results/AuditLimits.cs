namespace ReliableKafka.Audit;

/// <summary>Limits of the report's record lists (the counts are always complete).</summary>
public static class AuditLimits
{
    /// <summary>How many lost, duplicated and reordered records each run lists: 200.</summary>
    public const int ListedRecords = 200;
}
