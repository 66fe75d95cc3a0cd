namespace ReliableKafka.Simulator.Benchmarks;

/// <summary>Command-line settings of the harness.</summary>
internal sealed record BenchOptions
{
    public const string Usage =
        """
        Usage: dotnet run -c Release --project bench/ReliableKafka.Simulator.Benchmarks -- [options]
          --messages N      messages produced (and read back) per run (default 1,000,000)
          --rounds R        paired rounds, simulator and mock in each, order alternating (default 3)
          --warmup N        warm-up messages per target and acks level, once, not reported (default 100,000)
          --window N        most messages handed to the producer but not yet reported (default 100,000)
          --batch-size B    producer batch.size in bytes (default: librdkafka's, 1,000,000)
          --acks LIST       acks levels to run, comma-separated: 1, all, idempotent (default: all three)
          --only TARGET     run one target only: simulator or mock (for profiling; no ratios)
          --producer K=V    an extra librdkafka producer setting for both targets (repeatable)
          --consumer K=V    an extra librdkafka consumer setting for both targets (repeatable), e.g.
                            --consumer fetch.queue.backoff.ms=1000 to read with librdkafka's own default
          --transactions SIZES  instead of the acks levels: idempotent against transactional producers on the
                            simulator, paired per round, at these transaction sizes (comma-separated, e.g. 100,1000,10000)
          --quick           10x smaller message counts (a smoke run); explicit counts still win
          --json FILE       also write the numbers as JSON
          --help            this text
        """;

    public int Messages { get; init; } = 1_000_000;

    public int Rounds { get; init; } = 3;

    public int Warmup { get; init; } = 100_000;

    public int Window { get; init; } = 100_000;

    public int? BatchSize { get; init; }

    public IReadOnlyList<AcksLevel> Levels { get; init; } = [AcksLevel.Leader, AcksLevel.All, AcksLevel.Idempotent];

    public IReadOnlyList<TargetKind> Targets { get; init; } = [TargetKind.Simulator, TargetKind.Mock];

    public IReadOnlyDictionary<string, string> ProducerSettings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> ConsumerSettings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public bool Quick { get; init; }

    /// <summary>Transaction sizes for the idempotent-against-transactional mode; empty for the acks-level comparison.</summary>
    public IReadOnlyList<int> TransactionSizes { get; init; } = [];

    public string? JsonPath { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown flag or a bad value.</exception>
    public static BenchOptions Parse(string[] args)
    {
        var harness = new HarnessFlags();
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            if (harness.TryRead(args, ref i))
            {
                continue;
            }

            var arg = args[i];
            switch (arg)
            {
                case "--rounds":
                    options = options with { Rounds = Arguments.Positive(arg, Arguments.Value(args, ref i)) };
                    break;
                case "--window":
                    options = options with { Window = Arguments.Positive(arg, Arguments.Value(args, ref i)) };
                    break;
                case "--batch-size":
                    options = options with { BatchSize = Arguments.Positive(arg, Arguments.Value(args, ref i)) };
                    break;
                case "--acks":
                    options = options with { Levels = ParseLevels(Arguments.Value(args, ref i)) };
                    break;
                case "--only":
                    options = options with { Targets = [ParseTarget(Arguments.Value(args, ref i))] };
                    break;
                case "--transactions":
                    options = options with { TransactionSizes = [.. Arguments.Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(size => Arguments.Positive(arg, size))] };
                    break;
                case "--producer":
                    options = options with { ProducerSettings = With(options.ProducerSettings, arg, Arguments.Value(args, ref i)) };
                    break;
                case "--consumer":
                    options = options with { ConsumerSettings = With(options.ConsumerSettings, arg, Arguments.Value(args, ref i)) };
                    break;
                default:
                    throw HarnessFlags.Unknown(arg);
            }
        }

        return options with
        {
            Quick = harness.Quick,
            JsonPath = harness.JsonPath,
            Help = harness.Help,
            Messages = harness.Scaled(harness.Messages, options.Messages),
            Warmup = harness.Scaled(harness.Warmup, options.Warmup),
        };
    }

    private static AcksLevel[] ParseLevels(string text)
    {
        var levels = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(static level => level.ToLowerInvariant() switch
            {
                "1" or "leader" => AcksLevel.Leader,
                "all" or "-1" => AcksLevel.All,
                "idempotent" or "idempotence" or "all+idempotence" => AcksLevel.Idempotent,
                _ => throw new ArgumentException($"--acks takes 1, all or idempotent, not '{level}'."),
            })
            .Distinct()
            .Order()
            .ToArray();
        return levels.Length > 0 ? levels : throw new ArgumentException("--acks needs at least one level.");
    }

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> settings, string flag, string text)
    {
        var split = text.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0)
        {
            throw new ArgumentException($"{flag} takes key=value, not '{text}'.");
        }

        return new Dictionary<string, string>(settings, StringComparer.Ordinal) { [text[..split].Trim()] = text[(split + 1)..].Trim() };
    }

    private static TargetKind ParseTarget(string text) => text.ToLowerInvariant() switch
    {
        "simulator" or "sim" => TargetKind.Simulator,
        "mock" => TargetKind.Mock,
        _ => throw new ArgumentException($"--only takes simulator or mock, not '{text}'."),
    };
}
