using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using ReliableKafka.Outbox;
using TaskApi.Data;
using TaskApi.Hosting;
using TaskApi.Observability;

namespace TaskApi.Tasks;

/// <summary>
/// Writes tasks and their outbox events. Every write is one row change plus one outbox row in the same transaction;
/// writes that arrive together share a transaction (group commit, at most <see cref="TaskApiOptions.WriteBatchSize"/>),
/// so one fsync serves many requests. A request gets its answer only after the commit.
/// </summary>
public sealed partial class TaskWriter : BackgroundService
{
    private readonly Channel<WriteOperation> _queue;
    private readonly TaskDatabase _database;
    private readonly OutboxRelay _relay;
    private readonly TimeProvider _time;
    private readonly ILogger<TaskWriter> _logger;
    private readonly string _topic;
    private readonly int _batchSize;

    public TaskWriter(TaskDatabase database, OutboxRelay relay, IOptions<TaskApiOptions> options, TimeProvider time, ILogger<TaskWriter> logger)
    {
        _database = database;
        _relay = relay;
        _time = time;
        _logger = logger;
        _topic = options.Value.Topics.TaskEvents;
        _batchSize = options.Value.WriteBatchSize;
        _queue = Channel.CreateBounded<WriteOperation>(new BoundedChannelOptions(_batchSize * 16)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Creates a task and its task.created event; with an idempotency key, a repeat returns the first result.</summary>
    public async Task<CreateResult> CreateAsync(CreateTaskRequest request, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = FromMs(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var task = new TaskItem(Guid.CreateVersion7(now).ToString(), request.Title!, request.Description, request.DueDate, now, null);
        var operation = new CreateOperation(task, idempotencyKey, idempotencyKey is null ? null : TaskValidation.Fingerprint(request));
        await _queue.Writer.WriteAsync(operation, cancellationToken);
        return (CreateResult)await operation.Result.Task;
    }

    /// <summary>Completes a task and writes its task.completed event; completing it again changes nothing.</summary>
    public async Task<CompleteResult> CompleteAsync(string id, CancellationToken cancellationToken)
    {
        var operation = new CompleteOperation(id, FromMs(_time.GetUtcNow().ToUnixTimeMilliseconds()));
        await _queue.Writer.WriteAsync(operation, cancellationToken);
        return (CompleteResult)await operation.Result.Task;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<WriteOperation>(_batchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < _batchSize && _queue.Reader.TryRead(out var operation))
                {
                    batch.Add(operation);
                }

                await WriteBatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the server has already answered or dropped its requests.
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left))
            {
                left.Result.TrySetException(new ServiceStoppingException());
            }
        }
    }

