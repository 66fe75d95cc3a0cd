using ReliableKafka.Cli.Advise;
using Spectre.Console.Testing;

namespace ReliableKafka.Cli.Tests.Advise;

public sealed class AdviceOptionsTests
{
    private static readonly AdviceOptions Nothing = new(null, null, null, null, null, null);

    [Fact]
    public void Missing_names_each_unanswered_flag_in_the_order_asked()
    {
        var options = Nothing with { Brokers = 3, ConsumersDeduplicate = "yes" };

        Assert.Equal([AdviceOptions.LossImpactFlag, AdviceOptions.LatencyFlag, AdviceOptions.PeakRateFlag], options.Missing());
    }

    [Fact]
    public void Invalid_values_are_reported_with_their_flag()
    {
        var options = new AdviceOptions("lots", 0, 1001, -5, "maybe", null);

        Assert.Equal(
            [
                "--loss-impact 'lots' is not one of critical, minor, none.",
                "--latency-ms must be between 1 and 600000, not 0.",
                "--brokers must be between 1 and 1000, not 1001.",
                "--peak-rate must be between 1 and 100000000 messages per second, not -5.",
                "--consumers-deduplicate 'maybe' is not yes or no.",
            ],
            options.Invalid());
    }

    [Fact]
    public void Complete_flags_become_answers()
    {
        var answers = new AdviceOptions("CRITICAL", 50, 3, 1000, "n", "b:9092").ToAnswers();

        Assert.Equal(new AdviceAnswers(LossImpact.Critical, 50, 3, 1000, false, "b:9092"), answers);
        Assert.Throws<InvalidOperationException>(() => Nothing.ToAnswers());
    }

    [Fact]
    public void Ask_prompts_for_each_missing_answer_on_an_interactive_console()
    {
        var console = new TestConsole().Interactive();
        console.Input.PushKey(ConsoleKey.DownArrow);   // minor
        console.Input.PushKey(ConsoleKey.Enter);
        console.Input.PushTextWithEnter("40");
        console.Input.PushTextWithEnter("0");          // rejected: below 1
        console.Input.PushTextWithEnter("2");
        console.Input.PushTextWithEnter("");           // the default rate, 1000
        console.Input.PushTextWithEnter("y");

        var answers = Nothing.Ask(console).ToAnswers();

        Assert.Equal(new AdviceAnswers(LossImpact.Minor, 40, 2, 1000, true), answers);
        Assert.Contains("What breaks if one message is lost?", console.Output, StringComparison.Ordinal);
        Assert.Contains("Enter a number between 1 and 1000.", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Ask_does_not_ask_what_the_flags_answered()
    {
        var console = new TestConsole().Interactive();
        console.Input.PushTextWithEnter("7");

        var answers = new AdviceOptions("critical", 100, null, 500, "no", null).Ask(console).ToAnswers();

        Assert.Equal(7, answers.Brokers);
        Assert.DoesNotContain("lost", console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("deduplicate", console.Output, StringComparison.Ordinal);
    }
}
