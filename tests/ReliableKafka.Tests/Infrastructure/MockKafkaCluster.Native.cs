using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace ReliableKafka.Tests.Infrastructure;

internal sealed unsafe partial class MockKafkaCluster
{
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