    private async Task WriteBatchAsync(List<WriteOperation> batch)
    {
        var created = 0;
        var completed = 0;
        try
        {
            // SQLite has one writer at a time: take the store's turn so the relay and this loop queue in-process.
            using var turn = await _database.Outbox.EnterWriteAsync(CancellationToken.None);
            await using var connection = await _database.OpenAsync(CancellationToken.None);
            if (_database.Kind == "sqlite")
            {
                await SqliteCheckpointer.DisableAutomaticCheckpointAsync(connection, CancellationToken.None);
            }

            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            var results = new object[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                // Each write runs in its request's trace, so its outbox event carries that request's trace context.
                System.Diagnostics.Activity.Current = batch[i].Trace;
                results[i] = batch[i] switch
                {
                    CreateOperation create => await CreateAsync(connection, transaction, create),
                    CompleteOperation complete => await CompleteAsync(connection, transaction, complete),
                    _ => throw new InvalidOperationException("unknown write"),
                };
            }

            System.Diagnostics.Activity.Current = null;

            await transaction.CommitAsync(CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                created += results[i] is CreateResult { Replayed: false, KeyConflict: false } ? 1 : 0;
                completed += results[i] is CompleteResult { Changed: true } ? 1 : 0;
                batch[i].Result.TrySetResult(results[i]);
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            LogBatchFailed(_logger, e, batch.Count);
            foreach (var operation in batch)
            {
                operation.Result.TrySetException(new DatabaseUnavailableException(e));
            }

            return;
        }

        if (created + completed > 0)
        {
            _relay.Notify();
        }

        TaskApiTelemetry.CountWrites(created, completed, batch.Count);
    }

    private async Task<CreateResult> CreateAsync(DbConnection connection, DbTransaction transaction, CreateOperation operation)
    {
        var task = operation.Task;
        if (operation.IdempotencyKey is { } key)
        {
            var response = JsonSerializer.Serialize(task, TaskApiJsonContext.Default.TaskItem);
            await using var claim = DbCommands.Create(connection, transaction, """
                INSERT INTO idempotency_keys (idempotency_key, fingerprint, task_id, response, created_at)
                VALUES (@key, @fingerprint, @task_id, @response, @now) ON CONFLICT (idempotency_key) DO NOTHING
                """).With("key", key).With("fingerprint", operation.Fingerprint).With("task_id", task.Id).With("response", response).With("now", task.CreatedAt.ToUnixTimeMilliseconds());
            if (await claim.ExecuteNonQueryAsync(CancellationToken.None) == 0)
            {
                await using var read = DbCommands.Create(connection, transaction, "SELECT fingerprint, response FROM idempotency_keys WHERE idempotency_key = @key").With("key", key);
                await using var reader = await read.ExecuteReaderAsync(CancellationToken.None);
                await reader.ReadAsync(CancellationToken.None);
                return reader.GetString(0) == operation.Fingerprint
                    ? new CreateResult(JsonSerializer.Deserialize(reader.GetString(1), TaskApiJsonContext.Default.TaskItem), Replayed: true, KeyConflict: false)
                    : new CreateResult(null, Replayed: false, KeyConflict: true);
            }
        }

        await using (var insert = DbCommands.Create(connection, transaction, """
            INSERT INTO tasks (id, title, description, due_at, created_at, completed_at)
            VALUES (@id, @title, @description, @due_at, @created_at, NULL)
            """).With("id", task.Id).With("title", task.Title).With("description", task.Description)
            .With("due_at", task.DueDate?.ToUnixTimeMilliseconds()).With("created_at", task.CreatedAt.ToUnixTimeMilliseconds()))
        {
            await insert.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await _database.Outbox.EnqueueAsync(transaction, TaskEvents.CreatedEvent(_topic, task), CancellationToken.None);
        return new CreateResult(task, Replayed: false, KeyConflict: false);
    }

    private async Task<CompleteResult> CompleteAsync(DbConnection connection, DbTransaction transaction, CompleteOperation operation)
    {
        int changed;
        await using (var update = DbCommands.Create(connection, transaction, "UPDATE tasks SET completed_at = @now WHERE id = @id AND completed_at IS NULL")
            .With("now", operation.At.ToUnixTimeMilliseconds()).With("id", operation.Id))
        {
            changed = await update.ExecuteNonQueryAsync(CancellationToken.None);
        }

        var task = await TaskReader.ReadAsync(connection, transaction, operation.Id, CancellationToken.None);
        if (task is null)
        {
            return new CompleteResult(null, Changed: false);
        }

        if (changed == 1)
        {
            await _database.Outbox.EnqueueAsync(transaction, TaskEvents.CompletedEvent(_topic, task), CancellationToken.None);
        }

        return new CompleteResult(task, Changed: changed == 1);
    }

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    [LoggerMessage(301, LogLevel.Error, "Writing {Count} task changes failed; nothing of them was committed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    private abstract class WriteOperation
    {
        public TaskCompletionSource<object> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The request's activity when the write was asked for (null when nothing traces).</summary>
        public System.Diagnostics.Activity? Trace { get; } = System.Diagnostics.Activity.Current;
    }

    private sealed class CreateOperation(TaskItem task, string? idempotencyKey, string? fingerprint) : WriteOperation
    {
        public TaskItem Task { get; } = task;

        public string? IdempotencyKey { get; } = idempotencyKey;

        public string? Fingerprint { get; } = fingerprint;
    }

    private sealed class CompleteOperation(string id, DateTimeOffset at) : WriteOperation
    {
        public string Id { get; } = id;

        public DateTimeOffset At { get; } = at;
    }
}

/// <summary>What became of a create: the task (new or, for a repeated key, the first one), or a key reused for another request.</summary>
public sealed record CreateResult(TaskItem? Task, bool Replayed, bool KeyConflict);

/// <summary>What became of a completion: the task (null when unknown) and whether this call completed it.</summary>
public sealed record CompleteResult(TaskItem? Task, bool Changed);

/// <summary>The database could not take the write; nothing was committed.</summary>
public sealed class DatabaseUnavailableException(Exception inner) : Exception("The database is unavailable; nothing was written.", inner);

/// <summary>The service is stopping; the write was not attempted.</summary>
public sealed class ServiceStoppingException() : Exception("The service is stopping; nothing was written.");
