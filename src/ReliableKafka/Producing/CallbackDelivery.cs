namespace ReliableKafka.Producing;

/// <summary>A message whose outcome goes to a callback with caller state.</summary>
internal sealed class CallbackDelivery<TState>(TState state, Action<DeliveryOutcome, TState> callback) : PendingDelivery
{
    private TState _state = state;

    protected override void Deliver(in DeliveryOutcome outcome)
    {
        var state = _state;
        _state = default!;
        callback(outcome, state);
    }
}
