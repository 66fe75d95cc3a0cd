using Confluent.Kafka;

namespace ReliableKafka.DeadLetters;

/// <summary>
/// A local, durable store for dead letters that the dead-letter topic could not take: the last resort that keeps a
/// fatally failed message from being lost. Each <see cref="Add"/> is durable before it returns. The library has no
/// implementation of its own (it carries no database driver); the ReliableKafka.DeadLetters.Sqlite package keeps them
/// in a SQLite file. Set one with <see cref="DeadLetterOptions.OpenSpill"/>.
/// </summary>
/// <remarks>Implementations are called from several threads at once and must be safe for that.</remarks>
public interface IDeadLetterSpill : IDisposable
{
    /// <summary>Where the letters are kept (a full file path), for logs and messages.</summary>
    string Location { get; }

    /// <summary>Stores one dead letter, durably, and returns its id (unique in this spill).</summary>
    /// <param name="deadLetterTopic">The dead-letter topic it was meant for.</param>
    /// <param name="deadLetterError">Why that topic did not take it.</param>
    /// <param name="key">The message key.</param>
    /// <param name="value">The message value.</param>
    /// <param name="headers">The headers as they would have been written to the dead-letter topic.</param>
    /// <param name="at">When it failed.</param>
    /// <returns>The spill id.</returns>
    long Add(string deadLetterTopic, string deadLetterError, byte[]? key, byte[]? value, Headers headers, DateTimeOffset at);

    /// <summary>Every spilled dead letter, oldest first (see <see cref="DeadLetter.FromSpill"/>). An absent store holds none.</summary>
    /// <returns>The letters.</returns>
    IReadOnlyList<DeadLetter> ReadAll();

    /// <summary>Removes a spilled dead letter (after it was replayed).</summary>
    /// <param name="id">Its spill id.</param>
    /// <returns>True when it was there.</returns>
    bool Delete(long id);
}
