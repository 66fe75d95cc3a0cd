using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReliableKafka.DeadLetters;
using ReliableKafka.DependencyInjection;

namespace ReliableKafka;

/// <summary>Registers ReliableKafka producers with dependency injection.</summary>
public static class ReliableKafkaServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ReliableKafkaOptions"/> from <paramref name="configuration"/> (the "Kafka" section, or the
    /// section itself when it has a BootstrapServers key) and registers the producers; see
    /// <see cref="AddReliableKafka(IServiceCollection, Action{ReliableKafkaOptions})"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application configuration or its "Kafka" section.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddReliableKafka(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration[nameof(ReliableKafkaOptions.BootstrapServers)] is null
            ? configuration.GetSection(ReliableKafkaOptions.SectionName)
            : configuration;
        return services.AddReliableKafka(options => section.Bind(options));
    }

    /// <summary>
    /// Registers one <see cref="ReliableProducer{TKey, TValue}"/> of string keys and values per profile, as keyed
    /// singletons (key: the <see cref="ReliabilityProfile"/>), the Critical one also without a key, and a
    /// <see cref="DeadLetterReplayer"/>. Every profile's configuration is validated when the host starts; a
    /// broken one stops the start with an exception that lists every problem.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddReliableKafka(this IServiceCollection services, Action<ReliableKafkaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ReliableKafkaOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReliableKafkaOptions>, ReliableKafkaOptionsValidator>());
        foreach (var profile in Enum.GetValues<ReliabilityProfile>())
        {
            services.TryAddKeyedSingleton(profile, static (provider, key) => Create(provider, (ReliabilityProfile)key!));
        }

        services.TryAddSingleton(static provider => provider.GetRequiredKeyedService<ReliableProducer<string, string>>(ReliabilityProfile.Critical));
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<ReliableKafkaOptions>>().Value;
            return new DeadLetterReplayer(
                options.BootstrapServers!,
                options.DeadLetters,
                options.Settings,
                provider.GetService<ILoggerFactory>()?.CreateLogger<DeadLetterReplayer>());
        });
        return services;
    }

    private static ReliableProducer<string, string> Create(IServiceProvider provider, ReliabilityProfile profile)
    {
        var options = provider.GetRequiredService<IOptions<ReliableKafkaOptions>>().Value;
        var logger = provider.GetService<ILoggerFactory>()?.CreateLogger("ReliableKafka.ReliableProducer." + profile);
        return new ReliableProducer<string, string>(options.ForProfile(profile), logger, timeProvider: provider.GetService<TimeProvider>());
    }
}
