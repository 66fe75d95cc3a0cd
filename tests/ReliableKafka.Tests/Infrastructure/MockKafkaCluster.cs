using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Tests.Infrastructure;

/// <summary>
/// An in-process, multi-broker Kafka cluster built on librdkafka's mock cluster
/// (<c>rd_kafka_mock_*</c>). The brokers listen on 127.0.0.1, so Confluent.Kafka
/// clients reach them through <see cref="BootstrapServers"/> over real sockets,
/// and tests can inject protocol errors, broker outages and latency.
/// </summary>
/// <remarks>
/// The mock API is experimental in librdkafka and not covered by its ABI guarantees;
/// the signatures used here match librdkafka 2.16.
/// </remarks>
internal sealed unsafe partial class MockKafkaCluster : IDisposable
{
    private nint _rk;
    private nint _cluster;

    private MockKafkaCluster(nint rk, nint cluster, string bootstrapServers, int brokerCount)
    {
        _rk = rk;
        _cluster = cluster;
        BootstrapServers = bootstrapServers;
        BrokerCount = brokerCount;
    }

    /// <summary>The brokers' addresses, for the <c>bootstrap.servers</c> setting.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Starts a mock cluster with <paramref name="brokers"/> brokers.</summary>
    /// <param name="brokers">How many brokers to start (at least 1).</param>
    public static MockKafkaCluster Start(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var native = Native.Instance;

        const int errstrSize = 512;
        var errstr = stackalloc byte[errstrSize];
        errstr[0] = 0;

        var conf = native.ConfNew();
        if (conf == 0)
        {
            throw new InvalidOperationException("rd_kafka_conf_new returned NULL.");
        }

        // The mock cluster needs an rd_kafka_t for its own book keeping; a producer
        // without bootstrap servers stays idle. Its notice about that is silenced, the
        // mock brokers' warnings and errors still show.
        fixed (byte* name = "log_level\0"u8, value = "4\0"u8)
        {
            var result = native.ConfSet(conf, name, value, errstr, (nuint)errstrSize);
            if (result != 0)
            {
                native.ConfDestroy(conf);
                throw new InvalidOperationException(
                    $"rd_kafka_conf_set(log_level) failed with {result}: {Marshal.PtrToStringUTF8((nint)errstr)}");
            }
        }

        // rd_kafka_new takes ownership of conf when it succeeds.
        var rk = native.New(0 /* RD_KAFKA_PRODUCER */, conf, errstr, (nuint)errstrSize);
        if (rk == 0)
        {
            native.ConfDestroy(conf);
            throw new InvalidOperationException(
                $"rd_kafka_new failed: {Marshal.PtrToStringUTF8((nint)errstr)}");
        }

        var cluster = native.MockClusterNew(rk, brokers);
        if (cluster == 0)
        {
            native.Destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new returned NULL.");
        }

        var bootstraps = Marshal.PtrToStringUTF8(native.MockClusterBootstraps(cluster));
        if (string.IsNullOrEmpty(bootstraps))
        {
            native.MockClusterDestroy(cluster);
            native.Destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_bootstraps returned no addresses.");
        }

        return new MockKafkaCluster(rk, cluster, bootstraps, brokers);
    }

    /// <summary>Creates a topic on the mock cluster (instead of relying on auto-creation).</summary>
    /// <param name="topic">The topic name.</param>
    /// <param name="partitions">The number of partitions.</param>
    /// <param name="replicationFactor">The replication factor (at most <see cref="BrokerCount"/>).</param>
    public void CreateTopic(string topic, int partitions = 1, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        var cluster = Cluster;
        fixed (byte* name = Utf8z(topic))
        {
            Check("rd_kafka_mock_topic_create",
                Native.Instance.MockTopicCreate(cluster, name, partitions, replicationFactor));
        }
    }

    /// <summary>Starts recording the requests the brokers receive; see <see cref="ReceivedRequests"/>.</summary>
    public void TrackRequests() => Native.Instance.MockStartRequestTracking(Cluster);

    /// <summary>How many <paramref name="api"/> requests the brokers received since <see cref="TrackRequests"/> (counted on arrival, before any added round-trip time).</summary>
    public int ReceivedRequests(ApiKey api)
    {
        var native = Native.Instance;
        nuint count = 0;
        var requests = native.MockGetRequests(Cluster, &count);
        try
        {
            var matching = 0;
            for (nuint i = 0; i < count; i++)
            {
                if (native.MockRequestApiKey(requests[i]) == (short)api)
                {
                    matching++;
                }
            }

            return matching;
        }
        finally
        {
            if (requests is not null)
            {
                native.MockRequestDestroyArray(requests, count);
            }
        }
    }

    /// <summary>Destroys the mock cluster, then its rd_kafka_t. Safe to call more than once.</summary>
    public void Dispose()
    {
        var cluster = Interlocked.Exchange(ref _cluster, 0);
        var rk = Interlocked.Exchange(ref _rk, 0);
        if (cluster != 0)
        {
            Native.Instance.MockClusterDestroy(cluster);
        }

        if (rk != 0)
        {
            Native.Instance.Destroy(rk);
        }
    }

    private nint Cluster
    {
        get
        {
            var cluster = Volatile.Read(ref _cluster);
            ObjectDisposedException.ThrowIf(cluster == 0, this);
            return cluster;
        }
    }

    private static void Check(string function, int err)
    {
        if (err != 0)
        {
            throw new InvalidOperationException($"{function} failed with {(ErrorCode)err} ({err}).");
        }
    }

    private static byte[] Utf8z(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
