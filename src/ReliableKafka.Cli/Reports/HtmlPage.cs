using System.Globalization;
using System.Net;
using System.Text;

namespace ReliableKafka.Cli.Reports;

/// <summary>
/// The layout of rk's HTML reports (<c>rk audit --html</c>, <c>rk bench --html</c>): one self-contained page with
/// one stylesheet inline, SVG charts, no script, nothing fetched.
/// </summary>
internal static class HtmlPage
{
    /// <summary>The one stylesheet of rk's reports.</summary>
    public const string Style = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; }
        h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
        .meta { color: #59636e; } .banner { padding: .8rem 1rem; border-radius: 6px; font-weight: 600; margin: 1rem 0; }
        .banner.ok { background: #dafbe1; color: #116329; } .banner.bad { background: #ffebe9; color: #a40e26; border: 2px solid #cf222e; }
        .banner.warn { background: #fff8c5; color: #7d4e00; border: 2px solid #d4a72c; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; margin: 1rem 0; }
        th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; } td.num, td.n { text-align: right; }
        .pass, .ok { color: #116329; font-weight: 600; } .expected { color: #9a6700; font-weight: 600; }
        .unexpected, .error { color: #fff; background: #cf222e; font-weight: 700; } .skipped { color: #59636e; }
        .forbidden, .fail { color: #cf222e; font-weight: 700; } .allowed { color: #9a6700; font-weight: 600; }
        .critical-mark { color: #0969da; font-weight: 700; }
        ul { margin: .2rem 0 .6rem; } li.unexpected-reason { color: #cf222e; font-weight: 700; background: none; }
        .run { margin-bottom: 1.2rem; } .run h3 { font-size: 1rem; margin: .8rem 0 .2rem; }
        code { font-size: 12px; background: #f6f8fa; padding: 0 .2rem; } .legend span { margin-right: .3rem; }
        svg text { font: 12px system-ui, sans-serif; fill: #1f2328; } svg .group { font-weight: 700; } svg .muted { fill: #59636e; }
        """;

    /// <summary>Starts a page: the head with <paramref name="title"/> and the stylesheet, and the body.</summary>
    public static StringBuilder Begin(string title) => new StringBuilder()
        .Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .Append("<title>").Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");

    /// <summary>Ends the page and returns it.</summary>
    public static string End(StringBuilder html) => html.Append("</body>\n</html>\n").ToString();

    /// <summary>Text as HTML: &lt;, &gt;, &amp; and quotes escaped.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A number as the JSON reports write it (invariant culture, shortest round-trip form).</summary>
    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static void Paragraph(StringBuilder html, string text, string? cssClass = null) =>
        html.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(Encode(text)).Append("</p>\n");
}
