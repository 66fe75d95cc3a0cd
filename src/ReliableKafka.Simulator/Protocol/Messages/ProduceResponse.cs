namespace ReliableKafka.Simulator.Protocol;

/// <summary>ProduceResponse (API key 0), versions 3-8; layout from ProduceResponse.json.</summary>
internal sealed class ProduceResponse : IKafkaMessage<ProduceResponse>
{
    public static ApiKey ApiKey => ApiKey.Produce;

    public static short LowestSupportedVersion => 3;

    public static short HighestSupportedVersion => 8;

    /// <summary>Each produce response.</summary>
    public List<TopicProduceResponse> Responses { get; set; } = [];

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    public static ProduceResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new ProduceResponse();
        result.Responses = reader.ReadArray<TopicProduceResponse>(version, "ProduceResponse.Responses");
        result.ThrottleTimeMs = reader.ReadInt32("ProduceResponse.ThrottleTimeMs");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteArray(Responses, version);
        writer.WriteInt32(ThrottleTimeMs);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"ProduceResponse version {version} is not supported (3-8).");
        }
    }

    /// <summary>An element of ProduceResponse.Responses.</summary>
    public sealed class TopicProduceResponse : IKafkaStruct<TopicProduceResponse>
    {
        /// <summary>The topic name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Each partition that we produced to within the topic.</summary>
        public List<PartitionProduceResponse> PartitionResponses { get; set; } = [];

        public static TopicProduceResponse Read(ref KafkaReader reader, short version)
        {
            var result = new TopicProduceResponse();
            result.Name = reader.ReadString("TopicProduceResponse.Name");
            result.PartitionResponses = reader.ReadArray<PartitionProduceResponse>(version, "TopicProduceResponse.PartitionResponses");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Name);
            writer.WriteArray(PartitionResponses, version);
        }
    }

    /// <summary>An element of TopicProduceResponse.PartitionResponses.</summary>
    public sealed class PartitionProduceResponse : IKafkaStruct<PartitionProduceResponse>
    {
        /// <summary>The partition index.</summary>
        public int Index { get; set; }

        /// <summary>The error code, or 0 if there was no error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The base offset.</summary>
        public long BaseOffset { get; set; }

        /// <summary>The timestamp returned by broker after appending the messages. If CreateTime is used for the topic, the timestamp will be -1.  If LogAppendTime is used for the topic, the timestamp will be the broker local time when the messages are appended.</summary>
        public long LogAppendTimeMs { get; set; } = -1;

        /// <summary>The log start offset. Versions 5+.</summary>
        public long LogStartOffset { get; set; } = -1;

        /// <summary>The batch indices of records that caused the batch to be dropped. Versions 8+.</summary>
        public List<BatchIndexAndErrorMessage> RecordErrors { get; set; } = [];

        /// <summary>The global error message summarizing the common root cause of the records that caused the batch to be dropped. Versions 8+.</summary>
        public string? ErrorMessage { get; set; }

        public static PartitionProduceResponse Read(ref KafkaReader reader, short version)
        {
            var result = new PartitionProduceResponse();
            result.Index = reader.ReadInt32("PartitionProduceResponse.Index");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("PartitionProduceResponse.ErrorCode");
            result.BaseOffset = reader.ReadInt64("PartitionProduceResponse.BaseOffset");
            result.LogAppendTimeMs = reader.ReadInt64("PartitionProduceResponse.LogAppendTimeMs");
            if (version >= 5)
            {
                result.LogStartOffset = reader.ReadInt64("PartitionProduceResponse.LogStartOffset");
            }

            if (version >= 8)
            {
                result.RecordErrors = reader.ReadArray<BatchIndexAndErrorMessage>(version, "PartitionProduceResponse.RecordErrors");
                result.ErrorMessage = reader.ReadNullableString("PartitionProduceResponse.ErrorMessage");
            }

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(Index);
            writer.WriteInt16((short)ErrorCode);
            writer.WriteInt64(BaseOffset);
            writer.WriteInt64(LogAppendTimeMs);
            if (version >= 5)
            {
                writer.WriteInt64(LogStartOffset);
            }

            if (version >= 8)
            {
                writer.WriteArray(RecordErrors, version);
                writer.WriteNullableString(ErrorMessage);
            }
        }
    }

    /// <summary>An element of PartitionProduceResponse.RecordErrors.</summary>
    public sealed class BatchIndexAndErrorMessage : IKafkaStruct<BatchIndexAndErrorMessage>
    {
        /// <summary>The batch index of the record that cause the batch to be dropped.</summary>
        public int BatchIndex { get; set; }

        /// <summary>The error message of the record that caused the batch to be dropped.</summary>
        public string? BatchIndexErrorMessage { get; set; }

        public static BatchIndexAndErrorMessage Read(ref KafkaReader reader, short version)
        {
            var result = new BatchIndexAndErrorMessage();
            result.BatchIndex = reader.ReadInt32("BatchIndexAndErrorMessage.BatchIndex");
            result.BatchIndexErrorMessage = reader.ReadNullableString("BatchIndexAndErrorMessage.BatchIndexErrorMessage");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(BatchIndex);
            writer.WriteNullableString(BatchIndexErrorMessage);
        }
    }
}
