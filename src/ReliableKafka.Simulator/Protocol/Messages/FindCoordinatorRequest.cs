namespace ReliableKafka.Simulator.Protocol;

/// <summary>FindCoordinatorRequest (API key 10), versions 0-2; layout from FindCoordinatorRequest.json.</summary>
internal sealed class FindCoordinatorRequest : IKafkaMessage<FindCoordinatorRequest>
{
    public static ApiKey ApiKey => ApiKey.FindCoordinator;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 2;

    /// <summary>The coordinator key.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>The coordinator key type. (Group, transaction, etc.). Versions 1+.</summary>
    public sbyte KeyType { get; set; }

    public static FindCoordinatorRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new FindCoordinatorRequest();
        result.Key = reader.ReadString("FindCoordinatorRequest.Key");
        if (version >= 1)
        {
            result.KeyType = reader.ReadInt8("FindCoordinatorRequest.KeyType");
        }

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteString(Key);
        if (version >= 1)
        {
            writer.WriteInt8(KeyType);
        }
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"FindCoordinatorRequest version {version} is not supported (0-2).");
        }
    }
}
