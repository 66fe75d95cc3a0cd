using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using ReliableKafka;
using TaskApi.Hosting;

namespace TaskApi.Analytics;

/// <summary>
/// One sample per request (method, route, status, duration) on <c>task-metrics</c> with the Metrics profile (acks=0):
/// high volume, and losing some is fine.
/// </summary>
public static class RequestMetricsSamples
{
    public static IApplicationBuilder UseRequestMetricsSamples(this IApplicationBuilder app)
    {
        // Resolved at the first request, after the options were validated at start-up.
        var services = app.ApplicationServices;
        var producer = new Lazy<ReliableProducer<string, string>>(() => services.GetRequiredKeyedService<ReliableProducer<string, string>>(ReliabilityProfile.Metrics));
        var topic = new Lazy<string>(() => services.GetRequiredService<IOptions<TaskApiOptions>>().Value.Topics.Metrics);
        var time = services.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var sample = new RequestSample(
                    context.Request.Method,
                    route,
                    context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    time.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
                producer.Value.Publish(topic.Value, route, JsonSerializer.Serialize(sample, AnalyticsJsonContext.Default.RequestSample));
            }
        });
    }
}
