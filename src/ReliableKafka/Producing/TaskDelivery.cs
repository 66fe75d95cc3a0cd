namespace ReliableKafka.Producing;

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

    protected override void Deliver(in DeliveryOutcome outcome)
    {
        _registration.Dispose();
        _completion.TrySetResult(outcome);
    }
}
