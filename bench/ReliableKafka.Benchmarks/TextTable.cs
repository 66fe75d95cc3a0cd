using System.Text;

namespace ReliableKafka.Benchmarks;

/// <summary>A plain text table: the first column left-aligned, the others right-aligned.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"Expected {headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public override string ToString()
    {
        var widths = new int[headers.Length];
        foreach (var row in _rows.Prepend(headers))
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var text = new StringBuilder();
        Append(text, headers, widths);
        text.Append(' ', 2).Append('-', widths.Sum() + (2 * (widths.Length - 1))).Append('\n');
        foreach (var row in _rows)
        {
            Append(text, row, widths);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string[] row, int[] widths)
    {
        text.Append(' ', 2);
        for (var c = 0; c < row.Length; c++)
        {
            if (c > 0)
            {
                text.Append(' ', 2);
            }

            text.Append(c == 0 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]));
        }

        text.Append('\n');
    }
}
