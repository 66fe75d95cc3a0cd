using ReliableKafka.Cli.Lint;

namespace ReliableKafka.Cli.Tests.Lint;

public sealed class PropertiesParserTests
{
    [Fact]
    public void Comments_separators_continuations_and_escapes_are_read_as_Java_does()
    {
        var settings = PropertiesParser.Parse("""
            # a comment
            ! another
              acks = all
            linger.ms:5
            bootstrap.servers=kafka-1:9092,\
                              kafka-2:9092
            client.id=a\u0041\tb
            key\=with\:separators=x
            empty=
            """);

        Assert.Equal(
            [
                new("acks", "all"),
                new("linger.ms", "5"),
                new("bootstrap.servers", "kafka-1:9092,kafka-2:9092"),
                new("client.id", "aA\tb"),
                new("key=with:separators", "x"),
                new("empty", ""),
            ],
            settings);
    }

    [Fact]
    public void A_repeated_key_is_kept_twice_in_order()
    {
        var settings = PropertiesParser.Parse("acks=1\r\nacks=all\r\n");

        Assert.Equal(["1", "all"], settings.Select(static s => s.Value));
    }

    [Theory]
    [InlineData("acks=all\nlinger.ms 5\n", 2, 11, "expected '=' after the property name")]
    [InlineData("acks=all\n  garbage\n", 2, 10, "expected '=' after the property name")]
    [InlineData("=all\n", 1, 1, "the property name before '=' is empty")]
    [InlineData("acks=all\nclient.id=a\\u00zz\n", 2, 12, "malformed \\uXXXX escape")]
    [InlineData("a=b\\\n   c\\u12\n", 2, 5, "malformed \\uXXXX escape")]
    public void Syntax_errors_name_the_line_and_position(string text, int line, int position, string message)
    {
        var error = Assert.Throws<ConfigReadException>(() => PropertiesParser.Parse(text));

        Assert.Equal(line, error.Line);
        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"line {line}, position {position}:", error.Message, StringComparison.Ordinal);
    }
}
