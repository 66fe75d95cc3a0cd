using System.Text;

namespace ReliableKafka.Configuration;

/// <summary>
/// Thrown when a producer configuration breaks one or more rules. Its message lists every error with
/// what to do; <see cref="Findings"/> holds them all, warnings included. It never contains a secret's value.
/// </summary>
public sealed class ReliableKafkaConfigurationException : Exception
{
    /// <summary>Creates the exception from the findings of a validation.</summary>
    /// <param name="subject">What was validated, for example "The Critical producer configuration".</param>
    /// <param name="findings">Every finding; at least one should be an error.</param>
    public ReliableKafkaConfigurationException(string subject, IReadOnlyList<ConfigFinding> findings)
        : base(Describe(subject, findings))
    {
        Findings = findings;
    }

    /// <summary>Every finding of the validation, errors first.</summary>
    public IReadOnlyList<ConfigFinding> Findings { get; }

    private static string Describe(string subject, IReadOnlyList<ConfigFinding> findings)
    {
        var errors = findings.Where(static f => f.Severity == FindingSeverity.Error).ToList();
        var text = new StringBuilder();
        text.Append(subject).Append(" is invalid (").Append(errors.Count).Append(errors.Count == 1 ? " error" : " errors").Append("):");
        foreach (var error in errors)
        {
            text.Append('\n').Append("  - ").Append(error.RuleId).Append(' ').Append(error.Message).Append(" Fix: ").Append(error.Fix);
        }

        return text.ToString();
    }
}
