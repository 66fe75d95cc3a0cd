namespace ReliableKafka.Benchmarks;

/// <summary>Command-line settings of the harness.</summary>
internal sealed record BenchOptions
{
    public const string Usage =
        """
        Usage: dotnet run -c Release --project bench/ReliableKafka.Benchmarks -- [options]
          --messages N        messages per run of A and B (default 2,000,000)
          --async-messages N  messages per run of C and D (default 1,000,000)
          --rounds R          paired rounds (default 5)
          --inflight N        messages in flight for C and D (default 10,000)
          --window N          most messages handed over but unreported for A and B (default 50,000; librdkafka's queue holds 100,000)
          --warmup N          warm-up messages per variant (default 100,000)
          --quick             10x smaller message counts (a smoke run); explicit counts still win
          --json FILE         also write the numbers as JSON
          --help              this text
        """;

    public int Messages { get; init; } = 2_000_000;

    public int AsyncMessages { get; init; } = 1_000_000;

    public int Rounds { get; init; } = 5;

    public int InFlight { get; init; } = 10_000;

    public int Window { get; init; } = 50_000;

    public int Warmup { get; init; } = 100_000;

    public bool Quick { get; init; }

    public string? JsonPath { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown flag or a bad value.</exception>
    public static BenchOptions Parse(string[] args)
    {
        int? asyncMessages = null;
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
                case "--async-messages":
                    asyncMessages = Arguments.Positive(arg, Arguments.Value(args, ref i));
                    break;
                case "--rounds":
                    options = options with { Rounds = Arguments.Positive(arg, Arguments.Value(args, ref i)) };
                    break;
                case "--inflight":
                    options = options with { InFlight = Arguments.Positive(arg, Arguments.Value(args, ref i)) };
                    break;
                case "--window":
                    options = options with { Window = Arguments.Positive(arg, Arguments.Value(args, ref i)) };
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
            AsyncMessages = harness.Scaled(asyncMessages, options.AsyncMessages),
            Warmup = harness.Scaled(harness.Warmup, options.Warmup),
        };
    }
}
