using System.Globalization;
using System.Text;

namespace ReliableKafka.Audit.Workload;

/// <summary>
/// The value the workload writes: <c>rka1|run|producer|key|sequence</c>, optionally followed by <c>|</c> and padding.
/// The run id tells this run's records from any other on the topic; the sequence is unique per run.
/// </summary>
internal static class AuditValue
{
    private const string Prefix = "rka1|";

    /// <summary>Formats a value; <paramref name="padTo"/> pads it with filler to at least that many characters.</summary>
    public static string Format(string runId, string producerId, string key, long sequence, int padTo = 0)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{runId}|{producerId}|{key}|{sequence}");
        if (text.Length >= padTo)
        {
            return text;
        }

        var builder = new StringBuilder(text, padTo + 1).Append('|');
        // Incompressible enough filler (a simple LCG over printable characters), so lz4 does not shrink an oversized value.
        var state = (uint)sequence * 2_654_435_761u + 1;
        while (builder.Length < padTo)
        {
            state = (state * 1_664_525u) + 1_013_904_223u;
            builder.Append((char)('!' + (state >> 24) % 90));
        }

        return builder.ToString();
    }

    /// <summary>Parses a value written for <paramref name="runId"/>; false for anything else.</summary>
    public static bool TryParse(string? value, string runId, out string key, out long sequence)
    {
        key = "";
        sequence = -1;
        if (value is null || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = value.Split('|', 6);
        if (parts.Length < 5 || !string.Equals(parts[1], runId, StringComparison.Ordinal))
        {
            return false;
        }

        if (!long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out sequence))
        {
            sequence = -1;
            return false;
        }

        key = parts[3];
        return true;
    }
}
