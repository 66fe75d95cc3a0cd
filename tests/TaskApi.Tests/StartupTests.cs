using TaskApi.Tests.Infrastructure;

namespace TaskApi.Tests;

public sealed class StartupTests
{
    [Fact]
    public async Task Invalid_options_stop_the_start_with_one_message_listing_every_problem()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"taskapi-bad-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            await using var api = await TaskApiProcess.StartAsync(directory, new Dictionary<string, string>
            {
                ["Kafka__BootstrapServers"] = "127.0.0.1:1",
                ["TaskApi__WriteBatchSize"] = "0",
                ["TaskApi__DatabaseProvider"] = "oracle",
                ["TaskApi__Health__OutboxPendingUnhealthy"] = "10",
                ["Kafka__Profiles__Critical__acks"] = "1",
            }, waitUntilListening: false);

            Assert.NotEqual(0, await api.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            var output = api.Output;
            Assert.Contains("TaskApi:WriteBatchSize is 0. Fix: use 1 to 10000.", output);
            Assert.Contains("TaskApi:DatabaseProvider is 'oracle'. Fix: use auto, sqlite or postgresql.", output);
            Assert.Contains("TaskApi:Health outbox pending thresholds are 1000 and 10.", output);
            Assert.Contains("RK008", output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
