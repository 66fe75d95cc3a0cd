namespace ReliableKafka.Cli.Doctor;

/// <summary>What rk doctor read from a cluster.</summary>
/// <param name="Brokers">The live brokers Metadata lists.</param>
/// <param name="Topics">The topics looked at.</param>
/// <param name="MissingTopics">Topics asked for that do not exist.</param>
internal sealed record ClusterView(IReadOnlyList<int> Brokers, IReadOnlyList<TopicView> Topics, IReadOnlyList<string> MissingTopics)
{
    /// <summary>When the cluster was read (the age of an open transaction is measured from it).</summary>
    public DateTimeOffset ReadAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>One topic: its partitions and the settings that decide durability.</summary>
internal sealed record TopicView(string Name, IReadOnlyList<PartitionView> Partitions, int? MinInSyncReplicas, bool? UncleanLeaderElection)
{
    /// <summary>The largest record batch the topic takes (max.message.bytes), when the cluster said.</summary>
    public int? MaxMessageBytes { get; init; }

    public int ReplicationFactor => Partitions.Count == 0 ? 0 : Partitions.Min(static p => p.Replicas.Count);
}

/// <summary>One partition as Metadata reports it.</summary>
internal sealed record PartitionView(int Partition, int Leader, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr)
{
    /// <summary>The high watermark (ListOffsets latest, read_uncommitted), when read.</summary>
    public long? HighWatermark { get; init; }

    /// <summary>The last stable offset (ListOffsets latest, read_committed), when read.</summary>
    public long? LastStableOffset { get; init; }

    /// <summary>The timestamp of the record at the last stable offset when it is below the high watermark: when the oldest open transaction wrote its first record here.</summary>
    public DateTimeOffset? UnstableSince { get; init; }
}

/// <summary>How bad a finding is: Error means sends with the profile fail or can lose data now.</summary>
internal enum DoctorSeverity
{
    Info,
    Warning,
    Error,
}

/// <summary>One thing rk doctor found, with what a producer will see and what to do.</summary>
internal sealed record DoctorFinding(string Id, DoctorSeverity Severity, string Subject, string Message, string Fix);

/// <summary>Turns a <see cref="ClusterView"/> into findings for a producer with a given profile.</summary>
internal static class Diagnosis
{
    public static IReadOnlyList<DoctorFinding> Examine(ClusterView cluster, ReliabilityProfile profile)
    {
        var findings = new List<DoctorFinding>();
        var requirements = ReliabilityProfiles.GetTopicRequirements(profile);
        var acks = ReliabilityProfiles.GetDefaults(profile)["acks"];
        var acksAll = acks == "all";
        if (profile == ReliabilityProfile.Critical && cluster.Brokers.Count < 3)
        {
            findings.Add(new("DOC001", DoctorSeverity.Warning, "cluster",
                $"{cluster.Brokers.Count} live broker(s) ({Ids(cluster.Brokers)}); {profile} needs replication factor 3, which needs 3 brokers, to survive one broker failure and keep accepting acks=all writes.",
                "Run at least 3 brokers (and restart any that are down)."));
        }

        foreach (var missing in cluster.MissingTopics)
        {
            findings.Add(new("DOC002", DoctorSeverity.Error, missing,
                $"Topic '{missing}' does not exist. With auto-creation it would be created with the broker defaults (often replication factor 1); without it, every send fails with UNKNOWN_TOPIC_OR_PARTITION.",
                $"Create it: kafka-topics.sh --create --topic {missing} --partitions 3 --replication-factor {requirements.ReplicationFactor} --config min.insync.replicas={requirements.MinInSyncReplicas}"));
        }

        foreach (var topic in cluster.Topics)
        {
            ExamineTopic(topic, cluster.Brokers, profile, requirements, acksAll, findings);
            ExamineTransactions(topic, cluster.ReadAt, findings);
        }

        return findings;
    }

    /// <summary>A transaction open this long holds read_committed consumers back enough to report (Warning).</summary>
    internal static readonly TimeSpan HangingAfter = TimeSpan.FromSeconds(10);

