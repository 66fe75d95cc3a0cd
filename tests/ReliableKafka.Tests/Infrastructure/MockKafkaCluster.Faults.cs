using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Tests.Infrastructure;

internal sealed unsafe partial class MockKafkaCluster
{
    /// <summary>
    /// Makes the next requests of type <paramref name="api"/>, cluster-wide, fail with
    /// <paramref name="errors"/>, one error per request, in order.
    /// <see cref="ErrorCode.Local_Transport"/> makes the broker drop the connection instead.
    /// </summary>
    /// <param name="api">The request type to fail.</param>
    /// <param name="errors">The errors to return, at least one.</param>
    public void PushRequestErrors(ApiKey api, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        var cluster = Cluster;
        var codes = new int[errors.Length];
        for (var i = 0; i < errors.Length; i++)
        {
            codes[i] = (int)errors[i];
        }

        fixed (int* p = codes)
        {
            Native.Instance.MockPushRequestErrorsArray(cluster, (short)api, (nuint)codes.Length, p);
        }
    }

    /// <summary>Drops the errors still queued by <see cref="PushRequestErrors"/> for <paramref name="api"/>.</summary>
    /// <param name="api">The request type.</param>
    public void ClearRequestErrors(ApiKey api) =>
        Native.Instance.MockClearRequestErrors(Cluster, (short)api);

    /// <summary>
    /// Sets the error the cluster reports for <paramref name="topic"/> in Metadata (and
    /// AddPartitionsToTxn) responses; <see cref="ErrorCode.NoError"/> clears it.
    /// </summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="error">The error to report.</param>
    public void SetTopicError(string topic, ErrorCode error)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var cluster = Cluster;
        fixed (byte* name = Utf8z(topic))
        {
            Native.Instance.MockTopicSetError(cluster, name, (int)error);
        }
    }

    /// <summary>
    /// Disconnects broker <paramref name="brokerId"/> and refuses new connections to it
    /// (without moving partition leadership).
    /// </summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    public void SetBrokerDown(int brokerId) =>
        Check("rd_kafka_mock_broker_set_down", Native.Instance.MockBrokerSetDown(Cluster, brokerId));

    /// <summary>Lets broker <paramref name="brokerId"/> accept connections again.</summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    public void SetBrokerUp(int brokerId) =>
        Check("rd_kafka_mock_broker_set_up", Native.Instance.MockBrokerSetUp(Cluster, brokerId));

    /// <summary>Takes every broker down (see <see cref="SetBrokerDown"/>).</summary>
    public void SetAllBrokersDown()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerDown(id);
        }
    }

    /// <summary>Brings every broker back up (see <see cref="SetBrokerUp"/>).</summary>
    public void SetAllBrokersUp()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerUp(id);
        }
    }

    /// <summary>Delays every response of broker <paramref name="brokerId"/> by <paramref name="rtt"/>.</summary>
    /// <param name="brokerId">A broker id, 1 to <see cref="BrokerCount"/>.</param>
    /// <param name="rtt">The added round-trip time, whole milliseconds; zero removes it.</param>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rtt, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rtt, TimeSpan.FromMilliseconds(int.MaxValue));
        Check("rd_kafka_mock_broker_set_rtt",
            Native.Instance.MockBrokerSetRtt(Cluster, brokerId, (int)rtt.TotalMilliseconds));
    }

    /// <summary>
    /// Raises a fatal error inside a Confluent.Kafka client as if librdkafka had hit it,
    /// so its error handler receives an <see cref="Error"/> with <see cref="Error.IsFatal"/> set
    /// and its queued messages are purged. Works on any client; no mock cluster is needed.
    /// </summary>
    /// <param name="client">The producer (or consumer) to break.</param>
    /// <param name="error">The underlying error code to report.</param>
    /// <param name="reason">The reason text.</param>
    public static void TriggerFatalError(IClient client, ErrorCode error, string reason)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(reason);
        var native = Native.Instance;

        var handle = client.Handle
            ?? throw new InvalidOperationException("The client has no handle.");
        var property = handle.GetType().GetProperty(
            "LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        if (property?.GetValue(handle) is not SafeHandle safeHandle)
        {
            throw new InvalidOperationException(
                "Could not reach the client's rd_kafka_t: Confluent.Kafka.Handle.LibrdkafkaHandle not found.");
        }

        var addedRef = false;
        try
        {
            safeHandle.DangerousAddRef(ref addedRef);
            fixed (byte* text = Utf8z(reason))
            {
                Check("rd_kafka_test_fatal_error",
                    native.TestFatalError(safeHandle.DangerousGetHandle(), (int)error, text));
            }
        }
        finally
        {
            if (addedRef)
            {
                safeHandle.DangerousRelease();
            }
        }
    }
}
