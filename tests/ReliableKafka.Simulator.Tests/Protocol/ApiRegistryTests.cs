using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Simulator.Protocol;
using ReliableKafka.Simulator.Tests.Admin;
using ReliableKafka.Simulator.Tests.Cluster;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>The registry of served APIs is the one source: the broker's ApiVersions answer, the codecs and the docs agree with it.</summary>
public sealed class ApiRegistryTests
{
    [Fact]
    public void Every_API_with_a_request_and_response_codec_is_registered_once()
    {
        var codecKeys = MessageCodec.All.Select(static c => c.ApiKey).Distinct().Order().ToList();

        Assert.Equal(codecKeys, ApiRegistry.Ranges.Select(static r => r.ApiKey).ToList());
        Assert.Equal(ApiRegistry.Ranges.Count, ApiRegistry.Registrations.Count);
    }

    [Fact]
    public void The_public_view_lists_the_served_ranges_by_key()
    {
        Assert.Equal(
            ApiRegistry.Ranges.Select(static r => (r.ApiKey, r.ApiKey.ToString(), r.MinVersion, r.MaxVersion)),
            ApiRegistry.Apis.Select(static a => (a.Key, a.Name, a.MinVersion, a.MaxVersion)));
        Assert.Equal(ApiRegistry.Apis.OrderBy(static a => a.Key), ApiRegistry.Apis);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ApiVersions_served_over_a_socket_is_the_registry(short version)
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        await using var connection = await ConnectAsync(cluster);

        var response = await connection.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(
            new ApiVersionsRequest { ClientSoftwareName = "tests", ClientSoftwareVersion = "1" },
            version);

        Assert.Equal(KafkaErrorCode.None, response.ErrorCode);
        Assert.Equal(ApiRegistry.Ranges, response.ApiKeys.Select(static k => new ApiVersionRange(k.ApiKey, k.MinVersion, k.MaxVersion)));
    }

    [Fact]
    public async Task Served_ApiVersions_for_LeaveGroup_and_DescribeConfigs_are_the_versions_their_handlers_accept()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        cluster.CreateTopic("configs", new TopicSettings(1, 1, 1));
        await using var connection = await ConnectAsync(cluster);

        var served = (await connection.SendAsync<ApiVersionsRequest, ApiVersionsResponse>(new ApiVersionsRequest(), 0)).ApiKeys
            .ToDictionary(static k => k.ApiKey, static k => (k.MinVersion, k.MaxVersion));
        Assert.Equal(((short)0, (short)2), served[ApiKey.LeaveGroup]);
        Assert.Equal(((short)0, (short)2), served[ApiKey.DescribeConfigs]);

        // The highest served version of each is answered on the same connection, not refused.
        var leave = await connection.SendAsync<LeaveGroupRequest, LeaveGroupResponse>(new LeaveGroupRequest { GroupId = "nobody", MemberId = "m" }, 2);
        var describe = await connection.SendAsync<DescribeConfigsRequest, DescribeConfigsResponse>(
            new DescribeConfigsRequest { Resources = [new() { ResourceType = 2, ResourceName = "configs", ConfigurationKeys = ["min.insync.replicas"] }] },
            2);

        Assert.NotEqual(KafkaErrorCode.UnsupportedVersion, leave.ErrorCode);
        var result = Assert.Single(describe.Results);
        Assert.Equal((KafkaErrorCode.None, "min.insync.replicas"), (result.ErrorCode, Assert.Single(result.Configs).Name));
    }

    [Fact]
    public async Task A_version_above_the_served_range_closes_the_connection()
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { Brokers = 1 });
        var broker = cluster.Describe().Brokers.Single();
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(broker.Host, broker.Port);
        var leaveGroup = ApiRegistry.RangeOf(ApiKey.LeaveGroup);

        await client.GetStream().WriteAsync(ConnectionLogTests.RequestFrame(ApiKey.LeaveGroup, (short)(leaveGroup.MaxVersion + 1), "tests"));

        await ConnectionLogTests.AssertClosedAsync(client);
    }

    [Fact]
    public void The_docs_API_table_lists_exactly_the_served_ranges()
    {
        var documented = DocumentedApiTable();

        Assert.Equal(
            ApiRegistry.Ranges.Select(static r => $"{r.ApiKey} {r.MinVersion}-{r.MaxVersion}").Order(),
            documented.Order());
    }

    /// <summary>Reads "What a broker answers" in docs/simulator.md: rows of "names | versions | notes", names and versions comma-separated in step.</summary>
    private static List<string> DocumentedApiTable()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "simulator.md"));
        var start = Array.FindIndex(lines, static l => l.StartsWith("## What a broker answers", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/simulator.md has no \"What a broker answers\" section");
        var rows = lines.Skip(start + 1)
            .SkipWhile(static l => !l.StartsWith('|'))
            .TakeWhile(static l => l.StartsWith('|'))
            .Skip(2); // the header and the separator
        var entries = new List<string>();
        foreach (var row in rows)
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            var names = cells[1].Split(", ");
            var versions = cells[2].Split(", ");
            Assert.True(names.Length == versions.Length, $"'{row}' pairs {names.Length} APIs with {versions.Length} version ranges");
            entries.AddRange(names.Zip(versions, static (name, range) => $"{name} {range}"));
        }

        return entries;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ReliableKafka.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ReliableKafka.slnx above {AppContext.BaseDirectory}.");
    }

    private static Task<RawConnection> ConnectAsync(SimulatedCluster cluster)
    {
        var broker = cluster.Describe().Brokers.Single();
        return RawConnection.ConnectAsync(broker.Host, broker.Port);
    }
}
