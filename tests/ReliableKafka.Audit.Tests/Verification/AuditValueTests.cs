using ReliableKafka.Audit.Workload;

namespace ReliableKafka.Audit.Tests.Verification;

public sealed class AuditValueTests
{
    [Fact]
    public void A_value_carries_run_producer_key_and_sequence()
    {
        var value = AuditValue.Format("run1", "rk-audit-run1-01", "key-3", 42);

        Assert.Equal("rka1|run1|rk-audit-run1-01|key-3|42", value);
        Assert.True(AuditValue.TryParse(value, "run1", out var key, out var sequence));
        Assert.Equal(("key-3", 42L), (key, sequence));
    }

    [Fact]
    public void A_padded_value_parses_and_has_the_length_asked_for()
    {
        var value = AuditValue.Format("run1", "p", "key-0", 7, padTo: 1000);

        Assert.Equal(1000, value.Length);
        Assert.True(AuditValue.TryParse(value, "run1", out _, out var sequence));
        Assert.Equal(7, sequence);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("hello")]
    [InlineData("rka1|other|p|k|1")]
    [InlineData("rka1|run1|p|k|x")]
    public void Other_values_do_not_parse(string? value) => Assert.False(AuditValue.TryParse(value, "run1", out _, out _));
}
