using System.Text.Json;

namespace ReliableKafka.Audit.Tests.Results;

public sealed class AuditJsonTests
{
    private static AuditReport Sample() => new()
    {
        RunId = "r1",
        Target = "simulator",
        StartedAt = DateTimeOffset.UnixEpoch,
        Results =
        [
            new AuditRunResult
            {
                Scenario = ScenarioIds.LeaderCrash,
                Configuration = "acks1",
                Verdict = Verdict.Expected,
                Expected = new ExpectedBehaviour(Expectation.Expected, Expectation.Possible, Expectation.Possible, "why"),
                Counts = new AuditCounts { Sent = 10, Acknowledged = 10, Lost = 2 },
                Lost = [new LostRecord(4, "key-4", 0, 812)],
                Explanations = [new Explanation("lost", 0, 812, 813, 2, "offsets 812-813 truncated when broker 2 became leader in epoch 4", [7, 9])],
            },
        ],
        Summary = new AuditSummary(1, 0, 1, 0, 0, 0),
    };

    [Fact]
    public void The_report_is_camel_case_with_enums_as_strings_and_no_nulls()
    {
        using var json = JsonDocument.Parse(AuditJson.Serialize(Sample()));
        var root = json.RootElement;

        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        var result = root.GetProperty("results")[0];
        Assert.Equal("expected", result.GetProperty("verdict").GetString());
        Assert.Equal("expected", result.GetProperty("expected").GetProperty("loss").GetString());
        Assert.Equal(2, result.GetProperty("counts").GetProperty("lost").GetInt64());
        Assert.Equal(812, result.GetProperty("lost")[0].GetProperty("offset").GetInt64());
        Assert.Equal("offsets 812-813 truncated when broker 2 became leader in epoch 4", result.GetProperty("explanations")[0].GetProperty("text").GetString());
        Assert.False(result.TryGetProperty("error", out _));
        Assert.Equal(1, root.GetProperty("summary").GetProperty("expected").GetInt32());
    }

    [Fact]
    public void A_report_reads_back_as_written()
    {
        var report = Sample();

        var back = AuditJson.Deserialize(AuditJson.Serialize(report));

        Assert.Equal(report.Results[0].Counts, back.Results[0].Counts);
        Assert.Equal(report.Results[0].Lost, back.Results[0].Lost);
        Assert.Equal(report.Summary, back.Summary);
        Assert.Equal(Verdict.Expected, back.Results[0].Verdict);
    }
}
