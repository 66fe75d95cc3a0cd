namespace TaskApi.Hosting;

/// <summary>The defaults that make <c>dotnet run --project src/TaskApi</c> work on a fresh machine.</summary>
internal static class TaskApiDefaultsExtensions
{
    /// <summary>
    /// Listens on http://127.0.0.1:5080 unless --urls, URLS/ASPNETCORE_URLS or Kestrel:Endpoints say otherwise; limits
    /// request bodies; creates the data directory and puts the dead-letter spill in it unless configured.
    /// </summary>
    public static WebApplicationBuilder UseTaskApiDefaults(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrWhiteSpace(configuration["urls"]) && !configuration.GetSection("Kestrel:Endpoints").Exists()
            && string.IsNullOrWhiteSpace(configuration["http_ports"]) && string.IsNullOrWhiteSpace(configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(TaskApiDefaults.Url);
        }

        var options = configuration.GetSection(TaskApiOptions.SectionName).Get<TaskApiOptions>() ?? new TaskApiOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });

        if (!string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            Directory.CreateDirectory(options.DataPath);
            if (string.IsNullOrWhiteSpace(configuration["Kafka:DeadLetters:SpillPath"]))
            {
                configuration.AddInMemoryCollection([new("Kafka:DeadLetters:SpillPath", Path.Combine(options.DataPath, "dead-letters.db"))]);
            }
        }

        return builder;
    }

    /// <summary>
    /// Validates every option set registered with ValidateOnStart (the service's and the Kafka producers') before any
    /// service is built, so one failure lists every problem of every section.
    /// </summary>
    public static WebApplication ValidateOptionsNow(this WebApplication app)
    {
        app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        return app;
    }
}
