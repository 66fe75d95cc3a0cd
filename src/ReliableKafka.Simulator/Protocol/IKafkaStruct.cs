namespace ReliableKafka.Simulator.Protocol;

/// <summary>Something that can write itself at a given API version.</summary>
internal interface IKafkaWritable
{
    void Write(KafkaWriter writer, short version);
}

/// <summary>A message or one of its nested entries: reads and writes itself at a given API version.</summary>
internal interface IKafkaStruct<TSelf> : IKafkaWritable
    where TSelf : IKafkaStruct<TSelf>
{
    static abstract TSelf Read(ref KafkaReader reader, short version);
}

/// <summary>A top-level request or response body.</summary>
internal interface IKafkaMessage<TSelf> : IKafkaStruct<TSelf>
    where TSelf : IKafkaMessage<TSelf>
{
    static abstract ApiKey ApiKey { get; }

    /// <summary>
    /// Lowest version this codec reads and writes: what the codec can do, not what a broker serves. The versions served
    /// are registered beside each handler (<see cref="Cluster.ApiRegistry"/>), and a test keeps them within this range.
    /// </summary>
    static abstract short LowestSupportedVersion { get; }

    /// <summary>Highest version this codec reads and writes (see <see cref="LowestSupportedVersion"/>).</summary>
    static abstract short HighestSupportedVersion { get; }
}
