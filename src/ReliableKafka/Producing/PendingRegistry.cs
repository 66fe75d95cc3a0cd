using Confluent.Kafka;

namespace ReliableKafka.Producing;

/// <summary>
/// The messages one client instance holds: handed to librdkafka, not yet reported. librdkafka reports every
/// message exactly once while the instance lives, but a disposed instance reports nothing; this registry is how
/// the producer finds the messages that would otherwise be dropped in silence.
/// Striped intrusive lists keep the hot path to one uncontended lock per add and per remove.
/// </summary>
internal sealed class PendingRegistry
{
    private readonly Stripe[] _stripes;
    private readonly int _mask;

    public PendingRegistry()
    {
        var count = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, Environment.ProcessorCount * 2));
        _stripes = new Stripe[count];
        for (var i = 0; i < count; i++)
        {
            _stripes[i] = new Stripe();
        }

        _mask = count - 1;
    }

    public int Count
    {
        get
        {
            var total = 0;
            foreach (var stripe in _stripes)
            {
                total += Volatile.Read(ref stripe.Count);
            }

            return total;
        }
    }

    public void Add(PendingDelivery node)
    {
        var stripe = _stripes[Environment.CurrentManagedThreadId & _mask];
        lock (stripe.Gate)
        {
            node.Next = stripe.Head;
            node.Previous = null;
            if (stripe.Head is not null)
            {
                stripe.Head.Previous = node;
            }

            stripe.Head = node;
            node.Stripe = stripe;
            stripe.Count++;
        }
    }

    /// <summary>Removes the node; false when it was already removed (its outcome belongs to someone else).</summary>
    public static bool TryRemove(PendingDelivery node)
    {
        var stripe = node.Stripe;
        if (stripe is null)
        {
            return false;
        }

        lock (stripe.Gate)
        {
            if (node.Stripe != stripe)
            {
                return false;
            }

            Unlink(stripe, node);
            return true;
        }
    }

    /// <summary>Removes and returns every node still registered.</summary>
    public List<PendingDelivery> RemoveAll()
    {
        var all = new List<PendingDelivery>();
        foreach (var stripe in _stripes)
        {
            lock (stripe.Gate)
            {
                while (stripe.Head is { } node)
                {
                    Unlink(stripe, node);
                    all.Add(node);
                }
            }
        }

        return all;
    }

    private static void Unlink(Stripe stripe, PendingDelivery node)
    {
        if (node.Previous is not null)
        {
            node.Previous.Next = node.Next;
        }
        else
        {
            stripe.Head = node.Next;
        }

        if (node.Next is not null)
        {
            node.Next.Previous = node.Previous;
        }

        node.Next = null;
        node.Previous = null;
        node.Stripe = null;
        stripe.Count--;
    }

    internal sealed class Stripe
    {
        public readonly Lock Gate = new();
        public PendingDelivery? Head;
        public int Count;
    }
}

/// <summary>
/// One message handed to librdkafka: what is needed to report its outcome, dead-letter it, or give it back.
/// </summary>
internal abstract class PendingDelivery
{
    internal PendingDelivery? Next;
    internal PendingDelivery? Previous;
    internal PendingRegistry.Stripe? Stripe;

    public string Topic { get; set; } = "";

    public Message<byte[]?, byte[]?> Message { get; set; } = null!;

    public long StartedAt { get; set; }

    /// <summary>The instance the message was handed to.</summary>
    public ProducerInstance? Instance { get; set; }

    /// <summary>Who turns the delivery report into an outcome.</summary>
    public IDeliverySink Sink { get; set; } = null!;

    /// <summary>The handler given to librdkafka for this message.</summary>
    public void Report(DeliveryReport<byte[]?, byte[]?> report) => Sink.OnReport(this, report);

    /// <summary>Hands the outcome to whoever waits for it. Called exactly once.</summary>
    public abstract void Complete(in DeliveryOutcome outcome);
}

/// <summary>A message whose outcome goes to a callback with caller state.</summary>
internal sealed class CallbackDelivery<TState>(TState state, Action<DeliveryOutcome, TState> callback) : PendingDelivery
{
    public override void Complete(in DeliveryOutcome outcome) => callback(outcome, state);
}

/// <summary>A message whose outcome completes a task.</summary>
internal sealed class TaskDelivery : PendingDelivery
{
    private readonly TaskCompletionSource<DeliveryOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;

    public Task<DeliveryOutcome> Task => _completion.Task;

    public void CancelWaitOn(CancellationToken cancellationToken, Func<TaskDelivery, DeliveryOutcome> onCancel)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.Register(
                static state =>
                {
                    var (node, make) = ((TaskDelivery, Func<TaskDelivery, DeliveryOutcome>))state!;
                    node._completion.TrySetResult(make(node));
                },
                (this, onCancel));
        }
    }

    public override void Complete(in DeliveryOutcome outcome)
    {
        _registration.Dispose();
        _completion.TrySetResult(outcome);
    }
}
