using Microsoft.Extensions.Logging;
using ReliableKafka.Simulator.Protocol;

namespace ReliableKafka.Simulator.Cluster;

/// <summary>What a broker logs about its connections: each close names its reason; a failing handler logs its exception.</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Broker {BrokerId}: client {ClientId} ({Remote}) closed its connection ({PendingBytes} bytes of an unfinished request left)")]
    public static partial void ClientClosed(ILogger logger, int brokerId, string? clientId, string? remote, long pendingBytes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Broker {BrokerId}: the connection of client {ClientId} ({Remote}) was reset by the client")]
    public static partial void ClientReset(ILogger logger, int brokerId, string? clientId, string? remote, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): bad frame: {Problem}")]
    public static partial void BadFrame(ILogger logger, int brokerId, string? clientId, string? remote, string problem);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): a request of {Size} bytes exceeds socket.request.max.bytes ({MaxSize})")]
    public static partial void OversizedFrame(ILogger logger, int brokerId, string? clientId, string? remote, int size, int maxSize);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): {ApiKey} v{ApiVersion} is not served")]
    public static partial void UnsupportedRequest(ILogger logger, int brokerId, string? clientId, string? remote, ApiKey apiKey, short apiVersion);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): malformed {ApiKey} v{ApiVersion} request: {Problem}")]
    public static partial void MalformedRequest(ILogger logger, int brokerId, string? clientId, string? remote, ApiKey apiKey, short apiVersion, string problem);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): the {ApiKey} v{ApiVersion} handler failed")]
    public static partial void HandlerFailed(ILogger logger, int brokerId, string? clientId, string? remote, ApiKey apiKey, short apiVersion, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}) after {ApiKey}, as Kafka does: {Reason}")]
    public static partial void ClosedByHandler(ILogger logger, int brokerId, string? clientId, string? remote, ApiKey apiKey, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): fault: {Fault}")]
    public static partial void ClosedByFault(ILogger logger, int brokerId, string? clientId, string? remote, string fault);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Broker {BrokerId} stopped: the connection of client {ClientId} ({Remote}) is reset")]
    public static partial void BrokerStopped(ILogger logger, int brokerId, string? clientId, string? remote);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): it sent nothing for {Timeout} in the middle of a request")]
    public static partial void StalledMidRequest(ILogger logger, int brokerId, string? clientId, string? remote, TimeSpan timeout);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): no room for a request of {Size} bytes ({Reserved} of {Capacity} bytes held by requests being read)")]
    public static partial void NoRequestMemory(ILogger logger, int brokerId, string? clientId, string? remote, int size, long reserved, long capacity);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Broker {BrokerId} closed the connection of client {ClientId} ({Remote}): reading it failed")]
    public static partial void ConnectionFailed(ILogger logger, int brokerId, string? clientId, string? remote, Exception exception);
}
