using Microsoft.Extensions.Options;
using ReliableKafka.Configuration;

namespace ReliableKafka.DependencyInjection;

/// <summary>Runs the rule set on every profile's producer configuration, at start-up.</summary>
internal sealed class ReliableKafkaOptionsValidator : IValidateOptions<ReliableKafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, ReliableKafkaOptions options)
    {
        var failures = new List<string>();
        foreach (var profile in Enum.GetValues<ReliabilityProfile>())
        {
            var producer = options.ForProfile(profile);
            ProducerConfigFactory.Merge(profile, producer.BootstrapServers, producer.Settings, out var asWritten);
            foreach (var error in ProducerConfigValidator.Errors(asWritten, profile))
            {
                var line = $"Kafka {profile} producer: {error.RuleId} {error.Message} Fix: {error.Fix}";
                if (!failures.Contains(line))
                {
                    failures.Add(line);
                }
            }
        }

        if (string.IsNullOrWhiteSpace(options.DeadLetters.Topic) && !options.DeadLetters.TopicPerSource)
        {
            failures.Add("Kafka dead letters: DeadLetters:Topic is empty. Fix: set it (the default is 'dead-letter-queue') or set DeadLetters:TopicPerSource=true.");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Kafka: ShutdownTimeout is {options.ShutdownTimeout}. Fix: set it to a positive time span such as 00:00:10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
