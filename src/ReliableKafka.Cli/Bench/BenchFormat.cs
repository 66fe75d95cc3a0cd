using System.Globalization;

namespace ReliableKafka.Cli.Bench;

/// <summary>How rk bench writes its numbers in text (invariant culture; "-" for none).</summary>
internal static class BenchFormat
{
    /// <summary>Milliseconds: two decimals under 10 ms, one under 100, none above.</summary>
    public static string Ms(double ms) => double.IsNaN(ms)
        ? "-"
        : ms.ToString(ms < 10 ? "0.00" : ms < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => double.IsNaN(perSecond) ? "-" : perSecond.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Megabytes(double mb) => double.IsNaN(mb) ? "-" : mb.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A number for JSON: rounded to three decimals (NaN is written as null by the caller).</summary>
    public static double Round(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
