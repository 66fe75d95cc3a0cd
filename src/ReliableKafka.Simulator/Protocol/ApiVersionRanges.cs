namespace ReliableKafka.Simulator.Protocol;

/// <summary>An API and the versions of it a broker accepts.</summary>
internal readonly record struct ApiVersionRange(ApiKey ApiKey, short MinVersion, short MaxVersion)
{
    public bool Contains(short version) => version >= MinVersion && version <= MaxVersion;

    public override string ToString() => $"{ApiKey} {MinVersion}-{MaxVersion}";
}

/// <summary>
/// The ApiVersions responses built from a list of ranges. The ranges a simulated broker serves are registered beside
/// their handlers (<see cref="Cluster.ApiRegistry"/>); this class only shapes the answer.
/// </summary>
internal static class ApiVersionRanges
{
    /// <summary>A successful ApiVersions response advertising <paramref name="ranges"/>.</summary>
    public static ApiVersionsResponse CreateResponse(IEnumerable<ApiVersionRange> ranges)
    {
        var response = new ApiVersionsResponse();
        foreach (var range in ranges)
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
    public static ApiVersionsResponse CreateUnsupportedVersionResponse(ApiVersionRange apiVersions)
    {
        var response = new ApiVersionsResponse { ErrorCode = KafkaErrorCode.UnsupportedVersion };
        response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion
        {
            ApiKey = ApiKey.ApiVersions,
            MinVersion = apiVersions.MinVersion,
            MaxVersion = apiVersions.MaxVersion,
        });
        return response;
    }

    /// <summary>
    /// Writes the whole frame answering an ApiVersions request of an unsupported version: size, header v0
    /// (the correlation id), then a v0 body: error 35, an int32 array count of 1, key 18 with its range.
    /// </summary>
    public static void WriteUnsupportedVersionResponse(KafkaWriter writer, int correlationId, ApiVersionRange apiVersions) =>
        KafkaFrame.WriteResponse(writer, 0, correlationId, CreateUnsupportedVersionResponse(apiVersions));
}
