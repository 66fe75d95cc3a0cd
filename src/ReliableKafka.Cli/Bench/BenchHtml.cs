using System.Globalization;
using System.Net;
using System.Text;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// The <c>rk bench --html</c> page: one self-contained file (inline CSS and SVG, no scripts, nothing fetched) with what
/// was measured, the table, and bar charts of p50/p99 latency and of throughput per profile.
/// </summary>
internal static class BenchHtml
{
    private const int ChartWidth = 720;
    private const int LabelWidth = 170;
    private const int ValueWidth = 90;
    private const int BarHeight = 18;
    private const string P50Color = "#4e79a7";
    private const string P99Color = "#f28e2b";
    private const string ThroughputColor = "#59a14f";

    /// <summary>Above this ratio of the largest to the smallest value, a chart's scale is logarithmic.</summary>
    private const double LogScaleSpread = 20;

    public static string Write(BenchReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>rk bench</title>\n<style>\n")
            .Append("body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}\n")
            .Append("table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .6rem}td.n{text-align:right;font-variant-numeric:tabular-nums}\n")
            .Append("th{background:#f3f3f3}.fail{color:#b00020;font-weight:bold}.ok{color:#1b7a1b}svg text{font-size:12px;font-family:system-ui,sans-serif}\n")
            .Append("</style>\n</head>\n<body>\n<h1>rk bench</h1>\n");
        Paragraph(html, BenchNotes.Cluster(report.Target));
        if (BenchNotes.Simulated(report.Target) is { } simulated)
        {
            Paragraph(html, simulated);
        }

        Paragraph(html, BenchNotes.Workload(report.Workload, report.Results.Count));
        AppendTable(html, report);
        var shape = BenchNotes.Shape(report.Shape, report.Target);
        html.Append("<p class=\"").Append(report.Shape.Fails ? "fail" : report.Shape.Holds ? "ok" : "").Append("\">").Append(Encode(shape)).Append("</p>\n");

        AppendChart(html, "Latency (ms): p50 and p99", report.Results, [("p50", P50Color, static r => r.P50), ("p99", P99Color, static r => r.P99)], BenchFormat.Ms, " ms");
        AppendChart(html, "Throughput (messages/s)", report.Results, [("msg/s", ThroughputColor, static r => r.MessagesPerSecond)], BenchFormat.Rate, "/s");

        html.Append("<h2>What the numbers mean</h2>\n<ul>\n");
        foreach (var note in BenchNotes.Latency(report.Workload))
        {
            html.Append("<li>").Append(Encode(note)).Append("</li>\n");
        }

        html.Append("</ul>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendTable(StringBuilder html, BenchReport report)
    {
        html.Append("<table>\n<tr>");
        foreach (var header in BenchTable.Headers)
        {
            html.Append("<th>").Append(Encode(header)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var row in BenchTable.Rows(report))
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Length; c++)
            {
                html.Append(c < BenchTable.TextColumns ? "<td>" : "<td class=\"n\">").Append(Encode(row[c])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    /// <summary>
    /// Horizontal bars, one group per profile, one bar per series, each labelled with its value. When the values span
    /// more than <see cref="LogScaleSpread"/> times (acks=all next to acks=0), the scale is logarithmic with a line per
    /// decade, so the short bars stay visible.
    /// </summary>
    private static void AppendChart(
        StringBuilder html,
        string title,
        IReadOnlyList<ProfileResult> results,
        IReadOnlyList<(string Name, string Color, Func<ProfileResult, double> Value)> series,
        Func<double, string> format,
        string unit)
    {
        var values = results.SelectMany(r => series.Select(s => s.Value(r))).Where(static v => !double.IsNaN(v) && v > 0).ToList();
        var max = values.Count == 0 ? 1 : values.Max();
        var min = values.Count == 0 ? 1 : values.Min();
        var log = max / min > LogScaleSpread;
        var low = log ? Math.Pow(10, Math.Floor(Math.Log10(min))) : 0;
        var high = log ? Math.Pow(10, Math.Ceiling(Math.Log10(max))) : max;
        var barArea = ChartWidth - LabelWidth - ValueWidth;
        double Width(double v) => double.IsNaN(v) || v <= 0
            ? 0
            : Math.Max(1, log ? (Math.Log10(v) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)) * barArea : v / high * barArea);

        html.Append("<h2>").Append(Encode(title)).Append(log ? " (log scale)" : "").Append("</h2>\n");
        var groupHeight = (series.Count * (BarHeight + 4)) + 14;
        var legendHeight = series.Count > 1 || log ? 24 : 0;
        var height = legendHeight + (results.Count * groupHeight) + (log ? 20 : 4);
        html.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{ChartWidth}\" height=\"{height}\" role=\"img\" aria-label=\"{Encode(title)}\">\n");
        if (log)
        {
            for (var decade = low; decade <= high * 1.0001; decade *= 10)
            {
                var x = LabelWidth + Width(decade);
                html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:0.#}\" y1=\"20\" x2=\"{x:0.#}\" y2=\"{height}\" stroke=\"#ddd\"/><text x=\"{x + 2:0.#}\" y=\"{height - 2}\" fill=\"#888\">{Encode(decade.ToString("#,0.###", CultureInfo.InvariantCulture) + unit)}</text>\n");
            }
        }

        if (series.Count > 1)
        {
            var x = LabelWidth;
            foreach (var (name, color, _) in series)
            {
                html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{x + 16}\" y=\"15\">{Encode(name)}</text>\n");
                x += 70;
            }
        }

        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i];
            var top = legendHeight + (i * groupHeight);
            var label = $"{result.Profile} (acks={result.Acks})";
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{top + BarHeight}\">{Encode(label)}</text>\n");
            for (var s = 0; s < series.Count; s++)
            {
                var (name, color, value) = series[s];
                var v = value(result);
                var y = top + (s * (BarHeight + 4));
                var width = Width(v);
                html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y + 4}\" width=\"{width:0.#}\" height=\"{BarHeight}\" fill=\"{color}\"><title>{Encode($"{result.Profile} {name}: {format(v)}{unit}")}</title></rect>")
                    .Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + width + 6:0.#}\" y=\"{y + BarHeight}\">{Encode(format(v) + unit)}</text>\n");
            }
        }

        html.Append("</svg>\n");
    }

    private static void Paragraph(StringBuilder html, string text) => html.Append("<p>").Append(Encode(text)).Append("</p>\n");

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