    /// <summary>Open longer than librdkafka's default transaction.timeout.ms (60 s): it should have been aborted (Error).</summary>
    internal static readonly TimeSpan HungAfter = TimeSpan.FromSeconds(60);

    private static void ExamineTransactions(TopicView topic, DateTimeOffset now, List<DoctorFinding> findings)
    {
        foreach (var partition in topic.Partitions)
        {
            if (partition is not { LastStableOffset: { } stable, HighWatermark: { } high } || stable >= high || partition.UnstableSince is not { } since || now - since < HangingAfter)
            {
                continue;
            }

            var name = $"{topic.Name}[{partition.Partition}]";
            var age = now - since;
            findings.Add(new("DOC040", age >= HungAfter ? DoctorSeverity.Error : DoctorSeverity.Warning, name,
                $"read_committed consumers of {name} are held at offset {stable}, {high - stable} record(s) before its end ({high}): the transaction that wrote offset {stable} began {Age(age)} ago and is still open (or its markers are not written). "
                + "Consumers with isolation.level=read_committed (librdkafka's and Java's default) read nothing after it, in any partition order, until it commits, aborts or reaches its transaction.timeout.ms"
                + (age >= HungAfter ? "; at this age it is probably hanging (a producer that died or was fenced without its transaction being aborted)." : "."),
                "Find its producer (a transactional.id whose instance is stuck or gone): restarting it with the same transactional.id aborts the open transaction at once. "
                + $"Otherwise kafka-transactions.sh --bootstrap-server ... find-hanging --broker-id <leader of {name}> lists it and kafka-transactions.sh ... abort --topic {topic.Name} --partition {partition.Partition} --start-offset {stable} aborts it; keep transaction.timeout.ms short so a dead producer's transaction ends by itself."));
        }
    }

    private static string Age(TimeSpan age) =>
        age.TotalHours >= 1 ? $"{age.TotalHours:0.#} h" : age.TotalMinutes >= 1 ? $"{age.TotalMinutes:0.#} min" : $"{age.TotalSeconds:0} s";

    /// <summary>librdkafka's default message.max.bytes: the largest request, and so the largest batch, a producer sends.</summary>
    private const int ClientMessageMaxBytes = 1_000_000;

