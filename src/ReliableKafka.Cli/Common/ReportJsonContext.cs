using System.Text.Json.Serialization;
using ReliableKafka.Cli.Advise;
using ReliableKafka.Cli.Bench;
using ReliableKafka.Cli.Dlq;
using ReliableKafka.Cli.Lint;
using ReliableKafka.Cli.Outbox;

namespace ReliableKafka.Cli.Common;

/// <summary>The contracts of rk's JSON documents (docs/schemas/*.schema.json), serialized by source generation.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(LintDocument))]
[JsonSerializable(typeof(LintErrorDocument))]
[JsonSerializable(typeof(AdviceDocument))]
[JsonSerializable(typeof(BenchDocument))]
[JsonSerializable(typeof(DlqErrorDocument))]
[JsonSerializable(typeof(DlqListDocument))]
[JsonSerializable(typeof(DlqShowDocument))]
[JsonSerializable(typeof(DlqReplayDocument))]
[JsonSerializable(typeof(OutboxListDocument))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
