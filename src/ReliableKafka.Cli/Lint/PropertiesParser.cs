using System.Globalization;
using System.Text;

namespace ReliableKafka.Cli.Lint;

/// <summary>
/// Parses Java .properties text: <c>key=value</c> or <c>key: value</c> lines, <c>#</c> and <c>!</c> comments,
/// a trailing backslash continues a line, escapes (<c>\t</c>, <c>\n</c>, <c>\uXXXX</c>, <c>\=</c> ...).
/// Stricter than Java on purpose: a line without <c>=</c> or <c>:</c> is an error, so a file that is not
/// a properties file is reported instead of read as keys without values.
/// </summary>
internal static class PropertiesParser
{
    /// <summary>Parses <paramref name="text"/> into its properties, in file order (a repeated key appears twice; the last wins).</summary>
    /// <exception cref="ConfigReadException">A syntax error, with its line and position.</exception>
    public static List<KeyValuePair<string, string?>> Parse(string text)
    {
        var result = new List<KeyValuePair<string, string?>>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var startLine = i + 1;
            var line = lines[i];
            var start = SkipWhitespace(line, 0);
            if (start == line.Length || line[start] is '#' or '!')
            {
                continue;
            }

            // Join continuation lines (an odd number of trailing backslashes), remembering where each piece came from.
            var logical = new StringBuilder(line[start..]);
            var origins = new List<(int Offset, int Line, int Column)> { (0, startLine, start + 1) };
            while (EndsWithContinuation(logical) && i + 1 < lines.Length)
            {
                logical.Length--;
                i++;
                var next = lines[i];
                var skip = SkipWhitespace(next, 0);
                origins.Add((logical.Length, i + 1, skip + 1));
                logical.Append(next, skip, next.Length - skip);
            }

            if (EndsWithContinuation(logical))
            {
                logical.Length--;
            }

            result.Add(ParseEntry(logical.ToString(), origins));
        }

        return result;
    }

    private static KeyValuePair<string, string?> ParseEntry(string entry, List<(int Offset, int Line, int Column)> origins)
    {
        var key = new StringBuilder();
        var position = 0;
        while (position < entry.Length && entry[position] is not ('=' or ':') && !char.IsWhiteSpace(entry[position]))
        {
            position = Unescape(entry, position, key, origins);
        }

        var afterKey = SkipWhitespace(entry, position);
        if (afterKey == entry.Length || entry[afterKey] is not ('=' or ':'))
        {
            var (line, column) = Locate(afterKey, origins);
            throw new ConfigReadException($"line {line}, position {column}: expected '=' after the property name (key=value).", line, column);
        }

        if (key.Length == 0)
        {
            var (line, column) = Locate(afterKey, origins);
            throw new ConfigReadException($"line {line}, position {column}: the property name before '=' is empty.", line, column);
        }

        position = SkipWhitespace(entry, afterKey + 1);
        var value = new StringBuilder();
        while (position < entry.Length)
        {
            position = Unescape(entry, position, value, origins);
        }

        return new(key.ToString(), value.ToString());
    }

    /// <summary>Appends the character at <paramref name="position"/> (resolving an escape) and returns the next position.</summary>
    private static int Unescape(string entry, int position, StringBuilder into, List<(int Offset, int Line, int Column)> origins)
    {
        var c = entry[position];
        if (c != '\\')
        {
            into.Append(c);
            return position + 1;
        }

        if (position + 1 == entry.Length)
        {
            return position + 1;
        }

        var escaped = entry[position + 1];
        switch (escaped)
        {
            case 't': into.Append('\t'); return position + 2;
            case 'n': into.Append('\n'); return position + 2;
            case 'r': into.Append('\r'); return position + 2;
            case 'f': into.Append('\f'); return position + 2;
            case 'u':
                if (position + 6 > entry.Length
                    || !int.TryParse(entry.AsSpan(position + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    var (line, column) = Locate(position, origins);
                    throw new ConfigReadException($"line {line}, position {column}: malformed \\uXXXX escape (four hexadecimal digits expected).", line, column);
                }

                into.Append((char)code);
                return position + 6;
            default:
                into.Append(escaped);
                return position + 2;
        }
    }

    private static (int Line, int Column) Locate(int offset, List<(int Offset, int Line, int Column)> origins)
    {
        var origin = origins[0];
        foreach (var candidate in origins)
        {
            if (candidate.Offset <= offset)
            {
                origin = candidate;
            }
        }

        return (origin.Line, origin.Column + offset - origin.Offset);
    }

    private static bool EndsWithContinuation(StringBuilder text)
    {
        var backslashes = 0;
        for (var i = text.Length - 1; i >= 0 && text[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static int SkipWhitespace(string text, int from)
    {
        while (from < text.Length && text[from] is ' ' or '\t' or '\f')
        {
            from++;
        }

        return from;
    }
}
