using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ReliableKafka.Tests.Infrastructure;

/// <summary>A logger that keeps every formatted line, for assertions on what was logged.</summary>
internal sealed class CapturingLogger : ILogger, ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines => [.. _lines];

    public string All => string.Join('\n', _lines.Select(static l => l.Text));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((logLevel, formatter(state, exception) + (exception is null ? "" : " | " + exception.Message)));

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }
}
