namespace ReliableKafka.Cli.Advise;

/// <summary>What breaks when one message is lost: the answer that picks the profile.</summary>
public enum LossImpact
{
    /// <summary>A business fact is gone: an order, a payment, a task, an audit entry. → Critical.</summary>
    Critical,

    /// <summary>A statistic or a recommendation is slightly off. → Analytics.</summary>
    Minor,

    /// <summary>Nothing anyone notices: the next sample replaces it. → Metrics.</summary>
    None,
}

/// <summary>The answers <c>rk advise</c> asks for.</summary>
/// <param name="LossImpact">What breaks if a message is lost.</param>
/// <param name="LatencyBudgetMs">How long a publish may take, typically, from the call to the acknowledgement, in ms.</param>
/// <param name="Brokers">How many brokers the cluster has.</param>
/// <param name="PeakRate">The peak rate, in messages per second, of the producer.</param>
/// <param name="ConsumersDeduplicate">Whether consumers drop an event they have already processed (by event id).</param>
/// <param name="BootstrapServers">The brokers to put in the configuration; null for a placeholder.</param>
/// <param name="AtomicTopics">Whether several events, on several topics, must appear together or not at all.</param>
internal sealed record AdviceAnswers(
    LossImpact LossImpact,
    int LatencyBudgetMs,
    int Brokers,
    int PeakRate,
    bool ConsumersDeduplicate,
    string? BootstrapServers = null,
    bool AtomicTopics = false);
