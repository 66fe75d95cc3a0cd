using System.Text;
using ReliableKafka.Cli.Reports;

namespace ReliableKafka.Cli.Bench;

/// <summary>
/// The <c>rk bench --html</c> page (the layout and stylesheet of <see cref="HtmlPage"/>): what was measured, the
/// table, and bar charts of p50/p99 latency and of throughput per profile.
/// </summary>
internal static class BenchHtml
{
    private static readonly BarSeries P50 = new("p50", "#0969da");
    private static readonly BarSeries P99 = new("p99", "#8cc2ff");
    private static readonly BarSeries Throughput = new("msg/s", "#1a7f37");

    public static string Write(BenchReport report)
    {
        var html = HtmlPage.Begin("rk bench").Append("<h1>rk bench</h1>\n");
        HtmlPage.Paragraph(html, BenchNotes.Cluster(report.Target), "meta");
        if (BenchNotes.Simulated(report.Target) is { } simulated)
        {
            HtmlPage.Paragraph(html, simulated, "meta");
        }

        HtmlPage.Paragraph(html, BenchNotes.Workload(report.Workload, report.Results.Count), "meta");
        AppendTable(html, report);
        HtmlPage.Paragraph(html, BenchNotes.Shape(report.Shape, report.Target), report.Shape.Fails ? "fail" : report.Shape.Holds ? "ok" : null);

        Chart(html, "latency-chart", "Latency (ms): p50 and p99", report, [P50, P99], static r => [r.P50, r.P99], BenchFormat.Ms, " ms");
        Chart(html, "throughput-chart", "Throughput (messages/s)", report, [Throughput], static r => [r.MessagesPerSecond], BenchFormat.Rate, "/s");

        html.Append("<h2>What the numbers mean</h2>\n<ul>\n");
        foreach (var note in BenchNotes.Latency(report.Workload))
        {
            html.Append("<li>").Append(HtmlPage.Encode(note)).Append("</li>\n");
        }

        html.Append("</ul>\n");
        return HtmlPage.End(html);
    }

    private static void AppendTable(StringBuilder html, BenchReport report)
    {
        html.Append("<table>\n<tr>");
        foreach (var header in BenchTable.Headers)
        {
            html.Append("<th>").Append(HtmlPage.Encode(header)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var row in BenchTable.Rows(report))
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Length; c++)
            {
                html.Append(c < BenchTable.TextColumns ? "<td>" : "<td class=\"n\">").Append(HtmlPage.Encode(row[c])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    /// <summary>One row per profile, one bar per series; tooltips read <c>Critical p50: 12.3 ms</c>.</summary>
    private static void Chart(
        StringBuilder html, string id, string title, BenchReport report, BarSeries[] series, Func<ProfileResult, double?[]> values, Func<double, string> format, string unit)
    {
        var rows = report.Results.Select(r => new BarRow($"{r.Profile} (acks={r.Acks})", values(r))).ToList();
        var profiles = report.Results.ToDictionary(static r => $"{r.Profile} (acks={r.Acks})", static r => r.Profile.ToString());
        var chart = new StringBuilder();
        var log = HtmlBarChart.Append(chart, id, title, series, [new BarGroup(null, rows)], v => format(v) + unit, (row, s, v) => $"{profiles[row.Label]} {s.Name}: {format(v)}{unit}");
        html.Append("<h2>").Append(HtmlPage.Encode(title)).Append(log ? " (log scale)" : "").Append("</h2>\n").Append(chart);
    }
}
