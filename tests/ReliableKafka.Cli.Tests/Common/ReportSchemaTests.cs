using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using ReliableKafka.Audit;
using ReliableKafka.Cli.Advise;
using ReliableKafka.Cli.Bench;
using ReliableKafka.Cli.Common;
using ReliableKafka.Cli.Dlq;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Cli.Outbox;

namespace ReliableKafka.Cli.Tests.Common;

/// <summary>
/// Each JSON document rk writes has its schema in docs/schemas, exported from the contract the serializer uses; a
/// contract that changes without its schema fails here. <c>RK_WRITE_SCHEMAS=1</c> rewrites the files.
/// </summary>
public sealed class ReportSchemaTests
{
    public static TheoryData<string, string> Documents => new()
    {
        { "audit", "The audit report: rk audit --json FILE." },
        { "bench", "rk bench --json." },
        { "lint", "rk lint --json, for a file that was read." },
        { "lint-error", "rk lint --json, for a file that could not be read (exit code 2)." },
        { "advise", "rk advise --json." },
        { "dlq-list", "rk dlq list --json." },
        { "dlq-show", "rk dlq show --json." },
        { "dlq-replay", "rk dlq replay --json." },
        { "dlq-error", "rk dlq list|show|replay --json, when the command fails (exit 1 or 2)." },
        { "outbox-list", "rk outbox list --json: the backlog and the dead events that hold back their keys." },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void The_schema_in_docs_is_the_contract_the_document_is_written_with(string name, string title)
    {
        var (options, type) = Contract(name);
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(options, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = title,
        };
        foreach (var (key, value) in schema.AsObject().ToList())
        {
            schema.AsObject().Remove(key);
            document[key] = value;
        }

        var expected = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var path = Path.Combine(ExternalTool.RepositoryRoot, "docs", "schemas", name + ".schema.json");
        if (Environment.GetEnvironmentVariable("RK_WRITE_SCHEMAS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run this test with RK_WRITE_SCHEMAS=1 to write it.");
        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_lint_document_has_every_property_its_schema_lists()
    {
        using var files = new TempFiles();
        var file = files.Write("producer.properties", "acks=all\nenable.idempotence=true\nmax.in.flight.requests.per.connection=10\n");

        var run = await RkInProcess.RunAsync("lint", file, "--json", "--profile", "Critical");

        Assert.Equal(1, run.ExitCode);
        AssertHasSchemaProperties("lint", JsonNode.Parse(run.Stdout)!);
    }

    [Fact]
    public async Task An_advise_document_has_every_property_its_schema_lists()
    {
        var run = await RkInProcess.RunAsync(
            "advise", "--loss-impact", "critical", "--latency-ms", "100", "--brokers", "2", "--peak-rate", "2000", "--consumers-deduplicate", "no", "--json");

        Assert.Equal(0, run.ExitCode);
        AssertHasSchemaProperties("advise", JsonNode.Parse(run.Stdout)!);
    }

    [Fact]
    public async Task An_outbox_list_document_has_every_property_its_schema_lists()
    {
        await using var outbox = await ReliableKafka.Cli.Tests.Outbox.BlockedOutbox.CreateAsync("sqlite");

        var run = await outbox.RkAsync("outbox", "list", "--json");

        Assert.Equal(1, run.ExitCode);
        AssertHasSchemaProperties("outbox-list", JsonNode.Parse(run.Stdout)!);
    }

    private static (JsonSerializerOptions Options, Type Type) Contract(string name) => name switch
    {
        "audit" => (AuditJson.Options, typeof(AuditReport)),
        "bench" => (ReportJson.Options, typeof(BenchDocument)),
        "lint" => (ReportJson.Options, typeof(LintDocument)),
        "lint-error" => (ReportJson.Options, typeof(LintErrorDocument)),
        "advise" => (ReportJson.Options, typeof(AdviceDocument)),
        "dlq-list" => (ReportJson.Options, typeof(DlqListDocument)),
        "dlq-show" => (ReportJson.Options, typeof(DlqShowDocument)),
        "dlq-replay" => (ReportJson.Options, typeof(DlqReplayDocument)),
        "dlq-error" => (ReportJson.Options, typeof(DlqErrorDocument)),
        "outbox-list" => (ReportJson.Options, typeof(OutboxListDocument)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    /// <summary>Every property the checked-in schema lists for an object is in <paramref name="document"/>'s object, recursively.</summary>
    private static void AssertHasSchemaProperties(string name, JsonNode document)
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ExternalTool.RepositoryRoot, "docs", "schemas", name + ".schema.json")))!;
        Check(schema, document, "$");

        static void Check(JsonNode schema, JsonNode? value, string path)
        {
            if (value is JsonObject obj && schema["properties"] is JsonObject properties)
            {
                foreach (var (property, propertySchema) in properties)
                {
                    Assert.True(obj.ContainsKey(property), $"{path}.{property} is in the schema but not in the document");
                    Check(propertySchema!, obj[property], $"{path}.{property}");
                }
            }
            else if (value is JsonArray array && schema["items"] is JsonNode items)
            {
                foreach (var item in array)
                {
                    Check(items, item, path + "[]");
                }
            }
        }
    }
}
