namespace ReliableKafka.Cli.Dlq;

/// <summary>The exit codes of <c>rk dlq</c>.</summary>
internal static class DlqExitCodes
{
    /// <summary>Done: listed, shown, or every selected dead letter replayed (or would be, with --dry-run).</summary>
    public const int Done = 0;

    /// <summary>Not done: a letter is not there (show), replays were refused (already replayed), or a replay or its mark failed.</summary>
    public const int NotDone = 1;

    /// <summary>rk cannot work with the input: a bad flag value or selection, or the cluster cannot be reached in time.</summary>
    public const int BadInput = 2;
}
