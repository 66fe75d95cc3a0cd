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
        int? messages = null, asyncMessages = null, warmup = null;
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--messages":
                    messages = Arguments.Positive(arg, Arguments.Value(args, ref i));
                    break;
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
                case "--warmup":
                    warmup = Arguments.Positive(arg, Arguments.Value(args, ref i));
                    break;
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--json":
                    options = options with { JsonPath = Arguments.Value(args, ref i) };
                    break;
                case "--help" or "-h" or "-?":
                    options = options with { Help = true };
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{arg}'.");
            }
        }

        var scale = options.Quick ? 10 : 1;
        return options with
        {
            Messages = messages ?? options.Messages / scale,
            AsyncMessages = asyncMessages ?? options.AsyncMessages / scale,
            Warmup = warmup ?? options.Warmup / scale,
        };
    }
}
