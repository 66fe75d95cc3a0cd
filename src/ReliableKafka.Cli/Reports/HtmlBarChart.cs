using System.Globalization;
using System.Text;

namespace ReliableKafka.Cli.Reports;

/// <summary>A series of bars: one bar per row.</summary>
internal sealed record BarSeries(string Name, string Color);

/// <summary>
/// A row of bars, one per series (null: not measured); when <paramref name="Note"/> is set it is shown instead of
/// the bars (a run that was skipped, or had nothing to show).
/// </summary>
internal sealed record BarRow(string Label, IReadOnlyList<double?> Values, string? Note = null);

/// <summary>Rows under a title (a scenario), or under none.</summary>
internal sealed record BarGroup(string? Title, IReadOnlyList<BarRow> Rows);

/// <summary>
/// The horizontal bar chart of rk's reports, as inline SVG: a legend, groups of rows, a bar per series labelled with
/// its value. When the values span more than <see cref="LogScaleSpread"/> times the scale is logarithmic with a line
/// per decade, so the short bars stay visible.
/// </summary>
internal static class HtmlBarChart
{
    /// <summary>Above this ratio of the largest to the smallest value, the scale is logarithmic.</summary>
    public const double LogScaleSpread = 20;

    private const int ChartWidth = 780;
    private const int LabelWidth = 170;
    private const int ValueWidth = 110;
    private const int BarHeight = 12;
    private const int BarGap = 2;
    private const int LegendHeight = 26;
    private const int GroupHeader = 24;

    /// <param name="html">The page.</param>
    /// <param name="id">The svg element's id.</param>
    /// <param name="title">What the chart shows, for a screen reader.</param>
    /// <param name="series">The series, in the order of each row's values.</param>
    /// <param name="groups">The rows, grouped.</param>
    /// <param name="label">A value as its bar's label shows it (with its unit).</param>
    /// <param name="tooltip">A bar's tooltip.</param>
    /// <returns>Whether the scale is logarithmic.</returns>
    public static bool Append(
        StringBuilder html,
        string id,
        string title,
        IReadOnlyList<BarSeries> series,
        IReadOnlyList<BarGroup> groups,
        Func<double, string> label,
        Func<BarRow, BarSeries, double, string> tooltip)
    {
        var values = groups.SelectMany(static g => g.Rows).Where(static r => r.Note is null)
            .SelectMany(static r => r.Values).OfType<double>().Where(static v => double.IsFinite(v) && v > 0).ToList();
        var max = values.Count == 0 ? 1 : values.Max();
        var min = values.Count == 0 ? 1 : values.Min();
        var log = max / min > LogScaleSpread;
        var low = log ? Math.Pow(10, Math.Floor(Math.Log10(min))) : 0;
        var high = log ? Math.Pow(10, Math.Ceiling(Math.Log10(max))) : max;
        const int barArea = ChartWidth - LabelWidth - ValueWidth;
        double Width(double v) => !double.IsFinite(v) || v <= 0
            ? 0
            : Math.Max(1, log ? (Math.Log10(v) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)) * barArea : v / high * barArea);

        var rowHeight = (series.Count * (BarHeight + BarGap)) + 8;
        var height = LegendHeight + groups.Sum(g => (g.Title is null ? 0 : GroupHeader) + (g.Rows.Count * rowHeight)) + (log ? 20 : 4);
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartWidth}\" height=\"{height}\" viewBox=\"0 0 {ChartWidth} {height}\" role=\"img\" aria-label=\"{HtmlPage.Encode(title)}\">\n");
        if (log)
        {
            for (var decade = low; decade <= high * 1.0001; decade *= 10)
            {
                var x = LabelWidth + Width(decade);
                html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"{LegendHeight}\" x2=\"{x:0.#}\" y2=\"{height - 14}\" stroke=\"#ddd\"/><text class=\"muted\" x=\"{x + 2:0.#}\" y=\"{height - 2}\">{HtmlPage.Encode(label(decade))}</text>\n");
            }
        }

        var legendX = LabelWidth;
        foreach (var s in series)
        {
            html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{s.Color}\"/><text x=\"{legendX + 16}\" y=\"16\">{HtmlPage.Encode(s.Name)}</text>\n");
            legendX += 110;
        }

        var y = LegendHeight;
        foreach (var group in groups)
        {
            var indent = 0;
            if (group.Title is { } groupTitle)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text class=\"group\" x=\"0\" y=\"{y + 16}\">{HtmlPage.Encode(groupTitle)}</text>\n");
                y += GroupHeader;
                indent = 12;
            }

            foreach (var row in group.Rows)
            {
                html.Append(CultureInfo.InvariantCulture, $"<text x=\"{indent}\" y=\"{y + (rowHeight / 2) + 2}\">{HtmlPage.Encode(row.Label)}</text>\n");
                if (row.Note is { } note)
                {
                    html.Append(CultureInfo.InvariantCulture, $"<text class=\"muted\" x=\"{LabelWidth}\" y=\"{y + (rowHeight / 2) + 2}\">{HtmlPage.Encode(note)}</text>\n");
                }
                else
                {
                    var barY = y + 3;
                    for (var s = 0; s < series.Count; s++)
                    {
                        var v = row.Values[s] ?? double.NaN;
                        var width = Width(v);
                        var text = double.IsFinite(v) ? label(v) : "-";
                        html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{barY}\" width=\"{width:0.#}\" height=\"{BarHeight}\" fill=\"{series[s].Color}\"><title>{HtmlPage.Encode(tooltip(row, series[s], v))}</title></rect>")
                            .Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + width + 4:0.#}\" y=\"{barY + BarHeight - 1}\">{HtmlPage.Encode(text)}</text>\n");
                        barY += BarHeight + BarGap;
                    }
                }

                y += rowHeight;
            }
        }

        html.Append("</svg>\n");
        return log;
    }
}
