namespace ReliableKafka.Simulator.Protocol;

/// <summary>A frame whose size prefix is negative or above the largest request the broker accepts.</summary>
internal sealed class KafkaFrameSizeException(int size, int maxFrameSize)
    : KafkaProtocolException($"Frame size {size} is outside 0..{maxFrameSize} (socket.request.max.bytes).")
{
    /// <summary>The size the prefix announced.</summary>
    public int Size { get; } = size;

    /// <summary>The largest frame accepted.</summary>
    public int MaxFrameSize { get; } = maxFrameSize;

    /// <summary>True when the size is positive but too large; false when it is negative.</summary>
    public bool IsOversized => Size > MaxFrameSize;
}
