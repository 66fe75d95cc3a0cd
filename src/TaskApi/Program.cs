// The reference service: a task API whose events are written to an outbox in the same transaction as the task and
// published by a relay. With no Kafka:BootstrapServers configured it starts an in-process simulated cluster.
using TaskApi.Analytics;
using TaskApi.Hosting;
using TaskApi.Notifications;
using TaskApi.Observability;
using TaskApi.Tasks;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.UseTaskApiDefaults();
await using var embeddedKafka = EmbeddedKafka.StartIfUnconfigured(builder);
builder.Services.AddTaskApi(builder.Configuration);

await using var app = builder.Build();
app.ValidateOptionsNow();
app.UseTaskApiErrorHandling();
app.UseRequestMetricsSamples();
app.MapTasksApi();
app.MapNotificationsApi();
app.MapObservabilityApi();
EmbeddedKafka.MapEmbeddedConsole(app);
app.MapOpenApi();
await app.RunAsync();
