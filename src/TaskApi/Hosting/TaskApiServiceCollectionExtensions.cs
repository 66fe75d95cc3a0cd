using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using ReliableKafka;
using ReliableKafka.Consuming;
using ReliableKafka.DeadLetters.Sqlite;
using ReliableKafka.Outbox;
using ReliableKafka.Telemetry;
using TaskApi.Analytics;
using TaskApi.Data;
using TaskApi.Notifications;
using TaskApi.Observability;
using TaskApi.Tasks;

namespace TaskApi.Hosting;

/// <summary>Registers everything the service runs: producers, database, outbox relay, writer, consumer, health and metrics.</summary>
public static partial class TaskApiServiceCollectionExtensions
{
    public static IServiceCollection AddTaskApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TaskApiOptions>().Bind(configuration.GetSection(TaskApiOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TaskApiOptions>, TaskApiOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Kafka: one producer per profile (Critical for task-events, Analytics, Metrics), validated at start-up.
        services.AddReliableKafka(configuration);
        services.AddReliableKafkaSqliteSpill();

        // The database, its tables (created before anything else starts), the outbox relay and the task writer.
        services.AddSingleton(provider => TaskDatabase.Create(
            configuration.GetConnectionString("Tasks"),
            provider.GetRequiredService<IOptions<TaskApiOptions>>().Value,
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => NotificationDatabase.Create(
            configuration.GetConnectionString("Notifications"),
            configuration.GetConnectionString("Tasks"),
            provider.GetRequiredService<IOptions<TaskApiOptions>>().Value));
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton(provider =>
        {
            var options = new OutboxRelayOptions();
            configuration.GetSection("Outbox").Bind(options);
            return new OutboxRelay(
                provider.GetRequiredService<TaskDatabase>().Outbox,
                provider.GetRequiredService<ReliableProducer<string, string>>(),
                options,
                provider.GetRequiredService<ILogger<OutboxRelay>>(),
                provider.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService(static provider => provider.GetRequiredService<OutboxRelay>());
        services.AddSingleton<TaskWriter>();
        services.AddHostedService(static provider => provider.GetRequiredService<TaskWriter>());
        services.AddSingleton<TaskReader>();
        services.AddSingleton<TaskAnalytics>();
        services.AddHostedService<OutboxBacklogMonitor>();
        services.AddHostedService<SqliteCheckpointer>();

        // The notification consumer, when enabled on this instance.
        services.AddSingleton<NotificationHandler>();
        if (configuration.GetValue($"{TaskApiOptions.SectionName}:Notifications:Enabled", true))
        {
            services.AddHostedService(static provider =>
            {
                var options = provider.GetRequiredService<IOptions<TaskApiOptions>>().Value;
                var consumer = new IdempotentConsumerOptions
                {
                    BootstrapServers = provider.GetRequiredService<IOptions<ReliableKafkaOptions>>().Value.BootstrapServers ?? "",
                    GroupId = options.Notifications.GroupId,
                    ConsumerName = "notifications",
                };
                consumer.Topics.Add(options.Topics.TaskEvents);
                foreach (var (key, value) in options.Notifications.ConsumerSettings)
                {
                    consumer.Settings[key] = value;
                }

                var database = provider.GetRequiredService<NotificationDatabase>();
                return new IdempotentConsumer(
                    consumer,
                    database.OpenAsync,
                    provider.GetRequiredService<NotificationHandler>().HandleAsync,
                    provider.GetRequiredService<ILogger<IdempotentConsumer>>(),
                    provider.GetRequiredService<TimeProvider>());
            });
        }

        // HTTP: JSON, ProblemDetails for every error, OpenAPI.
        services.ConfigureHttpJsonOptions(static json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, TaskApiJsonContext.Default));
        services.Configure<RouteHandlerOptions>(static options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails(static problems => problems.CustomizeProblemDetails = ProblemExceptionHandler.ExplainStatus);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi();

        // Health and metrics.
        services.AddSingleton<KafkaHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<KafkaHealthCheck>("kafka")
            .AddCheck<OutboxHealthCheck>("outbox");
        var telemetry = services.AddOpenTelemetry().WithMetrics(static metrics => metrics
            .AddMeter(ReliableKafkaTelemetry.MeterName, TaskApiTelemetry.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddPrometheusExporter());

        // Traces only when an OTLP endpoint is configured (OpenTelemetry's standard variable): the request, the outbox
        // write, the relay's publish and the notification consumer's processing, as one trace.
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.WithTracing(static tracing => tracing
                .AddSource(ReliableKafkaTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>Creates the tables before the relay, the writer and the consumer start.</summary>
    private sealed partial class DatabaseInitializer(TaskDatabase tasks, NotificationDatabase notifications, ILogger<DatabaseInitializer> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await tasks.EnsureCreatedAsync(cancellationToken);
            await notifications.EnsureCreatedAsync(cancellationToken);
            LogReady(logger, tasks.Description, notifications.Kind);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(701, LogLevel.Information, "Tasks database {Database} ready (outbox included); notifications in {NotificationsKind}")]
        private static partial void LogReady(ILogger logger, string database, string notificationsKind);
    }
}
