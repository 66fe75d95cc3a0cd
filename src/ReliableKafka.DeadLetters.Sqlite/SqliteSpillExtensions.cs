using Microsoft.Extensions.DependencyInjection;

namespace ReliableKafka.DeadLetters.Sqlite;

/// <summary>Turns on the SQLite local spill of dead letters.</summary>
public static class SqliteSpillExtensions
{
    /// <summary>Keeps dead letters the dead-letter topic cannot take in the SQLite file <see cref="DeadLetterOptions.SpillPath"/>.</summary>
    /// <param name="options">The dead-letter options of a producer.</param>
    /// <returns>The same options.</returns>
    public static DeadLetterOptions UseSqliteSpill(this DeadLetterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.OpenSpill = SqliteDeadLetterSpill.Open;
        return options;
    }

    /// <summary>
    /// Gives the producers and the replayer that <c>AddReliableKafka</c> registers the SQLite spill (at
    /// <c>Kafka:DeadLetters:SpillPath</c>), unless their options already name a spill.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddReliableKafkaSqliteSpill(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.PostConfigure<ReliableKafkaOptions>(static options => options.DeadLetters.OpenSpill ??= SqliteDeadLetterSpill.Open);
        return services;
    }
}
