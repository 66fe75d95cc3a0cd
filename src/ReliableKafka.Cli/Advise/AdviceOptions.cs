using System.Globalization;
using Spectre.Console;

namespace ReliableKafka.Cli.Advise;

/// <summary>
/// The answers as given on the command line, possibly incomplete; parses flag values, names what is missing, and
/// asks for the rest on an interactive console.
/// </summary>
internal sealed record AdviceOptions(
    string? LossImpact,
    int? LatencyBudgetMs,
    int? Brokers,
    int? PeakRate,
    string? ConsumersDeduplicate,
    string? BootstrapServers,
    string? AtomicTopics = null)
{
    public const string LossImpactFlag = "--loss-impact <critical|minor|none>";
    public const string LatencyFlag = "--latency-ms <MS>";
    public const string BrokersFlag = "--brokers <COUNT>";
    public const string PeakRateFlag = "--peak-rate <MESSAGES_PER_SECOND>";
    public const string DeduplicateFlag = "--consumers-deduplicate <yes|no>";

    public const int MaxBrokers = 1000;
    public const int MaxLatencyMs = 600_000;
    public const int MaxPeakRate = 100_000_000;

    public static string Name(LossImpact impact) => impact switch
    {
        Advise.LossImpact.Critical => "critical",
        Advise.LossImpact.Minor => "minor",
        _ => "none",
    };

    public static bool TryParseLossImpact(string? text, out LossImpact impact)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "critical":
                impact = Advise.LossImpact.Critical;
                return true;
            case "minor":
                impact = Advise.LossImpact.Minor;
                return true;
            case "none":
                impact = Advise.LossImpact.None;
                return true;
            default:
                impact = default;
                return false;
        }
    }

    public static bool TryParseYesNo(string? text, out bool value)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "yes" or "y" or "true":
                value = true;
                return true;
            case "no" or "n" or "false":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>Values given but not valid, one message each, naming the flag.</summary>
    public IReadOnlyList<string> Invalid()
    {
        var problems = new List<string>();
        if (LossImpact is not null && !TryParseLossImpact(LossImpact, out _))
        {
            problems.Add($"--loss-impact '{LossImpact}' is not one of critical, minor, none.");
        }

        if (LatencyBudgetMs is < 1 or > MaxLatencyMs)
        {
            problems.Add($"--latency-ms must be between 1 and {MaxLatencyMs}, not {LatencyBudgetMs}.");
        }

        if (Brokers is < 1 or > MaxBrokers)
        {
            problems.Add($"--brokers must be between 1 and {MaxBrokers}, not {Brokers}.");
        }

        if (PeakRate is < 1 or > MaxPeakRate)
        {
            problems.Add($"--peak-rate must be between 1 and {MaxPeakRate} messages per second, not {PeakRate}.");
        }

        if (ConsumersDeduplicate is not null && !TryParseYesNo(ConsumersDeduplicate, out _))
        {
            problems.Add($"--consumers-deduplicate '{ConsumersDeduplicate}' is not yes or no.");
        }

        if (AtomicTopics is not null && !TryParseYesNo(AtomicTopics, out _))
        {
            problems.Add($"--atomic-topics '{AtomicTopics}' is not yes or no.");
        }

        return problems;
    }

    /// <summary>The flags of the questions not answered, in the order they are asked.</summary>
    public IReadOnlyList<string> Missing()
    {
        var missing = new List<string>();
        if (LossImpact is null)
        {
            missing.Add(LossImpactFlag);
        }

        if (LatencyBudgetMs is null)
        {
            missing.Add(LatencyFlag);
        }

        if (Brokers is null)
        {
            missing.Add(BrokersFlag);
        }

        if (PeakRate is null)
        {
            missing.Add(PeakRateFlag);
        }

        if (ConsumersDeduplicate is null)
        {
            missing.Add(DeduplicateFlag);
        }

        return missing;
    }

    /// <summary>The answers, when every one is given and valid.</summary>
    public AdviceAnswers ToAnswers()
    {
        if (Missing().Count > 0 || Invalid().Count > 0
            || !TryParseLossImpact(LossImpact, out var impact) || !TryParseYesNo(ConsumersDeduplicate, out var deduplicate))
        {
            throw new InvalidOperationException("Not every answer is given and valid.");
        }

        var atomic = AtomicTopics is not null && TryParseYesNo(AtomicTopics, out var together) && together;
        return new AdviceAnswers(impact, LatencyBudgetMs!.Value, Brokers!.Value, PeakRate!.Value, deduplicate, BootstrapServers, atomic);
    }

    /// <summary>Asks <paramref name="console"/> for every missing answer and returns the completed options.</summary>
    public AdviceOptions Ask(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var result = this;
        if (LossImpact is null)
        {
            var choice = console.Prompt(new SelectionPrompt<string>()
                .Title("What breaks if one message is lost?")
                .AddChoices(
                    "critical: a business fact is gone (an order, a payment, a task)",
                    "minor: a statistic or a recommendation is slightly off",
                    "none: nothing anyone notices (a sample the next one replaces)"));
            result = result with { LossImpact = choice[..choice.IndexOf(':', StringComparison.Ordinal)] };
        }

        if (LatencyBudgetMs is null)
        {
            result = result with { LatencyBudgetMs = AskNumber(console, "Latency budget: how many [green]ms[/] may a publish take, typically?", 100, MaxLatencyMs) };
        }

        if (Brokers is null)
        {
            result = result with { Brokers = AskNumber(console, "How many [green]brokers[/] does the cluster have?", 3, MaxBrokers) };
        }

        if (PeakRate is null)
        {
            result = result with { PeakRate = AskNumber(console, "Peak rate: how many [green]messages per second[/] at most?", 1000, MaxPeakRate) };
        }

        if (ConsumersDeduplicate is null)
        {
            var yes = console.Prompt(new ConfirmationPrompt("Do the consumers deduplicate (drop an event id they have already processed)?") { DefaultValue = false });
            result = result with { ConsumersDeduplicate = yes ? "yes" : "no" };
        }

        return result;
    }

    private static int AskNumber(IAnsiConsole console, string question, int defaultValue, int max) =>
        console.Prompt(new TextPrompt<int>(question)
            .DefaultValue(defaultValue)
            .Validate(value => value >= 1 && value <= max
                ? ValidationResult.Success()
                : ValidationResult.Error(string.Create(CultureInfo.InvariantCulture, $"Enter a number between 1 and {max}."))));
}
