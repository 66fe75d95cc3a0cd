namespace ReliableKafka.Simulator.Protocol;

/// <summary>DeleteTopicsRequest (API key 20), versions 0-3; layout from DeleteTopicsRequest.json.</summary>
internal sealed class DeleteTopicsRequest : IKafkaMessage<DeleteTopicsRequest>
{
    public static ApiKey ApiKey => ApiKey.DeleteTopics;

    public static short LowestSupportedVersion => 0;

    public static short HighestSupportedVersion => 3;

    /// <summary>The names of the topics to delete.</summary>
    public List<string> TopicNames { get; set; } = [];

    /// <summary>The length of time in milliseconds to wait for the deletions to complete.</summary>
    public int TimeoutMs { get; set; }

    public static DeleteTopicsRequest Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new DeleteTopicsRequest();
        result.TopicNames = reader.ReadStringArray("DeleteTopicsRequest.TopicNames");
        result.TimeoutMs = reader.ReadInt32("DeleteTopicsRequest.TimeoutMs");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteStringArray(TopicNames);
        writer.WriteInt32(TimeoutMs);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"DeleteTopicsRequest version {version} is not supported (0-3).");
        }
    }
}
