using Confluent.Kafka;
using ReliableKafka.Producing;

namespace ReliableKafka;

/// <content>Dead-lettering: fatal failures go to the dead-letter publisher; dispose waits for those still on their way.</content>
public sealed partial class ReliableProducer<TKey, TValue>
{
    private async Task DeadLetterAsync(PendingDelivery node, int partition, ErrorCode code, string reason, PersistenceStatus persistence, FailureKind kind)
    {
        Interlocked.Increment(ref _deadLettering);
        try
        {
            var (disposition, location) = await _deadLetters.PublishAsync(node.Topic, partition, node.ToBytesMessage(), code, reason).ConfigureAwait(false);
            Finish(node, DeliveryOutcome.Failed(node.Topic, partition, code, reason, persistence, kind, disposition, Since(node.StartedAt)) with
            {
                DeadLetter = location,
            });
        }
        finally
        {
            Interlocked.Decrement(ref _deadLettering);
        }
    }

    /// <summary>Waits, until <paramref name="timeout"/> after <paramref name="started"/>, for the dead letters still being written.</summary>
    private async Task WaitForDeadLettersAsync(long started, TimeSpan timeout)
    {
        while (Volatile.Read(ref _deadLettering) > 0 && _time.GetElapsedTime(started) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time).ConfigureAwait(false);
        }
    }
}
