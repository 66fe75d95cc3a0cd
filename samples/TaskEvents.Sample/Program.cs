// Publishes the Task API's task.created event with the Critical profile and prints its outcome.
// With no Kafka:BootstrapServers configured, it runs against librdkafka's in-process mock cluster (3 brokers).
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReliableKafka;
using ReliableKafka.DeadLetters.Sqlite;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var embedded = string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]);
if (embedded)
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Kafka:BootstrapServers"] = "127.0.0.1:9092",
        ["Kafka:Settings:test.mock.num.brokers"] = "3",
        ["Kafka:DeadLetters:SpillPath"] = Path.Combine(Path.GetTempPath(), "reliablekafka-sample-spill.db"),
    });
}

builder.Services.AddReliableKafka(builder.Configuration);
builder.Services.AddReliableKafkaSqliteSpill();
using var host = builder.Build();
await host.StartAsync();

var producer = host.Services.GetRequiredService<ReliableProducer<string, string>>();
var taskId = Guid.NewGuid().ToString();
var eventId = Guid.CreateVersion7().ToString();
var value = JsonSerializer.Serialize(new Dictionary<string, string>
{
    ["event_type"] = "task.created",
    ["event_id"] = eventId,
    ["task_id"] = taskId,
    ["title"] = args.FirstOrDefault(static a => !a.StartsWith('-')) ?? "Write the quarterly report",
    ["created_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
});
var headers = new Headers { { "event-id", Encoding.UTF8.GetBytes(eventId) } };

if (embedded)
{
    Console.WriteLine("No Kafka:BootstrapServers configured: publishing to librdkafka's in-process mock cluster.");
}

var outcome = await producer.PublishAsync("task-events", taskId, value, headers);
Console.WriteLine(outcome.IsDelivered
    ? $"Delivered to {outcome.Topic} [{outcome.Partition}] @ {outcome.Offset}"
    : outcome.ToString());

await host.StopAsync();
return outcome.IsDelivered ? 0 : 1;
