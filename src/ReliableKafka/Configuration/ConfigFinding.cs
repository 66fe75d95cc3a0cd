namespace ReliableKafka.Configuration;

/// <summary>One problem found in a producer configuration by <see cref="ProducerConfigValidator"/>.</summary>
/// <param name="RuleId">The rule's id (see <see cref="RuleIds"/>), for example <c>RK005</c>.</param>
/// <param name="Severity">How serious it is.</param>
/// <param name="Property">The property the finding is about, as the user wrote it; empty when it is about the whole configuration.</param>
/// <param name="Message">What is wrong. Never contains a secret's value.</param>
/// <param name="Fix">What to do about it.</param>
public sealed record ConfigFinding(string RuleId, FindingSeverity Severity, string Property, string Message, string Fix)
{
    /// <summary>One line: id, severity, message and fix.</summary>
    /// <returns>For example <c>RK005 error: ... Fix: ...</c>.</returns>
    public override string ToString() => $"{RuleId} {Severity.ToString().ToLowerInvariant()}: {Message} Fix: {Fix}";
}
