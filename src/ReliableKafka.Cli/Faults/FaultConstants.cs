namespace ReliableKafka.Cli.Faults;

/// <summary>Defaults and exit codes of <c>rk fault</c>.</summary>
internal static class FaultConstants
{
    /// <summary>Where <c>rk cluster</c> serves its control API by default.</summary>
    public const string DefaultControl = "http://127.0.0.1:19090";

    /// <summary>The environment variable that overrides <see cref="DefaultControl"/>.</summary>
    public const string ControlVariable = "RK_CONTROL";

    /// <summary>The command did what was asked.</summary>
    public const int Done = 0;

    /// <summary>The control API refused the request; its error message was printed.</summary>
    public const int Refused = 1;

    /// <summary>Bad usage, or no control API answered at the URL.</summary>
    public const int BadUsage = 2;

    /// <summary>How long to wait for the control API to answer.</summary>
    public static readonly TimeSpan ControlTimeout = TimeSpan.FromSeconds(5);
}
