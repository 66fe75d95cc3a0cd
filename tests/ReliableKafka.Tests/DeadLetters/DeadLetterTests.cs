using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using ReliableKafka.DeadLetters;
using ReliableKafka.DeadLetters.Sqlite;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Tests.Infrastructure;

namespace ReliableKafka.Tests.DeadLetters;

public sealed class DeadLetterTests : IDisposable
{
    private readonly MockKafkaCluster _cluster = MockKafkaCluster.Start(3);
    private readonly string _spill = TestProducers.TempSpillPath();
    private readonly CapturingLogger _log = new();

    public void Dispose()
    {
        _cluster.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_spill + suffix);
        }
    }

    [Fact]
    public async Task A_critical_producer_without_a_local_spill_warns_at_start_and_one_with_it_does_not()
    {
        var without = TestProducers.Options(_cluster, _spill);
        without.DeadLetters.OpenSpill = null;
        var withoutLog = new CapturingLogger();
        await using (new ReliableProducer<string, string>(without, withoutLog))
        {
            Assert.Contains(withoutLog.Lines, static l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains("without a local spill", StringComparison.Ordinal));
        }

        await using (new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log))
        {
            Assert.DoesNotContain(_log.Lines, static l => l.Text.Contains("without a local spill", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Topic_authorization_failure_is_dead_lettered_with_original_data_and_every_header()
    {
        _cluster.CreateTopic("payments", 1, 3);
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);
        var headers = new Headers { { "event-id", "evt-42"u8.ToArray() }, { "trace", "t-1"u8.ToArray() } };
        var before = DateTimeOffset.UtcNow;
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.TopicAuthorizationFailed);

        var outcome = await producer.PublishAsync("payments", "pay-1", "{\"amount\":10}", headers);

        Assert.Equal(DeliveryStatus.Failed, outcome.Status);
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, outcome.Error);
        Assert.Equal(FailureKind.Configuration, outcome.Kind);
        Assert.Equal(PersistenceStatus.NotPersisted, outcome.Persistence);
        Assert.Equal(FailureDisposition.DeadLettered, outcome.Disposition);
        Assert.Equal("dead-letter-queue", outcome.DeadLetter!.Topic);

        var record = Assert.Single(TestProducers.ReadAll(_cluster, "dead-letter-queue", 1, TimeSpan.FromSeconds(10)));
        Assert.Equal("pay-1", Encoding.UTF8.GetString(record.Key!));
        Assert.Equal("{\"amount\":10}", Encoding.UTF8.GetString(record.Value!));
        var h = record.Headers.ToDictionary(static x => x.Key, static x => x.GetValueBytes());
        Assert.Equal("evt-42", Encoding.UTF8.GetString(h["event-id"]));
        Assert.Equal("t-1", Encoding.UTF8.GetString(h["trace"]));
        Assert.Equal("payments", Encoding.UTF8.GetString(h["kafka_dlt-original-topic"]));
        Assert.Equal(outcome.Partition, BinaryPrimitives.ReadInt32BigEndian(h["kafka_dlt-original-partition"]));
        Assert.Equal("Confluent.Kafka.KafkaException", Encoding.UTF8.GetString(h["kafka_dlt-exception-fqcn"]));
        Assert.Contains("authorization", Encoding.UTF8.GetString(h["kafka_dlt-exception-message"]), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("TopicAuthorizationFailed", Encoding.UTF8.GetString(h["rk-error-code"]));
        var failedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(h["rk-failed-at"]));
        Assert.InRange(failedAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(1, BinaryPrimitives.ReadInt32BigEndian(h["rk-attempts"]));
        Assert.Equal("evt-42", Encoding.UTF8.GetString(h["rk-event-id"]));
    }

    [Fact]
    public async Task Message_too_large_reported_by_the_broker_is_dead_lettered_and_replayed_to_its_topic()
    {
        _cluster.CreateTopic("reports", 1, 3);
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.MsgSizeTooLarge);

        var outcome = await producer.PublishAsync("reports", "r-1", "quarterly", new Headers { { "event-id", "evt-r1"u8.ToArray() } });
        Assert.Equal(ErrorCode.MsgSizeTooLarge, outcome.Error);
        Assert.Equal(FailureKind.Fatal, outcome.Kind);
        Assert.Equal(FailureDisposition.DeadLettered, outcome.Disposition);

        await using var replayer = new DeadLetterReplayer(_cluster.BootstrapServers, new DeadLetterOptions { SpillPath = _spill, OpenSpill = SqliteDeadLetterSpill.Open }, logger: _log);
        var letter = Assert.Single(replayer.ReadTopic(timeout: TimeSpan.FromSeconds(10)));
        Assert.Equal(DeadLetterSource.Topic, letter.Source);
        Assert.Equal("reports", letter.OriginalTopic);
        Assert.Equal("MsgSizeTooLarge", letter.ErrorCode);
        Assert.Equal("evt-r1", letter.EventId);
        Assert.Equal(1, letter.Attempts);
        Assert.Equal(["event-id"], letter.Headers.Select(static x => x.Key));
        Assert.Equal(
            ["event-id", "kafka_dlt-original-topic", "kafka_dlt-original-partition", "kafka_dlt-exception-fqcn", "kafka_dlt-exception-message", "rk-error-code", "rk-failed-at", "rk-attempts", "rk-event-id"],
            letter.StoredHeaders.Select(static x => x.Key));
        Assert.Equal("Confluent.Kafka.KafkaException", Encoding.UTF8.GetString(letter.StoredHeaders.GetLastBytes("kafka_dlt-exception-fqcn")));

        var replayed = Assert.Single(await replayer.ReplayAsync([letter]));
        Assert.True(replayed.IsDelivered, replayed.ToString());
        var record = Assert.Single(TestProducers.ReadAll(_cluster, "reports", 1, TimeSpan.FromSeconds(10)));
        Assert.Equal("quarterly", Encoding.UTF8.GetString(record.Value!));
        var headers = record.Headers.ToDictionary(static x => x.Key, static x => Encoding.UTF8.GetString(x.GetValueBytes()));
        Assert.Equal(letter.Location, headers["rk-replay-of"]);
        Assert.Equal("evt-r1", headers["event-id"]);
        Assert.False(headers.ContainsKey("kafka_dlt-original-topic"));
    }

    [Fact]
    public async Task When_the_dead_letter_topic_fails_the_message_is_spilled_to_a_local_file_and_can_be_replayed()
    {
        _cluster.CreateTopic("invoices", 1, 3);
        _cluster.SetTopicError("dead-letter-queue", ErrorCode.TopicAuthorizationFailed);
        await using (var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log))
        {
            _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.InvalidRecord);

            var outcome = await producer.PublishAsync("invoices", "inv-9", "total=99", new Headers { { "event-id", "evt-9"u8.ToArray() } });

            Assert.Equal(ErrorCode.InvalidRecord, outcome.Error);
            Assert.Equal(FailureDisposition.SpilledLocally, outcome.Disposition);
        }

        using (var connection = new SqliteConnection($"Data Source={_spill};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT dead_letter_topic, dead_letter_error, CAST(message_value AS TEXT) FROM spilled_dead_letters";
            using var reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.Equal("dead-letter-queue", reader.GetString(0));
            Assert.StartsWith("TopicAuthorizationFailed", reader.GetString(1), StringComparison.Ordinal);
            Assert.Equal("total=99", reader.GetString(2));
            Assert.False(reader.Read());
        }

        Assert.Contains(_log.Lines, static l => l.Text.Contains("stored it in the local spill", StringComparison.Ordinal));
        await using var replayer = new DeadLetterReplayer(_cluster.BootstrapServers, new DeadLetterOptions { SpillPath = _spill, OpenSpill = SqliteDeadLetterSpill.Open });
        var letter = Assert.Single(replayer.ReadSpilled());
        Assert.Equal(("invoices", "InvalidRecord", "evt-9"), (letter.OriginalTopic, letter.ErrorCode, letter.EventId));
        Assert.Equal("InvalidRecord", Encoding.UTF8.GetString(letter.StoredHeaders.GetLastBytes("rk-error-code")));
        Assert.Equal("evt-9", Encoding.UTF8.GetString(letter.StoredHeaders.GetLastBytes("event-id")));

        var replayed = Assert.Single(await replayer.ReplayAsync([letter]));

        Assert.True(replayed.IsDelivered, replayed.ToString());
        Assert.Empty(replayer.ReadSpilled());
        Assert.Equal("total=99", Encoding.UTF8.GetString(Assert.Single(TestProducers.ReadAll(_cluster, "invoices", 1, TimeSpan.FromSeconds(10))).Value!));
    }

    [Fact]
    public async Task An_oversized_message_rejected_by_the_client_is_spilled_not_lost()
    {
        await using var producer = new ReliableProducer<string, byte[]>(TestProducers.Options(_cluster, _spill), _log);
        var huge = new byte[2_000_000];
        Random.Shared.NextBytes(huge);

        var outcome = await producer.PublishAsync("uploads", "u-1", huge);

        Assert.Equal(ErrorCode.MsgSizeTooLarge, outcome.Error);
        Assert.Equal(PersistenceStatus.NotPersisted, outcome.Persistence);
        Assert.Equal(FailureDisposition.SpilledLocally, outcome.Disposition);
        await using var replayer = new DeadLetterReplayer(_cluster.BootstrapServers, new DeadLetterOptions { SpillPath = _spill, OpenSpill = SqliteDeadLetterSpill.Open });
        Assert.Equal(huge, Assert.Single(replayer.ReadSpilled()).Value);
    }

    [Fact]
    public async Task A_message_published_to_the_dead_letter_topic_itself_is_never_dead_lettered_again()
    {
        await using var producer = new ReliableProducer<string, string>(TestProducers.Options(_cluster, _spill), _log);
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.TopicAuthorizationFailed);

        var outcome = await producer.PublishAsync("dead-letter-queue", "k", "v");

        Assert.Equal(FailureDisposition.SpilledLocally, outcome.Disposition);
        await using var replayer = new DeadLetterReplayer(_cluster.BootstrapServers, new DeadLetterOptions { SpillPath = _spill, OpenSpill = SqliteDeadLetterSpill.Open });
        Assert.Empty(replayer.ReadTopic(timeout: TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void A_letter_written_by_spring_kafka_replays_without_any_of_springs_dead_letter_headers()
    {
        var headers = new Headers
        {
            { "event-id", Encoding.UTF8.GetBytes("evt-1") },
            { DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes("payments") },
            { "kafka_dlt-original-offset", new byte[8] },
            { "kafka_dlt-exception-stacktrace", Encoding.UTF8.GetBytes("at com.example.Payments...") },
            { "trace-id", Encoding.UTF8.GetBytes("abc") },
        };

        var letter = DeadLetter.FromRecord(new TopicPartitionOffset("dead-letter-queue", 0, 7), null, Encoding.UTF8.GetBytes("v"), headers)!;

        Assert.Equal("payments", letter.OriginalTopic);
        Assert.Equal(["event-id", "trace-id"], letter.Headers.Select(static h => h.Key));
        Assert.Equal(5, letter.StoredHeaders.Count);
    }

    [Fact]
    public async Task Per_topic_dead_letter_topics_use_the_dlt_suffix()
    {
        _cluster.CreateTopic("shipments", 1, 3);
        var options = TestProducers.Options(_cluster, _spill);
        options.DeadLetters.TopicPerSource = true;
        await using var producer = new ReliableProducer<string, string>(options, _log);
        _cluster.PushRequestErrors(ApiKey.Produce, ErrorCode.InvalidRecord);

        var outcome = await producer.PublishAsync("shipments", "s-1", "shipped");

        Assert.Equal("shipments.DLT", outcome.DeadLetter!.Topic);
    }
}
