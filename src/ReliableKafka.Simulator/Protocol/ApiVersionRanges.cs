namespace ReliableKafka.Simulator.Protocol;

/// <summary>An API and the versions of it a broker accepts.</summary>
internal readonly record struct ApiVersionRange(ApiKey ApiKey, short MinVersion, short MaxVersion)
{
    public bool Contains(short version) => version >= MinVersion && version <= MaxVersion;
}

/// <summary>
/// The versions the simulated broker advertises (simulator brief, section 1: non-flexible versions only, except
/// ApiVersions v3), and the ApiVersions responses built from them.
/// </summary>
internal static class ApiVersionRanges
{
    /// <summary>The brief's table. Every range lies within what the message types read and write.</summary>
    public static IReadOnlyList<ApiVersionRange> Default { get; } =
    [
        new(ApiKey.Produce, 3, 8),
        new(ApiKey.Fetch, 4, 11),
        new(ApiKey.ListOffsets, 1, 5),
        new(ApiKey.Metadata, 1, 8),
        new(ApiKey.OffsetCommit, 0, 7),
        new(ApiKey.OffsetFetch, 0, 5),
        new(ApiKey.FindCoordinator, 0, 2),
        new(ApiKey.JoinGroup, 0, 5),
        new(ApiKey.Heartbeat, 0, 3),
        new(ApiKey.LeaveGroup, 0, 1),
        new(ApiKey.SyncGroup, 0, 3),
        new(ApiKey.ApiVersions, 0, 3),
        new(ApiKey.CreateTopics, 0, 4),
        new(ApiKey.DeleteTopics, 0, 3),
        new(ApiKey.InitProducerId, 0, 1),
        new(ApiKey.DescribeConfigs, 0, 1),
        new(ApiKey.CreatePartitions, 0, 1),
    ];

    public static bool TryFind(IReadOnlyList<ApiVersionRange> ranges, ApiKey apiKey, out ApiVersionRange range)
    {
        foreach (var candidate in ranges)
        {
            if (candidate.ApiKey == apiKey)
            {
                range = candidate;
                return true;
            }
        }

        range = default;
        return false;
    }

    /// <summary>A successful ApiVersions response advertising <paramref name="ranges"/> (default: <see cref="Default"/>).</summary>
    public static ApiVersionsResponse CreateResponse(IReadOnlyList<ApiVersionRange>? ranges = null)
    {
        var response = new ApiVersionsResponse();
        foreach (var range in ranges ?? Default)
        {
            response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion
            {
                ApiKey = range.ApiKey,
                MinVersion = range.MinVersion,
                MaxVersion = range.MaxVersion,
            });
        }

        return response;
    }

    /// <summary>
    /// The answer to an ApiVersions request of an unsupported version, as Kafka gives it: UNSUPPORTED_VERSION and
    /// only key 18 with the supported range. Write it at version 0 (<see cref="WriteUnsupportedVersionResponse"/>):
    /// the client cannot know which layout to expect, so Kafka falls back to the v0 body.
    /// </summary>
    public static ApiVersionsResponse CreateUnsupportedVersionResponse(short minVersion = 0, short maxVersion = 3)
    {
        var response = new ApiVersionsResponse { ErrorCode = KafkaErrorCode.UnsupportedVersion };
        response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion
        {
            ApiKey = ApiKey.ApiVersions,
            MinVersion = minVersion,
            MaxVersion = maxVersion,
        });
        return response;
    }

    /// <summary>
    /// Writes the whole frame answering an ApiVersions request of an unsupported version: size, header v0
    /// (the correlation id), then a v0 body: error 35, an int32 array count of 1, key 18 with its range.
    /// </summary>
    public static void WriteUnsupportedVersionResponse(KafkaWriter writer, int correlationId, short minVersion = 0, short maxVersion = 3) =>
        KafkaFrame.WriteResponse(writer, 0, correlationId, CreateUnsupportedVersionResponse(minVersion, maxVersion));
}
