namespace ReliableKafka.Audit;

/// <summary>Failed messages with the same error and persistence status.</summary>
/// <param name="Error">The Confluent.Kafka error code name, for example "Local_MsgTimedOut"; "NoReport" when the client never reported.</param>
/// <param name="Code">The numeric error code.</param>
/// <param name="Persistence">"NotPersisted", "PossiblyPersisted" or "Persisted", as the client reported it.</param>
/// <param name="Count">How many messages.</param>
/// <param name="Present">How many of them are in the log anyway.</param>
/// <param name="DeadLettered">How many of them are on the dead-letter topic.</param>
public sealed record FailureGroup(string Error, int Code, string Persistence, long Count, long Present, long DeadLettered);
