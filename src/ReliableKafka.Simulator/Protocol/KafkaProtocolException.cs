namespace ReliableKafka.Simulator.Protocol;

/// <summary>
/// The one exception the codec throws for malformed input: a read past the end, a bad length, an unsupported version,
/// an impossible value. Callers turn it into an error response or a closed connection.
/// </summary>
internal class KafkaProtocolException : Exception
{
    public KafkaProtocolException()
    {
    }

    public KafkaProtocolException(string message)
        : base(message)
    {
    }

    public KafkaProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
