using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ReliableKafka.Simulator.Tests.Cluster;

/// <summary>One log entry as the simulator wrote it, with its structured values.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values);

/// <summary>An <see cref="ILoggerFactory"/> that keeps every entry, so a test can wait for one.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>The first entry with the event name <paramref name="eventName"/> that matches; fails after a generous timeout.</summary>
    public async Task<LogEntry> WaitForAsync(string eventName, Func<LogEntry, bool>? match = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var added = _added.Task;
            var found = _entries.FirstOrDefault(e => e.EventId.Name == eventName && (match is null || match(e)));
            if (found is not null)
            {
                return found;
            }

            var remaining = deadline - DateTime.UtcNow;
            Assert.True(remaining > TimeSpan.Zero, $"no {eventName} entry; logged: {string.Join(" | ", _entries.Select(static e => $"{e.EventId.Name}: {e.Message}"))}");
            await added.WaitAsync(remaining).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private void Add(LogEntry entry)
    {
        _entries.Enqueue(entry);
        Interlocked.Exchange(ref _added, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private sealed class Logger(RecordingLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            factory.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, values.ToDictionary(static v => v.Key, static v => v.Value)));
        }
    }
}