    private static void ExamineTopic(TopicView topic, IReadOnlyList<int> liveBrokers, ReliabilityProfile profile, TopicRequirements requirements, bool acksAll, List<DoctorFinding> findings)
    {
        var clientMax = ReliabilityProfiles.GetDefaults(profile).TryGetValue("message.max.bytes", out var configured) && int.TryParse(configured, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : ClientMessageMaxBytes;
        if (topic.MaxMessageBytes is { } topicMax && topicMax < clientMax)
        {
            findings.Add(new("DOC014", profile == ReliabilityProfile.Critical ? DoctorSeverity.Warning : DoctorSeverity.Info, topic.Name,
                $"The topic takes batches up to {topicMax} bytes (max.message.bytes) but the producer builds them up to {clientMax} (message.max.bytes): one record too large for the topic fails its whole batch at the broker, and the records batched with it, other keys too, fail with it (dead-lettered; behind an outbox they then hold back their keys).",
                $"Set the producer's message.max.bytes to {topicMax} (the smallest max.message.bytes of the topics it writes): librdkafka then refuses an oversized record alone, before batching."));
        }

        var rf = topic.ReplicationFactor;
        var minIsr = topic.MinInSyncReplicas ?? 1;
        if (rf < requirements.ReplicationFactor)
        {
            findings.Add(new("DOC010", profile == ReliabilityProfile.Critical ? DoctorSeverity.Error : DoctorSeverity.Warning, topic.Name,
                $"Replication factor is {rf}; {profile} needs {requirements.ReplicationFactor}. With {rf} cop{(rf == 1 ? "y" : "ies")} a single disk or broker loss {(rf == 1 ? "loses the data" : "leaves no room for another failure")}.",
                $"Increase the replication factor to {requirements.ReplicationFactor} (kafka-reassign-partitions.sh), or recreate the topic with --replication-factor {requirements.ReplicationFactor}."));
        }

        if (acksAll && minIsr > rf)
        {
            findings.Add(new("DOC011", DoctorSeverity.Error, topic.Name,
                $"min.insync.replicas={minIsr} is larger than the replication factor {rf}: every acks=all send gets NOT_ENOUGH_REPLICAS, forever.",
                $"Set min.insync.replicas to at most {rf} (2 with replication factor 3)."));
        }
        else if (acksAll && minIsr < requirements.MinInSyncReplicas)
        {
            findings.Add(new("DOC012", DoctorSeverity.Warning, topic.Name,
                $"min.insync.replicas={minIsr} with acks=all is weak: a write is acknowledged when only the leader has it, so losing that one broker loses acknowledged records.",
                $"kafka-configs.sh --alter --entity-type topics --entity-name {topic.Name} --add-config min.insync.replicas={requirements.MinInSyncReplicas}"));
        }

        if (topic.UncleanLeaderElection == true && !requirements.UncleanLeaderElectionAllowed)
        {
            findings.Add(new("DOC013", DoctorSeverity.Warning, topic.Name,
                "unclean.leader.election.enable=true: when no in-sync replica is left, an out-of-sync replica may become leader and acknowledged records are lost.",
                $"kafka-configs.sh --alter --entity-type topics --entity-name {topic.Name} --add-config unclean.leader.election.enable=false"));
        }

        foreach (var partition in topic.Partitions)
        {
            var name = $"{topic.Name}[{partition.Partition}]";
            var outOfSync = partition.Replicas.Where(r => !partition.Isr.Contains(r)).ToList();
            var why = string.Join("; ", outOfSync.Select(r => liveBrokers.Contains(r)
                ? $"broker {r} is up but lagging (it has not caught up with the leader within replica.lag.time.max.ms)"
                : $"broker {r} is down (not in the cluster's broker list)"));
            if (partition.Leader < 0)
            {
                findings.Add(new("DOC020", DoctorSeverity.Error, name,
                    $"{name} has no leader (offline): every send and read fails with LEADER_NOT_AVAILABLE / NOT_LEADER_OR_FOLLOWER until an in-sync replica returns. Replicas {Ids(partition.Replicas)}, last ISR {Ids(partition.Isr)}.",
                    "Bring back a broker of the last ISR. Enabling unclean election would bring it online at the cost of acknowledged records."));
            }
            else if (acksAll && partition.Isr.Count < minIsr)
            {
                findings.Add(new("DOC021", DoctorSeverity.Error, name,
                    $"ISR of {name} is {Ids(partition.Isr)}; with min.insync.replicas={minIsr} every acks=all send gets NOT_ENOUGH_REPLICAS (retried by the producer until its delivery timeout): {why}.",
                    "Bring the out-of-sync brokers back or find why they lag (disk, network, GC). Do not lower min.insync.replicas to make the error go away: that removes the guarantee."));
            }
            else if (partition.Isr.Count < partition.Replicas.Count)
            {
                findings.Add(new("DOC022", DoctorSeverity.Warning, name,
                    $"ISR of {name} is {Ids(partition.Isr)} of replicas {Ids(partition.Replicas)} (under-replicated): {why}." + (acksAll ? $" One more failure and acks=all sends get NOT_ENOUGH_REPLICAS (min.insync.replicas={minIsr})." : ""),
                    "Bring the out-of-sync brokers back before the next maintenance."));
            }
        }

        if (!acksAll)
        {
            findings.Add(new("DOC030", DoctorSeverity.Info, topic.Name,
                $"{profile} sends with acks={ReliabilityProfiles.GetDefaults(profile)["acks"]}: min.insync.replicas does not apply, and records acknowledged by a leader that then fails can be lost.",
                "Use the Critical profile for events that must not be lost."));
        }
    }

    private static string Ids(IEnumerable<int> ids) => "{" + string.Join(",", ids) + "}";
}
