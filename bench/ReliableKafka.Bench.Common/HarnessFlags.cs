namespace ReliableKafka.Bench.Common;

/// <summary>The flags every benchmark harness takes: --quick, --json FILE, --help; and the message and warm-up counts --quick scales.</summary>
public sealed class HarnessFlags
{
    /// <summary>--quick: 10x smaller message counts (a smoke run); explicit counts still win.</summary>
    public bool Quick { get; private set; }

    /// <summary>--json FILE: also write the numbers as JSON.</summary>
    public string? JsonPath { get; private set; }

    /// <summary>--help, -h or -?.</summary>
    public bool Help { get; private set; }

    /// <summary>--messages N, when given.</summary>
    public int? Messages { get; private set; }

    /// <summary>--warmup N, when given.</summary>
    public int? Warmup { get; private set; }

    /// <summary>Reads <paramref name="args"/>[<paramref name="i"/>] if it is one of these flags (advancing past its value); false otherwise.</summary>
    /// <exception cref="ArgumentException">A flag without its value, or a count that is not a positive whole number.</exception>
    public bool TryRead(string[] args, ref int i)
    {
        var arg = args[i];
        switch (arg)
        {
            case "--messages":
                Messages = Arguments.Positive(arg, Arguments.Value(args, ref i));
                return true;
            case "--warmup":
                Warmup = Arguments.Positive(arg, Arguments.Value(args, ref i));
                return true;
            case "--quick":
                Quick = true;
                return true;
            case "--json":
                JsonPath = Arguments.Value(args, ref i);
                return true;
            case "--help" or "-h" or "-?":
                Help = true;
                return true;
            default:
                return false;
        }
    }

    /// <summary>A count given explicitly, else <paramref name="defaultCount"/>, 10x smaller under --quick.</summary>
    public int Scaled(int? given, int defaultCount) => given ?? defaultCount / (Quick ? 10 : 1);

    /// <summary>The error for a flag no harness knows.</summary>
    public static ArgumentException Unknown(string arg) => new($"Unknown argument '{arg}'.");
}
