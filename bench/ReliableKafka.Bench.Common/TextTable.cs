using System.Text;

namespace ReliableKafka.Bench.Common;

/// <summary>A plain text table for a terminal: text columns left-aligned, numbers right-aligned.</summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly int _textColumns;
    private readonly List<string[]> _rows = [];

    /// <summary>A table whose first column holds words and the others numbers.</summary>
    /// <param name="headers">The column names.</param>
    public TextTable(params string[] headers)
        : this(1, headers)
    {
    }

    /// <summary>A table with <paramref name="textColumns"/> leading columns of words.</summary>
    /// <param name="textColumns">How many leading columns hold words (left-aligned); the rest hold numbers.</param>
    /// <param name="headers">The column names.</param>
    public TextTable(int textColumns, params string[] headers)
    {
        _textColumns = textColumns;
        _headers = headers;
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"Expected {_headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public override string ToString()
    {
        var widths = _headers.Select(static h => h.Length).ToArray();
        foreach (var row in _rows)
        {
            for (var c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var text = new StringBuilder();
        AppendRow(text, _headers, widths);
        text.Append("  ").Append('-', widths.Sum() + (2 * (widths.Length - 1))).Append('\n');
        foreach (var row in _rows)
        {
            AppendRow(text, row, widths);
        }

        return text.ToString();
    }

    private void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append("  ");
        for (var c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                text.Append("  ");
            }

            text.Append(c < _textColumns ? cells[c].PadRight(widths[c]) : cells[c].PadLeft(widths[c]));
        }

        text.Append('\n');
    }
}
