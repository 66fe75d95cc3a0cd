using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace ReliableKafka.Tests.Infrastructure;

/// <summary>
/// Kafka protocol request types (ApiKeys) that the mock cluster can fail on demand.
/// </summary>
internal enum KafkaApiKey : short
{
    /// <summary>ProduceRequest.</summary>
    Produce = 0,
    /// <summary>FetchRequest.</summary>
    Fetch = 1,
    /// <summary>ListOffsetsRequest.</summary>
    ListOffsets = 2,
    /// <summary>MetadataRequest.</summary>
    Metadata = 3,
    /// <summary>OffsetCommitRequest.</summary>
    OffsetCommit = 8,
    /// <summary>OffsetFetchRequest.</summary>
    OffsetFetch = 9,
    /// <summary>FindCoordinatorRequest.</summary>
    FindCoordinator = 10,
    /// <summary>JoinGroupRequest.</summary>
    JoinGroup = 11,
    /// <summary>HeartbeatRequest.</summary>
    Heartbeat = 12,
    /// <summary>LeaveGroupRequest.</summary>
    LeaveGroup = 13,
    /// <summary>SyncGroupRequest.</summary>
    SyncGroup = 14,
    /// <summary>DescribeGroupsRequest.</summary>
    DescribeGroups = 15,
    /// <summary>ListGroupsRequest.</summary>
    ListGroups = 16,
    /// <summary>SaslHandshakeRequest.</summary>
    SaslHandshake = 17,
    /// <summary>ApiVersionsRequest.</summary>
    ApiVersions = 18,
    /// <summary>CreateTopicsRequest.</summary>
    CreateTopics = 19,
    /// <summary>DeleteTopicsRequest.</summary>
    DeleteTopics = 20,
    /// <summary>DeleteRecordsRequest.</summary>
    DeleteRecords = 21,
    /// <summary>InitProducerIdRequest.</summary>
    InitProducerId = 22,
    /// <summary>OffsetForLeaderEpochRequest.</summary>
    OffsetForLeaderEpoch = 23,
    /// <summary>AddPartitionsToTxnRequest.</summary>
    AddPartitionsToTxn = 24,
    /// <summary>AddOffsetsToTxnRequest.</summary>
    AddOffsetsToTxn = 25,
    /// <summary>EndTxnRequest.</summary>
    EndTxn = 26,
    /// <summary>TxnOffsetCommitRequest.</summary>
    TxnOffsetCommit = 28,
}

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
internal sealed unsafe class MockKafkaCluster : IDisposable
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

    /// <summary>
    /// Makes the next requests of type <paramref name="api"/>, cluster-wide, fail with
    /// <paramref name="errors"/>, one error per request, in order.
    /// <see cref="ErrorCode.Local_Transport"/> makes the broker drop the connection instead.
    /// </summary>
    /// <param name="api">The request type to fail.</param>
    /// <param name="errors">The errors to return, at least one.</param>
    public void PushRequestErrors(KafkaApiKey api, params ErrorCode[] errors)
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
    public void ClearRequestErrors(KafkaApiKey api) =>
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

    /// <summary>Starts recording the requests the brokers receive; see <see cref="ReceivedRequests"/>.</summary>
    public void TrackRequests() => Native.Instance.MockStartRequestTracking(Cluster);

    /// <summary>How many <paramref name="api"/> requests the brokers received since <see cref="TrackRequests"/> (counted on arrival, before any added round-trip time).</summary>
    public int ReceivedRequests(KafkaApiKey api)
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

    /// <summary>Entry points of the librdkafka instance that Confluent.Kafka itself loaded.</summary>
    private sealed class Native
    {
        private static readonly Lazy<Native> LazyInstance = new(() => new Native(LoadLibrdkafka()));

        private Native(nint lib)
        {
            ConfNew = (delegate* unmanaged<nint>)Export(lib, "rd_kafka_conf_new");
            ConfDestroy = (delegate* unmanaged<nint, void>)Export(lib, "rd_kafka_conf_destroy");
            ConfSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)Export(lib, "rd_kafka_conf_set");
            New = (delegate* unmanaged<int, nint, byte*, nuint, nint>)Export(lib, "rd_kafka_new");
            Destroy = (delegate* unmanaged<nint, void>)Export(lib, "rd_kafka_destroy");
            TestFatalError = (delegate* unmanaged<nint, int, byte*, int>)Export(lib, "rd_kafka_test_fatal_error");
            MockClusterNew = (delegate* unmanaged<nint, int, nint>)Export(lib, "rd_kafka_mock_cluster_new");
            MockClusterDestroy = (delegate* unmanaged<nint, void>)Export(lib, "rd_kafka_mock_cluster_destroy");
            MockClusterBootstraps = (delegate* unmanaged<nint, nint>)Export(lib, "rd_kafka_mock_cluster_bootstraps");
            MockTopicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)Export(lib, "rd_kafka_mock_topic_create");
            MockTopicSetError = (delegate* unmanaged<nint, byte*, int, void>)Export(lib, "rd_kafka_mock_topic_set_error");
            MockPushRequestErrorsArray =
                (delegate* unmanaged<nint, short, nuint, int*, void>)Export(lib, "rd_kafka_mock_push_request_errors_array");
            MockClearRequestErrors = (delegate* unmanaged<nint, short, void>)Export(lib, "rd_kafka_mock_clear_request_errors");
            MockBrokerSetDown = (delegate* unmanaged<nint, int, int>)Export(lib, "rd_kafka_mock_broker_set_down");
            MockBrokerSetUp = (delegate* unmanaged<nint, int, int>)Export(lib, "rd_kafka_mock_broker_set_up");
            MockBrokerSetRtt = (delegate* unmanaged<nint, int, int, int>)Export(lib, "rd_kafka_mock_broker_set_rtt");
            MockStartRequestTracking = (delegate* unmanaged<nint, void>)Export(lib, "rd_kafka_mock_start_request_tracking");
            MockGetRequests = (delegate* unmanaged<nint, nuint*, nint*>)Export(lib, "rd_kafka_mock_get_requests");
            MockRequestApiKey = (delegate* unmanaged<nint, short>)Export(lib, "rd_kafka_mock_request_api_key");
            MockRequestDestroyArray = (delegate* unmanaged<nint*, nuint, void>)Export(lib, "rd_kafka_mock_request_destroy_array");
        }

        public static Native Instance => LazyInstance.Value;

        public delegate* unmanaged<nint> ConfNew { get; }

        public delegate* unmanaged<nint, void> ConfDestroy { get; }

        public delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int> ConfSet { get; }

        public delegate* unmanaged<int, nint, byte*, nuint, nint> New { get; }

        public delegate* unmanaged<nint, void> Destroy { get; }

        public delegate* unmanaged<nint, int, byte*, int> TestFatalError { get; }

        public delegate* unmanaged<nint, int, nint> MockClusterNew { get; }

        public delegate* unmanaged<nint, void> MockClusterDestroy { get; }

        public delegate* unmanaged<nint, nint> MockClusterBootstraps { get; }

        public delegate* unmanaged<nint, byte*, int, int, int> MockTopicCreate { get; }

        public delegate* unmanaged<nint, byte*, int, void> MockTopicSetError { get; }

        public delegate* unmanaged<nint, short, nuint, int*, void> MockPushRequestErrorsArray { get; }

        public delegate* unmanaged<nint, short, void> MockClearRequestErrors { get; }

        public delegate* unmanaged<nint, int, int> MockBrokerSetDown { get; }

        public delegate* unmanaged<nint, int, int> MockBrokerSetUp { get; }

        public delegate* unmanaged<nint, int, int, int> MockBrokerSetRtt { get; }

        public delegate* unmanaged<nint, void> MockStartRequestTracking { get; }

        public delegate* unmanaged<nint, nuint*, nint*> MockGetRequests { get; }

        public delegate* unmanaged<nint, short> MockRequestApiKey { get; }

        public delegate* unmanaged<nint*, nuint, void> MockRequestDestroyArray { get; }

        private static nint Export(nint lib, string name) =>
            NativeLibrary.TryGetExport(lib, name, out var address)
                ? address
                : throw new InvalidOperationException($"librdkafka does not export {name}.");

        private static nint LoadLibrdkafka()
        {
            // Make Confluent.Kafka load its native library first, then open that very
            // file: dlopen hands back the same instance, so rd_kafka_t pointers taken
            // from Confluent clients are valid for our calls too.
            _ = Library.Version;

            var loaded = FindLoadedLibrdkafka();
            if (loaded is not null && NativeLibrary.TryLoad(loaded, out var handle))
            {
                return handle;
            }

            var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
            var native = Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native");
            foreach (var file in new[] { "centos8-librdkafka.so", "librdkafka.so" })
            {
                if (NativeLibrary.TryLoad(Path.Combine(native, file), out handle))
                {
                    return handle;
                }
            }

            throw new InvalidOperationException(
                $"Could not load librdkafka (not found in /proc/self/maps nor in {native}).");
        }

        private static string? FindLoadedLibrdkafka()
        {
            const string maps = "/proc/self/maps";
            if (!File.Exists(maps))
            {
                return null;
            }

            foreach (var line in File.ReadLines(maps))
            {
                // "address perms offset dev inode   /path/to/file"
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash < 0)
                {
                    continue;
                }

                var path = line[slash..].Trim();
                if (Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal) && File.Exists(path))
                {
                    return path;
                }
            }

            return null;
        }
    }
}
