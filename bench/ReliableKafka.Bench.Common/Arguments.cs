using System.Globalization;

namespace ReliableKafka.Bench.Common;

/// <summary>Command-line helpers shared by the benchmark harnesses.</summary>
public static class Arguments
{
    /// <summary>The value after the flag at <paramref name="i"/>; advances <paramref name="i"/>.</summary>
    public static string Value(string[] args, ref int i)
    {
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"{args[i]} needs a value.");
        }

        return args[++i];
    }

    /// <summary>A positive whole number; '_' and ',' separators are allowed (1_000_000).</summary>
    public static int Positive(string flag, string text)
    {
        var digits = text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (!int.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            throw new ArgumentException($"{flag} needs a positive whole number, not '{text}'.");
        }

        return value;
    }
}
