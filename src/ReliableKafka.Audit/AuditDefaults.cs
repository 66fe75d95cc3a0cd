namespace ReliableKafka.Audit;

/// <summary>The defaults of <see cref="AuditOptions"/>.</summary>
public static class AuditDefaults
{
    /// <summary>500 messages per second.</summary>
    public const double MessagesPerSecond = 500;

    /// <summary>12 keys.</summary>
    public const int Keys = 12;

    /// <summary>0.6 seconds.</summary>
    public static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(600);

    /// <summary>0.8 seconds.</summary>
    public static readonly TimeSpan Tail = TimeSpan.FromMilliseconds(800);
}
