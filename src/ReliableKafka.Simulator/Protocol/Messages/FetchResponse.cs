namespace ReliableKafka.Simulator.Protocol;

/// <summary>FetchResponse (API key 1), versions 4-11; layout from FetchResponse.json.</summary>
internal sealed class FetchResponse : IKafkaMessage<FetchResponse>
{
    public static ApiKey ApiKey => ApiKey.Fetch;

    public static short LowestSupportedVersion => 4;

    public static short HighestSupportedVersion => 11;

    /// <summary>The duration in milliseconds for which the request was throttled due to a quota violation, or zero if the request did not violate any quota.</summary>
    public int ThrottleTimeMs { get; set; }

    /// <summary>The top level response error code. Versions 7+.</summary>
    public KafkaErrorCode ErrorCode { get; set; }

    /// <summary>The fetch session ID, or 0 if this is not part of a fetch session. Versions 7+.</summary>
    public int SessionId { get; set; }

    /// <summary>The response topics.</summary>
    public List<FetchableTopicResponse> Responses { get; set; } = [];

    public static FetchResponse Read(ref KafkaReader reader, short version)
    {
        CheckVersion(version);
        var result = new FetchResponse();
        result.ThrottleTimeMs = reader.ReadInt32("FetchResponse.ThrottleTimeMs");
        if (version >= 7)
        {
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("FetchResponse.ErrorCode");
            result.SessionId = reader.ReadInt32("FetchResponse.SessionId");
        }

        result.Responses = reader.ReadArray<FetchableTopicResponse>(version, "FetchResponse.Responses");

        return result;
    }

    public void Write(KafkaWriter writer, short version)
    {
        CheckVersion(version);
        writer.WriteInt32(ThrottleTimeMs);
        if (version >= 7)
        {
            writer.WriteInt16((short)ErrorCode);
            writer.WriteInt32(SessionId);
        }

        writer.WriteArray(Responses, version);
    }

    private static void CheckVersion(short version)
    {
        if (version < LowestSupportedVersion || version > HighestSupportedVersion)
        {
            throw new KafkaProtocolException($"FetchResponse version {version} is not supported (4-11).");
        }
    }

    /// <summary>An element of FetchResponse.Responses.</summary>
    public sealed class FetchableTopicResponse : IKafkaStruct<FetchableTopicResponse>
    {
        /// <summary>The topic name.</summary>
        public string Topic { get; set; } = string.Empty;

        /// <summary>The topic partitions.</summary>
        public List<PartitionData> Partitions { get; set; } = [];

        public static FetchableTopicResponse Read(ref KafkaReader reader, short version)
        {
            var result = new FetchableTopicResponse();
            result.Topic = reader.ReadString("FetchableTopicResponse.Topic");
            result.Partitions = reader.ReadArray<PartitionData>(version, "FetchableTopicResponse.Partitions");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteString(Topic);
            writer.WriteArray(Partitions, version);
        }
    }

    /// <summary>An element of FetchableTopicResponse.Partitions.</summary>
    public sealed class PartitionData : IKafkaStruct<PartitionData>
    {
        /// <summary>The partition index.</summary>
        public int PartitionIndex { get; set; }

        /// <summary>The error code, or 0 if there was no fetch error.</summary>
        public KafkaErrorCode ErrorCode { get; set; }

        /// <summary>The current high water mark.</summary>
        public long HighWatermark { get; set; }

        /// <summary>The last stable offset (or LSO) of the partition. This is the last offset such that the state of all transactional records prior to this offset have been decided (ABORTED or COMMITTED).</summary>
        public long LastStableOffset { get; set; } = -1;

        /// <summary>The current log start offset. Versions 5+.</summary>
        public long LogStartOffset { get; set; } = -1;

        /// <summary>The aborted transactions.</summary>
        public List<AbortedTransaction>? AbortedTransactions { get; set; } = [];

        /// <summary>The preferred read replica for the consumer to use on its next fetch request. Versions 11+.</summary>
        public int PreferredReadReplica { get; set; } = -1;

        /// <summary>The record data.</summary>
        public ReadOnlyMemory<byte>? Records { get; set; }

        /// <summary>
        /// Record batches written back to back as the Records field without being joined first (a broker's answer);
        /// when set, <see cref="Records"/> is not written. Reading always fills <see cref="Records"/>.
        /// </summary>
        public IReadOnlyList<ReadOnlyMemory<byte>>? RecordBatches { get; set; }

        public static PartitionData Read(ref KafkaReader reader, short version)
        {
            var result = new PartitionData();
            result.PartitionIndex = reader.ReadInt32("PartitionData.PartitionIndex");
            result.ErrorCode = (KafkaErrorCode)reader.ReadInt16("PartitionData.ErrorCode");
            result.HighWatermark = reader.ReadInt64("PartitionData.HighWatermark");
            result.LastStableOffset = reader.ReadInt64("PartitionData.LastStableOffset");
            if (version >= 5)
            {
                result.LogStartOffset = reader.ReadInt64("PartitionData.LogStartOffset");
            }

            result.AbortedTransactions = reader.ReadNullableArray<AbortedTransaction>(version, "PartitionData.AbortedTransactions");
            if (version >= 11)
            {
                result.PreferredReadReplica = reader.ReadInt32("PartitionData.PreferredReadReplica");
            }

            result.Records = reader.ReadNullableBytes("PartitionData.Records");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt32(PartitionIndex);
            writer.WriteInt16((short)ErrorCode);
            writer.WriteInt64(HighWatermark);
            writer.WriteInt64(LastStableOffset);
            if (version >= 5)
            {
                writer.WriteInt64(LogStartOffset);
            }

            writer.WriteNullableArray(AbortedTransactions, version);
            if (version >= 11)
            {
                writer.WriteInt32(PreferredReadReplica);
            }

            if (RecordBatches is { } batches)
            {
                var length = 0;
                foreach (var batch in batches)
                {
                    length += batch.Length;
                }

                writer.WriteInt32(length);
                foreach (var batch in batches)
                {
                    writer.WriteRaw(batch.Span);
                }
            }
            else
            {
                writer.WriteNullableBytes(Records);
            }
        }
    }

    /// <summary>An element of PartitionData.AbortedTransactions.</summary>
    public sealed class AbortedTransaction : IKafkaStruct<AbortedTransaction>
    {
        /// <summary>The producer id associated with the aborted transaction.</summary>
        public long ProducerId { get; set; }

        /// <summary>The first offset in the aborted transaction.</summary>
        public long FirstOffset { get; set; }

        public static AbortedTransaction Read(ref KafkaReader reader, short version)
        {
            var result = new AbortedTransaction();
            result.ProducerId = reader.ReadInt64("AbortedTransaction.ProducerId");
            result.FirstOffset = reader.ReadInt64("AbortedTransaction.FirstOffset");

            return result;
        }

        public void Write(KafkaWriter writer, short version)
        {
            writer.WriteInt64(ProducerId);
            writer.WriteInt64(FirstOffset);
        }
    }
}
