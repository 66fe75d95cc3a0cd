namespace ReliableKafka.Bench.Common;

/// <summary>Statistics of paired benchmark rounds.</summary>
public static class Stats
{
    /// <summary>The median, ignoring NaN; NaN when nothing is left.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(static v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
