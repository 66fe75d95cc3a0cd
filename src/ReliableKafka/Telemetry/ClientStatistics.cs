using System.Text.Json;

namespace ReliableKafka.Telemetry;

/// <summary>The parts of librdkafka's statistics JSON (statistics.interval.ms) that become gauges.</summary>
/// <param name="QueueMessages">msg_cnt: messages in the producer's queues.</param>
/// <param name="Retries">Sum of every broker's txretries.</param>
/// <param name="BrokerRttMs">Average round-trip time per broker name, in milliseconds.</param>
internal sealed record ClientStatistics(long QueueMessages, long Retries, IReadOnlyDictionary<string, double> BrokerRttMs)
{
    /// <summary>Parses one statistics document; null when it is not valid JSON.</summary>
    public static ClientStatistics? Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            long queue = root.TryGetProperty("msg_cnt", out var msgCnt) && msgCnt.TryGetInt64(out var q) ? q : 0;
            long retries = 0;
            var rtt = new Dictionary<string, double>(StringComparer.Ordinal);
            if (root.TryGetProperty("brokers", out var brokers) && brokers.ValueKind == JsonValueKind.Object)
            {
                foreach (var broker in brokers.EnumerateObject())
                {
                    if (broker.Value.TryGetProperty("txretries", out var tx) && tx.TryGetInt64(out var r))
                    {
                        retries += r;
                    }

                    // Bootstrap and internal pseudo-brokers have nodeid -1; report real brokers only.
                    var real = broker.Value.TryGetProperty("nodeid", out var id) && id.TryGetInt32(out var nodeId) && nodeId >= 0;
                    if (real && broker.Value.TryGetProperty("rtt", out var rttElement)
                        && rttElement.TryGetProperty("avg", out var avg) && avg.TryGetInt64(out var micros))
                    {
                        rtt[broker.Name] = micros / 1000.0;
                    }
                }
            }

            return new ClientStatistics(queue, retries, rtt);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
