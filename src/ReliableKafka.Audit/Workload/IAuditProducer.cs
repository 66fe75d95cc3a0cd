namespace ReliableKafka.Audit.Workload;

/// <summary>The producer under test, reporting every outcome to a <see cref="DeliveryRecorder"/>.</summary>
internal interface IAuditProducer : IDisposable
{
    /// <summary>Hands one message to the client; a synchronous refusal is reported at once.</summary>
    void Send(string topic, string key, string value, long sequence);

    /// <summary>Waits for reports, up to <paramref name="timeout"/>.</summary>
    void Flush(TimeSpan timeout);
}
