using Confluent.Kafka;

namespace ReliableKafka.Benchmarks;

/// <summary>One way of sending the workload.</summary>
internal abstract class Variant(string id, string name, Workload workload)
{
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromMinutes(5);

    public string Id { get; } = id;

    public string Name { get; } = name;

    protected Workload Workload { get; } = workload;

    /// <summary>Sends one message to <paramref name="topic"/> and waits for it, so the topic exists before timing.</summary>
    /// <exception cref="InvalidOperationException">The message was not delivered.</exception>
    public abstract void Prime(string topic);

    /// <summary>Hands <paramref name="count"/> messages over, then flushes; reports go to <paramref name="counter"/>.</summary>
    public abstract void Run(string topic, int count, DeliveryCounter counter);
}

/// <summary>A: raw <c>IProducer.Produce</c> with one cached delivery handler.</summary>
internal sealed class RawProduceVariant(string id, string name, Workload workload, IProducer<byte[]?, byte[]?> producer, int window)
    : Variant(id, name, workload)
{
    public override void Prime(string topic) => RawPrime.Prime(producer, topic, Workload);

    public override void Run(string topic, int count, DeliveryCounter counter)
    {
        var handler = counter.Handler;
        var value = Workload.Value;
        for (var i = 0; i < count; i++)
        {
            if ((i & 1023) == 0)
            {
                counter.WaitForRoom(i, window);
            }

            try
            {
                producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = Workload.Key(i), Value = value }, handler);
            }
            catch (KafkaException e)
            {
                counter.Record(false, e.Error.Code, e.Error.Reason);
            }
        }

        producer.Flush(FlushTimeout);
    }
}

/// <summary>B: <c>ReliableProducer.Publish&lt;TState&gt;</c> with a static callback.</summary>
internal sealed class ReliablePublishVariant(string id, string name, Workload workload, ReliableProducer<byte[]?, byte[]?> producer, int window)
    : Variant(id, name, workload)
{
    public override void Prime(string topic) => ReliablePrime.Prime(producer, topic, Workload);

    public override void Run(string topic, int count, DeliveryCounter counter)
    {
        var value = Workload.Value;
        for (var i = 0; i < count; i++)
        {
            if ((i & 1023) == 0)
            {
                counter.WaitForRoom(i, window);
            }

            producer.Publish(topic, Workload.Key(i), value, headers: null, counter, static (outcome, c) => c.Record(outcome.IsDelivered, outcome.Error, outcome.Reason));
        }

        producer.Flush(FlushTimeout);
    }
}

/// <summary>
/// An awaited send per message with a window of N messages in flight (SemaphoreSlim): the scheme C and D share,
/// so that the only difference between them is the one call <see cref="SendOneAsync"/> makes.
/// </summary>
internal abstract class WindowedAsyncVariant(string id, string name, Workload workload, int inFlight)
    : Variant(id, name, workload)
{
    public override void Run(string topic, int count, DeliveryCounter counter)
    {
        RunAsync(topic, count, counter).GetAwaiter().GetResult();
        Flush();
    }

    /// <summary>Sends one message and records its outcome in <paramref name="counter"/>.</summary>
    protected abstract Task SendOneAsync(string topic, byte[] key, DeliveryCounter counter);

    protected abstract void Flush();

    private async Task RunAsync(string topic, int count, DeliveryCounter counter)
    {
        using var window = new SemaphoreSlim(inFlight, inFlight);
        for (var i = 0; i < count; i++)
        {
            await window.WaitAsync().ConfigureAwait(false);
            _ = SendAsync(topic, Workload.Key(i), counter, window);
        }

        // Keep the semaphore alive until every send has released it.
        for (var i = 0; i < inFlight; i++)
        {
            await window.WaitAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAsync(string topic, byte[] key, DeliveryCounter counter, SemaphoreSlim window)
    {
        try
        {
            await SendOneAsync(topic, key, counter).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            counter.Record(false, (e as KafkaException)?.Error.Code ?? ErrorCode.Unknown, e.Message);
        }
        finally
        {
            window.Release();
        }
    }
}

/// <summary>C: raw <c>ProduceAsync</c>, awaited, with a window of N messages in flight.</summary>
internal sealed class RawProduceAsyncVariant(string id, string name, Workload workload, IProducer<byte[]?, byte[]?> producer, int inFlight)
    : WindowedAsyncVariant(id, name, workload, inFlight)
{
    public override void Prime(string topic) => RawPrime.Prime(producer, topic, Workload);

    protected override async Task SendOneAsync(string topic, byte[] key, DeliveryCounter counter)
    {
        await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = key, Value = Workload.Value }).ConfigureAwait(false);
        counter.Record(true, ErrorCode.NoError, null);
    }

    protected override void Flush() => producer.Flush(FlushTimeout);
}

/// <summary>D: <c>ReliableProducer.PublishAsync</c>, awaited, with the same window as C.</summary>
internal sealed class ReliablePublishAsyncVariant(string id, string name, Workload workload, ReliableProducer<byte[]?, byte[]?> producer, int inFlight)
    : WindowedAsyncVariant(id, name, workload, inFlight)
{
    public override void Prime(string topic) => ReliablePrime.Prime(producer, topic, Workload);

    protected override async Task SendOneAsync(string topic, byte[] key, DeliveryCounter counter)
    {
        var outcome = await producer.PublishAsync(topic, key, Workload.Value).ConfigureAwait(false);
        counter.Record(outcome.IsDelivered, outcome.Error, outcome.Reason);
    }

    protected override void Flush() => producer.Flush(FlushTimeout);
}

internal static class RawPrime
{
    public static void Prime(IProducer<byte[]?, byte[]?> producer, string topic, Workload workload)
    {
        var result = producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = workload.Key(0), Value = workload.Value })
            .GetAwaiter().GetResult();
        if (result.Status != PersistenceStatus.Persisted)
        {
            throw new InvalidOperationException($"Priming {topic} returned {result.Status}.");
        }
    }
}

internal static class ReliablePrime
{
    public static void Prime(ReliableProducer<byte[]?, byte[]?> producer, string topic, Workload workload)
    {
        var outcome = producer.PublishAsync(topic, workload.Key(0), workload.Value).GetAwaiter().GetResult();
        if (!outcome.IsDelivered)
        {
            throw new InvalidOperationException($"Priming {topic} failed: {outcome}");
        }
    }
}
