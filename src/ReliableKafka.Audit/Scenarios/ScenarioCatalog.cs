namespace ReliableKafka.Audit.Scenarios;

/// <summary>Every scenario by id.</summary>
internal static class ScenarioCatalog
{
    private static readonly Dictionary<string, AuditScenario> ById = new AuditScenario[]
    {
        new LostAcksScenario(), new LeaderCrashScenario(), new CleanShutdownScenario(), new RollingRestartScenario(),
        new IsrBelowMinScenario(), new ClusterOutageScenario(), new NetworkCutScenario(), new UncleanElectionScenario(),
        new OversizedScenario(), new CoordinatorCrashScenario(), new ZombieProducerScenario(),
    }.ToDictionary(static s => s.Id, StringComparer.OrdinalIgnoreCase);

    public static AuditScenario Get(string id) => ById.TryGetValue(id, out var scenario)
        ? scenario
        : throw new ArgumentException($"Unknown scenario '{id}'; use one of {string.Join(", ", ScenarioIds.All)}.", nameof(id));

    public static bool Exists(string id) => ById.ContainsKey(id);
}
