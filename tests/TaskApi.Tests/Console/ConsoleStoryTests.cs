using PuppeteerSharp;
using ReliableKafka.Testing;
using TaskApi.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TaskApi.Tests.Console;

/// <summary>
/// The web console of the Task API with its embedded cluster, in Debian's chromium, telling the story a newcomer should
/// see: tasks are delivered; two brokers crash (clicked on the page) and the ISR shrinks below min.insync.replicas; a
/// new task's event waits in the outbox while the timeline shows NOT_ENOUGH_REPLICAS refusals; a broker restarts (a
/// click) and the event is delivered.
/// </summary>
public sealed class ConsoleStoryTests(ITestOutputHelper output)
{
    [Fact]
    [Trait("Requires", "Chromium")]
    public async Task Crashing_brokers_from_the_console_holds_events_in_the_outbox_and_a_restart_delivers_them()
    {
        var directory = Directory.CreateTempSubdirectory("rk-console-story-").FullName;
        await using var api = await TaskApiProcess.StartAsync(directory);
        // Logged once the server has started, which can be just after it says it listens.
        var console = $"{api.BaseAddress.ToString().TrimEnd('/')}/kafka/console";
        await Eventually.WaitUntilAsync(() => api.Output.Contains(console, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the console's address in the log", () => api.Output);
        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu"],
            DefaultViewport = new ViewPortOptions { Width = 1280, Height = 800 },
        });
        await using var page = await browser.NewPageAsync();
        await page.GoToAsync(new Uri(api.BaseAddress, "kafka/console").ToString());
        await page.WaitForFunctionAsync("() => !document.getElementById('service').hidden && document.querySelector('[data-partition=\"task-events-2\"]') !== null");

        for (var i = 0; i < 3; i++)
        {
            await api.CreateTaskAsync($"before the crash {i}");
        }

        await Eventually.WaitUntilAsync(async () => await Service(page, "pending") == "0" && long.Parse(await Service(page, "delivered"), System.Globalization.CultureInfo.InvariantCulture) >= 3,
            TimeSpan.FromSeconds(30), "the page showing the first tasks delivered", () => api.Output);
        var deliveredBefore = long.Parse(await Service(page, "delivered"), System.Globalization.CultureInfo.InvariantCulture);

        await Click(page, "Crash broker 2");
        await Click(page, "Crash broker 3");
        await Eventually.WaitUntilAsync(async () => await Cell(page, "isr", "task-events-0") == "{1}", TimeSpan.FromSeconds(30), "the page showing the ISR shrunk to broker 1", () => api.Output);

        await api.CreateTaskAsync("during the crash");
        await Eventually.WaitUntilAsync(async () => await Service(page, "pending") != "0", TimeSpan.FromSeconds(30), "the page showing the event waiting in the outbox", () => api.Output);
        await Eventually.WaitUntilAsync(
            async () => await page.EvaluateFunctionAsync<bool>("() => [...document.querySelectorAll('#events tr')].some(r => r.textContent.includes('Refused') && r.textContent.includes('NOT_ENOUGH_REPLICAS'))"),
            TimeSpan.FromSeconds(30), "the timeline showing a NOT_ENOUGH_REPLICAS refusal", () => api.Output);
        var during = Path.Combine(directory, "console-during-the-crash.png");
        await page.ScreenshotAsync(during, new ScreenshotOptions { Clip = new PuppeteerSharp.Media.Clip { X = 0, Y = 0, Width = 1280, Height = 1700 } });
        output.WriteLine($"screenshot: {during}");

        await Click(page, "Restart broker 2");
        await Eventually.WaitUntilAsync(async () => await Service(page, "pending") == "0", TimeSpan.FromSeconds(60), "the page showing the outbox drained after the restart", () => api.Output);
        Assert.True(long.Parse(await Service(page, "delivered"), System.Globalization.CultureInfo.InvariantCulture) > deliveredBefore);
        Assert.Contains("{1,2}", await Cell(page, "isr", "task-events-0"), StringComparison.Ordinal);
    }

    /// <summary>Clicks the button with this label in one step: the page redraws every 500 ms, so a button found first may be gone by the click.</summary>
    private static async Task Click(IPage page, string label) =>
        Assert.True(await page.EvaluateFunctionAsync<bool>("label => { const b = [...document.querySelectorAll('button')].find(b => b.textContent === label); if (b) b.click(); return !!b; }", label), $"no button '{label}' on the page");

    private static Task<string> Service(IPage page, string name) =>
        page.EvaluateFunctionAsync<string>($"() => document.querySelector('[data-service=\"{name}\"]').textContent");

    private static Task<string> Cell(IPage page, string kind, string partition) =>
        page.EvaluateFunctionAsync<string>($"() => document.querySelector('[data-{kind}=\"{partition}\"]').textContent");
}
