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

/// <summary>One progress report of an <see cref="AuditRunner"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Index">The run's position, 1-based.</param>
/// <param name="Total">How many runs the audit has.</param>
/// <param name="Scenario">The scenario id.</param>
/// <param name="Configuration">The configuration id.</param>
/// <param name="Message">The step, for <see cref="AuditProgressKind.Step"/>.</param>
/// <param name="Result">The result, for <see cref="AuditProgressKind.RunFinished"/>.</param>
public sealed record AuditProgress(AuditProgressKind Kind, int Index, int Total, string Scenario, string Configuration, string? Message = null, AuditRunResult? Result = null);
