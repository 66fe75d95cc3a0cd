namespace ReliableKafka.Audit;

/// <summary>What Kafka's semantics allow in one scenario for one configuration.</summary>
/// <param name="Loss">Acknowledged records missing from the log.</param>
/// <param name="Duplication">A record present more than once.</param>
/// <param name="Reordering">A key's records out of order in its partition.</param>
/// <param name="Why">One sentence from Kafka's semantics.</param>
public sealed record ExpectedBehaviour(Expectation Loss, Expectation Duplication, Expectation Reordering, string Why);
