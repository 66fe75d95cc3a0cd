using System.Globalization;
using System.Text;
using ReliableKafka.Audit;
using ReliableKafka.Cli.Reports;

namespace ReliableKafka.Cli.Audit;

/// <summary>
/// The HTML form of an audit report: one self-contained page (inline CSS and SVG, no script, nothing fetched) with a
/// summary, the results table, a chart of p50/p99 latency and one of lost, duplicated and reordered records by scenario
/// and configuration, every reason and explanation, and the configurations. Numbers are written as the JSON report
/// writes them.
/// </summary>
internal static class AuditHtml
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(AuditReport report)
    {
        var critical = report.Configurations.Where(static c => c.IsCritical).Select(static c => c.Id).ToHashSet(StringComparer.Ordinal);
        var target = report.Target == "simulator" ? "the simulated cluster" : $"the cluster at {report.BootstrapServers}";
        var html = HtmlPage.Begin("rk audit " + report.RunId);

        html.Append("<h1>ReliableKafka reliability audit</h1>\n<p class=\"meta\">Run <code>").Append(E(report.RunId)).Append("</code> on ").Append(E(target))
            .Append(", started ").Append(E(report.StartedAt.ToString("u", Invariant))).Append(", ").Append(N(Math.Round(report.DurationMs / 1000, 1))).Append(" s")
            .Append(report.Quick ? ", quick matrix" : "").Append(report.FaultCommand is { } command ? $", fault command <code>{E(command)}</code>" : "").Append(".</p>\n");
        Summary(html, report);
        Results(html, report, critical);
        LatencyChart(html, report, critical);
        AnomalyChart(html, report, critical);
        Details(html, report);
        ConfigurationsSection(html, report);
        return HtmlPage.End(html);
    }

    private static void Summary(StringBuilder html, AuditReport report)
    {
        var s = report.Summary;
        html.Append("<section id=\"summary\">\n<h2>Summary</h2>\n");
        if (report.CriticalViolation)
        {
            var runs = string.Join(", ", report.Results.Where(static r => r.CriticalViolation).Select(static r => $"{r.Scenario} × {r.Configuration}"));
            html.Append("<div class=\"banner bad\" id=\"verdict\">CRITICAL VIOLATION: a configuration marked Critical lost, duplicated or reordered records where Kafka promises it won't (")
                .Append(E(runs)).Append(").</div>\n");
        }
        else if (s.Unexpected + s.Error > 0)
        {
            html.Append("<div class=\"banner warn\" id=\"verdict\">UNEXPECTED: configurations marked Critical kept Kafka's promises, but ")
                .Append(N(s.Unexpected)).Append(" run(s) disagree with the expectations and ").Append(N(s.Error)).Append(" could not be carried out. See the reasons below.</div>\n");
        }
        else
        {
            html.Append("<div class=\"banner ok\" id=\"verdict\">Every run is as Kafka promises: configurations marked Critical lost, duplicated and reordered nothing where Kafka promises they won't.</div>\n");
        }

        html.Append("<table id=\"summary-counts\"><tr><th>runs</th><th>pass</th><th>expected</th><th>unexpected</th><th>skipped</th><th>error</th></tr>\n<tr>")
            .Append(Td(s.Runs)).Append(Td(s.Pass)).Append(Td(s.Expected)).Append(Td(s.Unexpected)).Append(Td(s.Skipped)).Append(Td(s.Error))
            .Append("</tr></table>\n</section>\n");
    }

    private static void Results(StringBuilder html, AuditReport report, HashSet<string> critical)
    {
        html.Append("<section id=\"results\">\n<h2>Results</h2>\n<table id=\"results-table\">\n<thead><tr><th>scenario</th><th>configuration</th><th>verdict</th>")
            .Append("<th>sent</th><th>acked</th><th>failed</th><th>lost</th><th>duplicated</th><th>reordered</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th><th>msgs/s</th></tr></thead>\n<tbody>\n");
        foreach (var r in report.Results)
        {
            html.Append("<tr data-scenario=\"").Append(E(r.Scenario)).Append("\" data-configuration=\"").Append(E(r.Configuration)).Append("\">")
                .Append("<td>").Append(E(r.Scenario)).Append("</td><td>").Append(E(r.Configuration)).Append(critical.Contains(r.Configuration) ? " <span class=\"critical-mark\" title=\"marked Critical\">*</span>" : "").Append("</td>")
                .Append("<td class=\"verdict ").Append(VerdictClass(r.Verdict)).Append("\">").Append(VerdictText(r)).Append("</td>");
            if (r.Counts is { } c)
            {
                html.Append(Td(c.Sent, "sent")).Append(Td(c.Acknowledged, "acked")).Append(Td(c.Failed, "failed"))
                    .Append(Anomaly(c.Lost, r.Expected?.Loss, "lost")).Append(Anomaly(c.Duplicated, r.Expected?.Duplication, "duplicated")).Append(Anomaly(c.Reordered, r.Expected?.Reordering, "reordered"))
                    .Append(Td(r.Latency?.P50Ms, "p50")).Append(Td(r.Latency?.P99Ms, "p99")).Append(Td(r.Latency?.MaxMs, "max")).Append(Td(r.ThroughputPerSecond, "throughput"));
            }
            else
            {
                html.Append("<td colspan=\"10\" class=\"skipped\">").Append(E(r.SkipReason ?? r.Error ?? "")).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n<p class=\"legend\"><span class=\"critical-mark\">*</span> marked Critical (acks=all with idempotence, passes the Critical rules). ")
            .Append("Counts in <span class=\"forbidden\">red</span>: Kafka promises it won't happen there; in <span class=\"allowed\">amber</span>: allowed there.</p>\n")
            .Append("<p class=\"legend\"><span class=\"pass\">pass</span> nothing lost, duplicated or reordered, as Kafka promises. ")
            .Append("<span class=\"expected\">expected</span> an anomaly Kafka allows for this configuration here. ")
            .Append("<span class=\"unexpected\">UNEXPECTED</span> the run disagrees with Kafka's semantics (a forbidden anomaly, or a predicted one that did not happen). ")
            .Append("<span class=\"skipped\">skipped</span> the cluster cannot apply the scenario's faults. <span class=\"error\">ERROR</span> the run could not be carried out.</p>\n</section>\n");
    }

    private static void LatencyChart(StringBuilder html, AuditReport report, HashSet<string> critical)
    {
        html.Append("<section id=\"latency\">\n<h2>Latency by configuration</h2>\n<p class=\"meta\">Send-to-acknowledgement latency of the acknowledged messages, p50 (dark) and p99 (light), per scenario; logarithmic when the values span more than 20 times.</p>\n");
        Chart(html, "latency-chart", "Latency by configuration", report, critical, [new("p50", "#0969da"), new("p99", "#8cc2ff")], static r => [r.Latency?.P50Ms, r.Latency?.P99Ms], " ms");
        html.Append("</section>\n");
    }

    private static void AnomalyChart(StringBuilder html, AuditReport report, HashSet<string> critical)
    {
        html.Append("<section id=\"anomalies\">\n<h2>Lost and duplicated records by configuration and scenario</h2>\n<p class=\"meta\">Lost (red), duplicated (amber) and reordered (purple) records per run; logarithmic when the values span more than 20 times.</p>\n");
        Chart(html, "anomaly-chart", "Lost, duplicated and reordered records", report, critical, [new("lost", "#cf222e"), new("duplicated", "#d4a72c"), new("reordered", "#8250df")], static r => [r.Counts?.Lost, r.Counts?.Duplicated, r.Counts?.Reordered], "");
        html.Append("</section>\n");
    }

    /// <summary>A group per scenario, a row per configuration, a bar per series; a run without counts shows its verdict, one with only zeros says so.</summary>
    private static void Chart(StringBuilder html, string id, string title, AuditReport report, HashSet<string> critical, BarSeries[] series, Func<AuditRunResult, double?[]> values, string unit)
    {
        var runs = new Dictionary<BarRow, AuditRunResult>(ReferenceEqualityComparer.Instance);
        var groups = report.Results.GroupBy(static r => r.Scenario).Select(g => new BarGroup(g.Key, [.. g.Select(r =>
        {
            var v = values(r);
            var note = r.Counts is null ? r.Verdict.ToString().ToLowerInvariant()
                : v.All(static x => (x ?? 0) == 0) ? string.Join(", ", series.Select(static s => "0 " + s.Name))
                : null;
            var row = new BarRow(critical.Contains(r.Configuration) ? r.Configuration + " *" : r.Configuration, v, note);
            runs[row] = r;
            return row;
        })])).ToList();
        HtmlBarChart.Append(html, id, title, series, groups, v => N(v) + unit, (row, s, v) => $"{runs[row].Scenario} × {runs[row].Configuration}: {s.Name} {N(v)}{unit}");
    }

    private static void Details(StringBuilder html, AuditReport report)
    {
        html.Append("<section id=\"details\">\n<h2>Reasons and explanations</h2>\n");
        foreach (var r in report.Results)
        {
            html.Append("<div class=\"run\" data-scenario=\"").Append(E(r.Scenario)).Append("\" data-configuration=\"").Append(E(r.Configuration)).Append("\">\n<h3>")
                .Append(E(r.Scenario)).Append(" × ").Append(E(r.Configuration)).Append(": <span class=\"").Append(VerdictClass(r.Verdict)).Append("\">").Append(VerdictText(r)).Append("</span></h3>\n");
            if (r.Expected is { } expected)
            {
                html.Append("<div class=\"meta\">Kafka's semantics: loss ").Append(Lower(expected.Loss)).Append(", duplication ").Append(Lower(expected.Duplication))
                    .Append(", reordering ").Append(Lower(expected.Reordering)).Append(". ").Append(E(expected.Why)).Append("</div>\n");
            }

            if (r.Error is { } error)
            {
                html.Append("<ul><li class=\"unexpected-reason\">error: ").Append(E(error)).Append("</li></ul>\n");
            }

            if (r.Reasons.Count > 0)
            {
                html.Append("<ul class=\"reasons\">");
                foreach (var reason in r.Reasons)
                {
                    html.Append(reason.StartsWith("UNEXPECTED", StringComparison.Ordinal) ? "<li class=\"unexpected-reason\">" : "<li>").Append(E(reason)).Append("</li>");
                }

                html.Append("</ul>\n");
            }

            if (r.Failures.Count > 0)
            {
                html.Append("<div>Failed sends: ").Append(E(string.Join("; ", r.Failures.Select(static f => string.Create(Invariant, $"{f.Count} {f.Error} ({f.Persistence}; {f.Present} in the log; {f.DeadLettered} dead-lettered)"))))).Append("</div>\n");
            }

            if (r.Explanations.Count > 0)
            {
                html.Append("<ul class=\"explanations\">");
                foreach (var explanation in r.Explanations)
                {
                    html.Append("<li><b>").Append(E(explanation.Kind)).Append("</b> (").Append(N(explanation.Records)).Append(" records): ").Append(E(explanation.Text)).Append("</li>");
                }

                html.Append("</ul>\n");
            }

            if (r.Timeline.Count > 0)
            {
                html.Append("<details><summary>Fault schedule (").Append(N(r.Timeline.Count)).Append(" steps)</summary><ul>");
                foreach (var step in r.Timeline)
                {
                    html.Append("<li>").Append(N(Math.Round(step.AtMs))).Append(" ms: ").Append(E(step.Action)).Append("</li>");
                }

                html.Append("</ul></details>\n");
            }

            html.Append("</div>\n");
        }

        html.Append("</section>\n");
    }

    private static void ConfigurationsSection(StringBuilder html, AuditReport report)
    {
        html.Append("<section id=\"configurations\">\n<h2>Configurations</h2>\n<table><thead><tr><th>id</th><th>marked Critical</th><th>settings</th><th>source</th><th>rule findings</th></tr></thead><tbody>\n");
        foreach (var c in report.Configurations)
        {
            html.Append("<tr><td>").Append(E(c.Id)).Append("</td><td>").Append(c.IsCritical ? "yes" : "no").Append("</td><td><code>")
                .Append(E(string.Join(", ", c.Settings.Select(static p => $"{p.Key}={p.Value}")))).Append("</code></td><td>").Append(E(c.Source)).Append("</td><td>")
                .Append(E(string.Join(" ", c.Findings))).Append("</td></tr>\n");
        }

        html.Append("</tbody></table>\n<h3>Scenarios</h3>\n<ul>");
        foreach (var s in report.Scenarios)
        {
            html.Append("<li><b>").Append(E(s.Id)).Append("</b>: ").Append(E(s.Description)).Append("</li>");
        }

        html.Append("</ul>\n</section>\n");
    }

    private static string VerdictClass(Verdict verdict) => verdict.ToString().ToLowerInvariant();

    private static string VerdictText(AuditRunResult r) => r.Verdict switch
    {
        Verdict.Unexpected when r.CriticalViolation => "UNEXPECTED (critical)",
        Verdict.Unexpected or Verdict.Error => r.Verdict.ToString().ToUpperInvariant(),
        _ => r.Verdict.ToString().ToLowerInvariant(),
    };

    private static string Anomaly(long count, Expectation? expectation, string name)
    {
        var kind = count == 0 ? "" : expectation == Expectation.Forbidden ? " forbidden" : " allowed";
        return $"<td class=\"num {name}{kind}\">{N(count)}</td>";
    }

    private static string Td(long value, string? name = null) => $"<td class=\"num {name}\">{N(value)}</td>";

    private static string Td(double? value, string name) => $"<td class=\"num {name}\">{(value is { } v ? N(v) : "-")}</td>";

    private static string Lower(Expectation expectation) => expectation.ToString().ToLowerInvariant();

    /// <summary>A number as the JSON report writes it (shortest round-trip form, invariant culture).</summary>
    private static string N(double value) => HtmlPage.Number(value);

    private static string N(long value) => value.ToString(Invariant);

    private static string E(string text) => HtmlPage.Encode(text);
}
