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
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
            DefaultViewport = new ViewPortOptions { Width = 1280, Height = 800 },
        });
        await using var page = await browser.NewPageAsync();
        await page.GoToAsync(cluster.Control + "/console");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-partition=\"task-events-0\"]') !== null");
        var leader = await Cell(page, "partition");
        Assert.Matches("^[123]$", leader);

        await page.ClickAsync($"xpath///button[text()='Crash broker {leader}']");
        await Eventually.WaitUntilAsync(async () => (await Cell(page, "partition")) is var now && now != leader && now != "none", TimeSpan.FromSeconds(30), "the page showing a new leader");
        await Eventually.WaitUntilAsync(async () => (await Cell(page, "isr")).Split(',').Length == 2, TimeSpan.FromSeconds(30), "the page showing the ISR without the crashed broker");

        var isr = await Cell(page, "isr");
        Assert.DoesNotContain(leader, isr, StringComparison.Ordinal);
        Assert.Equal(cluster.Cluster.Inspect("task-events", 0)!.Leader.ToString(System.Globalization.CultureInfo.InvariantCulture), await Cell(page, "partition"));
        var screenshot = Path.Combine(Path.GetTempPath(), $"rk-console-{Guid.NewGuid():N}.png");
        await page.ScreenshotAsync(screenshot);
        output.WriteLine($"screenshot: {screenshot}");
    }

    private static Task<string> Cell(IPage page, string kind) =>
        page.EvaluateFunctionAsync<string>($"() => document.querySelector('[data-{kind}=\"task-events-0\"]').textContent");
}
