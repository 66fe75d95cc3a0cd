using PuppeteerSharp;
using ReliableKafka.Simulator.Cluster;
using ReliableKafka.Testing;
using Xunit.Abstractions;

namespace ReliableKafka.Cli.Tests.Console;

/// <summary>The web console in Debian's chromium: a click crashes a partition's leader, and the page shows the new leader and the shrunken ISR.</summary>
public sealed class WebConsoleTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Requires", "Chromium")]
    public async Task Crashing_the_leader_from_the_console_shows_the_new_leader_and_the_smaller_isr()
    {
        await using var cluster = ProofCluster.Start("task-events", new TopicSettings(1, 3, 2));
        await cluster.ServeControlAsync();
        await using var browser = await LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.GoToAsync(cluster.Control + "/console");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-partition=\"task-events-0\"]') !== null");
        var leader = await Cell(page, "partition");
        Assert.Matches("^[123]$", leader);

        await Click(page, $"Crash broker {leader}");
        await Eventually.WaitUntilAsync(async () => (await Cell(page, "partition")) is var now && now != leader && now != "none", TimeSpan.FromSeconds(30), "the page showing a new leader");
        await Eventually.WaitUntilAsync(async () => (await Cell(page, "isr")).Split(',').Length == 2, TimeSpan.FromSeconds(30), "the page showing the ISR without the crashed broker");

        var isr = await Cell(page, "isr");
        Assert.DoesNotContain(leader, isr, StringComparison.Ordinal);
        Assert.Equal(cluster.Cluster.Inspect("task-events", 0)!.Leader.ToString(System.Globalization.CultureInfo.InvariantCulture), await Cell(page, "partition"));
        var screenshot = Path.Combine(Path.GetTempPath(), $"rk-console-{Guid.NewGuid():N}.png");
        await page.ScreenshotAsync(screenshot);
        output.WriteLine($"screenshot: {screenshot}");
    }

    [Fact]
    [Trait("Requires", "Chromium")]
    public async Task Stopping_the_followers_from_the_console_shrinks_the_isr_and_removing_the_faults_heals_it()
    {
        await using var cluster = ProofCluster.Start(new SimulatedClusterOptions { ReplicaLagTimeMax = TimeSpan.FromMilliseconds(300) }, ("task-events", new TopicSettings(1, 3, 2)));
        await cluster.ServeControlAsync();
        await using var browser = await LaunchAsync();
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 390, Height = 844 });
        await page.GoToAsync(cluster.Control + "/console");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-partition=\"task-events-0\"]') !== null");

        await Click(page, "Stop the followers of task-events[0]");
        await Eventually.WaitUntilAsync(async () => await page.EvaluateFunctionAsync<int>("() => document.querySelectorAll('#faults tr').length") == 2, TimeSpan.FromSeconds(30), "the page listing two follower faults");
        // A write the stopped followers never copy leaves them behind; after replica.lag.time.max they leave the ISR.
        using (var producer = new Confluent.Kafka.ProducerBuilder<string, string>(new Confluent.Kafka.ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Confluent.Kafka.Acks.Leader }).Build())
        {
            await producer.ProduceAsync("task-events", new Confluent.Kafka.Message<string, string> { Key = "k", Value = "v" });
        }

        await Eventually.WaitUntilAsync(async () => (await Cell(page, "isr")).Split(',').Length == 1, TimeSpan.FromSeconds(30), "the ISR shrinking to the leader");

        foreach (var _ in Enumerable.Range(0, 2))
        {
            Assert.True(await page.EvaluateFunctionAsync<bool>("() => { const b = document.querySelector('#faults button'); if (b) b.click(); return !!b; }"), "no fault to remove on the page");
            await page.WaitForFunctionAsync("count => document.querySelectorAll('#faults tr').length < count", new WaitForFunctionOptions { Timeout = 30_000 }, await page.EvaluateFunctionAsync<int>("() => document.querySelectorAll('#faults tr').length"));
        }

        await Eventually.WaitUntilAsync(async () => (await Cell(page, "isr")).Split(',').Length == 3, TimeSpan.FromSeconds(30), "the ISR growing back");
        Assert.Empty(cluster.Cluster.ActiveFaults);
    }

    private static Task<IBrowser> LaunchAsync() => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu"],
        DefaultViewport = new ViewPortOptions { Width = 1280, Height = 800 },
    });

    /// <summary>Clicks the button with this label in one step: the page redraws every 500 ms, so a button found first may be gone by the click.</summary>
    private static async Task Click(IPage page, string label) =>
        Assert.True(await page.EvaluateFunctionAsync<bool>("label => { const b = [...document.querySelectorAll('button')].find(b => b.textContent === label); if (b) b.click(); return !!b; }", label), $"no button '{label}' on the page");

    private static Task<string> Cell(IPage page, string kind) =>
        page.EvaluateFunctionAsync<string>($"() => document.querySelector('[data-{kind}=\"task-events-0\"]').textContent");
}
