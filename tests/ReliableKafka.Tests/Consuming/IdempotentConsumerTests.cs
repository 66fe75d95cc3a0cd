using System.Data.Common;
using System.Text;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using ReliableKafka.Consuming;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Tests.Outbox;

namespace ReliableKafka.Tests.Consuming;

/// <summary>The idempotent consumer against a simulated cluster and a SQLite file: duplicates take effect once.</summary>
public sealed class IdempotentConsumerTests
{
    private static async Task ProduceAsync(SimulatedCluster cluster, IEnumerable<(string Key, string EventId)> events)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All })
            .SetLogHandler(static (_, _) => { }).Build();
        foreach (var (key, eventId) in events)
        {
            await producer.ProduceAsync("task-events", new Message<string, string>
            {
                Key = key,
                Value = $"{{\"event_id\":\"{eventId}\"}}",
                Headers = [new Header("event-id", Encoding.UTF8.GetBytes(eventId))],
            });
        }
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Duplicate_deliveries_take_effect_once_and_a_failing_handler_is_retried_not_skipped()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("task-events", new TopicSettings(3, 3, 2));
        var path = Path.Combine(Path.GetTempPath(), $"rk-consumer-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={path}";
        await using (var setup = new SqliteConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var create = setup.CreateCommand();
            create.CommandText = "CREATE TABLE notifications (event_id TEXT NOT NULL, task_id TEXT NOT NULL)";
            await create.ExecuteNonQueryAsync();
        }

        // 30 events, 10 of them delivered twice (as a producer retry without idempotence would).
        var events = Enumerable.Range(0, 30).Select(static i => ($"task-{i}", $"event-{i}")).ToList();
        await ProduceAsync(cluster, [.. events, .. events.Take(10)]);
        var failuresLeft = 2;
        var options = new IdempotentConsumerOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "notifier", RetryBackoff = TimeSpan.FromMilliseconds(100) };
        options.Topics.Add("task-events");
        using var consumer = new IdempotentConsumer(
            options,
            token => OpenAsync(connectionString, token),
            async (record, eventId, transaction, token) =>
            {
                await using var insert = transaction.Connection!.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO notifications (event_id, task_id) VALUES (@event, @task)";
                Add(insert, "event", eventId);
                Add(insert, "task", record.Message.Key);
                await insert.ExecuteNonQueryAsync(token);
                if (eventId == "event-7" && Interlocked.Decrement(ref failuresLeft) >= 0)
                {
                    throw new InvalidOperationException("the mail server is down");
                }
            });

        await consumer.StartAsync(CancellationToken.None);
        await OutboxCluster.WaitUntilAsync(() => Task.FromResult(consumer.Processed + consumer.Duplicates >= 40), TimeSpan.FromSeconds(30), "consuming 40 records");
        await consumer.StopAsync(CancellationToken.None);

        Assert.Equal(30, consumer.Processed);
        Assert.Equal(10, consumer.Duplicates);
        Assert.Equal(30, await CountAsync(connectionString, "SELECT COUNT(*) FROM notifications"));
        Assert.Equal(30, await CountAsync(connectionString, "SELECT COUNT(DISTINCT event_id) FROM notifications"));
        Assert.Equal(1, await CountAsync(connectionString, "SELECT COUNT(*) FROM notifications WHERE event_id = 'event-7'"));
        Assert.Equal(30, await CountAsync(connectionString, "SELECT COUNT(*) FROM rk_processed_events WHERE consumer = 'notifier'"));
        Assert.True(failuresLeft < 0, "the failing handler should have been called again after its failures");
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }

    /// <summary>
    /// A handler that throws its own OperationCanceledException (an HttpClient timeout, say) has failed: the event is
    /// retried and the consumer keeps going; only the host stopping ends it.
    /// </summary>
    [Fact]
    public async Task A_handlers_own_cancellation_is_a_failure_to_retry_not_the_end_of_the_consumer()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("task-events", new TopicSettings(1, 3, 2));
        var path = Path.Combine(Path.GetTempPath(), $"rk-consumer-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={path}";
        await ProduceAsync(cluster, Enumerable.Range(0, 5).Select(static i => ($"task-{i}", $"event-{i}")));
        var timeoutsLeft = 2;
        var options = new IdempotentConsumerOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "notifier", RetryBackoff = TimeSpan.FromMilliseconds(50) };
        options.Topics.Add("task-events");
        using var consumer = new IdempotentConsumer(
            options,
            token => OpenAsync(connectionString, token),
            (_, eventId, _, _) => eventId == "event-1" && Interlocked.Decrement(ref timeoutsLeft) >= 0
                ? throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.")
                : Task.CompletedTask);

        await consumer.StartAsync(CancellationToken.None);
        await OutboxCluster.WaitUntilAsync(() => Task.FromResult(consumer.Processed >= 5), TimeSpan.FromSeconds(30), "consuming all 5 events past the handler's timeouts");
        await consumer.StopAsync(CancellationToken.None);

        Assert.Equal(5, consumer.Processed);
        Assert.True(timeoutsLeft < 0, "the handler should have been called again after its timeouts");
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }

    /// <summary>
    /// A poison record (here a tombstone, whose null value the handler cannot read) used to be retried every second for
    /// ever, holding back its partition. After MaxAttempts it is dead-lettered with its failure headers and the records
    /// after it are handled.
    /// </summary>
    [Fact]
    public async Task A_poison_record_is_dead_lettered_after_the_configured_attempts_and_the_records_after_it_are_handled()
    {
        await using var cluster = SimulatedCluster.Start();
        cluster.CreateTopic("task-events", new TopicSettings(1, 3, 2));
        cluster.CreateTopic("task-events.DLT", new TopicSettings(1, 3, 2));
        var path = Path.Combine(Path.GetTempPath(), $"rk-consumer-{Guid.NewGuid():N}.db");
        var connectionString = $"Data Source={path}";
        await ProduceAsync(cluster, [("task-0", "event-0")]);
        using (var producer = new ProducerBuilder<string, string?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All }).SetLogHandler(static (_, _) => { }).Build())
        {
            await producer.ProduceAsync("task-events", new Message<string, string?> { Key = "task-0", Value = null, Headers = [new Header("event-id", Encoding.UTF8.GetBytes("event-tombstone"))] });
        }

        await ProduceAsync(cluster, [("task-0", "event-1"), ("task-0", "event-2")]);
        var handled = new List<string>();
        var options = new IdempotentConsumerOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "notifier", RetryBackoff = TimeSpan.FromMilliseconds(50), MaxAttempts = 3 };
        options.Topics.Add("task-events");
        using var consumer = new IdempotentConsumer(
            options,
            token => OpenAsync(connectionString, token),
            (record, eventId, _, _) =>
            {
                using var document = System.Text.Json.JsonDocument.Parse(record.Message.Value);
                lock (handled)
                {
                    handled.Add(eventId);
                }

                return Task.CompletedTask;
            });

        await consumer.StartAsync(CancellationToken.None);
        await OutboxCluster.WaitUntilAsync(() => Task.FromResult(consumer.Processed >= 3), TimeSpan.FromSeconds(30), "handling the records after the poison record");
        await consumer.StopAsync(CancellationToken.None);

        Assert.Equal(["event-0", "event-1", "event-2"], handled);
        Assert.Equal(1, consumer.DeadLettered);
        var letter = Assert.Single(OutboxCluster.ReadAll(cluster, "task-events.DLT", 1));
        Assert.Equal(("task-0", (string?)null), (letter.Key, letter.Value));
        Assert.Equal("task-events", Encoding.UTF8.GetString(letter.Headers.GetLastBytes(ReliableKafka.DeadLetters.DeadLetterHeaders.OriginalTopic)));
        Assert.Equal(1L, System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(letter.Headers.GetLastBytes(ReliableKafka.DeadLetters.DeadLetterHeaders.OriginalOffset)));
        Assert.Equal("System.ArgumentNullException", Encoding.UTF8.GetString(letter.Headers.GetLastBytes(ReliableKafka.DeadLetters.DeadLetterHeaders.ExceptionFqcn)));
        Assert.Equal("event-tombstone", Encoding.UTF8.GetString(letter.Headers.GetLastBytes("event-id")));

        // It was never recorded as processed: replayed once the handler is fixed, it takes effect.
        Assert.Equal(0, await CountAsync(connectionString, "SELECT COUNT(*) FROM rk_processed_events WHERE event_id = 'event-tombstone'"));
        SqliteConnection.ClearAllPools();
        File.Delete(path);
    }

    private static async Task<DbConnection> OpenAsync(string connectionString, CancellationToken token)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(token);
        return connection;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
