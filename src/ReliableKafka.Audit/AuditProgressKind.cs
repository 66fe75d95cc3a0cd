namespace ReliableKafka.Audit;

/// <summary>What an <see cref="AuditProgress"/> report is about.</summary>
public enum AuditProgressKind
{
    /// <summary>A run (one scenario with one configuration) started.</summary>
    RunStarted,

    /// <summary>A step of the run's fault schedule was applied.</summary>
    Step,

    /// <summary>A run finished; <see cref="AuditProgress.Result"/> holds its result.</summary>
    RunFinished,
}
