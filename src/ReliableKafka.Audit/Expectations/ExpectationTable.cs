using ReliableKafka.Audit.Configurations;

namespace ReliableKafka.Audit.Expectations;

/// <summary>
/// What Kafka's semantics allow in each scenario for each kind of configuration. Written from the semantics (the
/// producer and broker documentation, kafkatest's expectations), not from observed runs.
/// </summary>
internal static class ExpectationTable
{
    private const Expectation F = Expectation.Forbidden;
    private const Expectation P = Expectation.Possible;
    private const Expectation E = Expectation.Expected;

    /// <summary>
    /// The expectations of <paramref name="scenario"/> for a configuration whose effective settings are
    /// <paramref name="effective"/> (the audit's timeouts applied): when its delivery timeout leaves no room to retry
    /// a request that went unanswered, idempotence cannot keep its promise, and the table says so.
    /// </summary>
    public static ExpectedBehaviour For(string scenario, ConfigurationTraits traits, IReadOnlyDictionary<string, string> effective)
    {
        var expected = For(scenario, traits);
        if (traits.Acks != -1 || !traits.Idempotent || scenario is not (ScenarioIds.LostAcks or ScenarioIds.NetworkCut))
        {
            return expected;
        }

        var delivery = Milliseconds(effective, "message.timeout.ms", ConfigurationTraits.DefaultDeliveryTimeoutMs);
        var wait = Math.Max(Milliseconds(effective, "request.timeout.ms", 30_000), Milliseconds(effective, "socket.timeout.ms", 60_000));
        return delivery >= 2 * wait
            ? expected
            : expected with
            {
                Duplication = P,
                Why = $"delivery.timeout.ms {delivery} is less than twice the time the client waits for an answer ({wait} ms, the larger of request.timeout.ms and socket.timeout.ms): "
                    + "after a lost answer there is no time left to retry, so the message times out while its batch may be in the log; librdkafka then bumps the producer epoch "
                    + "and sends the partition's other in-flight batches again under the new epoch, which the broker cannot recognise as retries (it deduplicates within an epoch). "
                    + "Idempotence keeps its promise only with room to retry: raise delivery.timeout.ms.",
            };
    }

    public static ExpectedBehaviour For(string scenario, ConfigurationTraits traits)
    {
        if (scenario == ScenarioIds.UncleanElection)
        {
            return new ExpectedBehaviour(P, P, P,
                "Unclean leader election makes an out-of-sync replica leader: acknowledged records it never copied are truncated, whatever the producer does.");
        }

        if (traits.Acks == -1 && traits.Idempotent)
        {
            return new ExpectedBehaviour(F, F, F,
                "acks=all with idempotence: an acknowledged record is on every in-sync replica (at least min.insync.replicas), and the broker discards retried batches and keeps their order.");
        }

        var loss = Loss(scenario, traits.Acks);
        var retries = traits.Retries > 0 && traits.Acks != 0;
        var duplication = !retries || scenario == ScenarioIds.Oversized ? F
            : scenario == ScenarioIds.LostAcks ? E
            : P;
        // With acks=0 the client only retries a send that failed before reaching the socket: a broker or network fault.
        var reordering = traits.MaxInFlight <= 1 || traits.Retries == 0 || scenario == ScenarioIds.Oversized ? F
            : traits.Acks == 0 && scenario is ScenarioIds.LostAcks or ScenarioIds.IsrBelowMin ? F
            : P;
        var why = (traits.Acks, loss) switch
        {
            (0, E) when scenario == ScenarioIds.Oversized => "acks=0 gets no answer: the broker refuses the oversized batch and closes the connection, and the client counts it as sent.",
            (0, E) => "acks=0: the client counts a record as sent once it is written to the socket; records on a crashed leader or in a broken connection are lost.",
            (1, E) => "acks=1: the leader acknowledges before its followers copy; when it crashes with lagging followers, the new leader lacks those records and they are truncated.",
            (_, not F) => $"acks={AcksText(traits.Acks)}: a broker that stops without handing over can take acknowledged records with it.",
            _ when duplication == E => "Without idempotence a retry after a lost acknowledgement writes the batch again.",
            _ when reordering == P => "Without idempotence, retries with more than one request in flight can duplicate and reorder batches.",
            _ => "Nothing in this scenario lets this configuration lose, duplicate or reorder records.",
        };
        return new ExpectedBehaviour(loss, duplication, reordering, why);
    }

    private static Expectation Loss(string scenario, int acks) => acks switch
    {
        -1 => F,
        1 => scenario switch
        {
            ScenarioIds.LeaderCrash => E,
            ScenarioIds.CleanShutdown or ScenarioIds.RollingRestart or ScenarioIds.ClusterOutage => P,
            _ => F,
        },
        _ => scenario switch
        {
            ScenarioIds.LeaderCrash or ScenarioIds.Oversized => E,
            ScenarioIds.CleanShutdown or ScenarioIds.RollingRestart or ScenarioIds.ClusterOutage or ScenarioIds.NetworkCut => P,
            _ => F,
        },
    };

    private static long Milliseconds(IReadOnlyDictionary<string, string> settings, string key, long fallback) =>
        settings.TryGetValue(key, out var raw) && long.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string AcksText(int acks) => acks == -1 ? "all" : acks.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
