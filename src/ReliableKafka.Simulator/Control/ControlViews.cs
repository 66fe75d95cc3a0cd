namespace ReliableKafka.Simulator.Control;

/// <summary>A fault in force (or just applied), as <c>GET /faults</c> and <c>POST /faults</c> show it.</summary>
/// <param name="Id">Its id, such as "delay-4".</param>
/// <param name="Kind">Its kind (see <see cref="FaultKinds"/>).</param>
/// <param name="Broker">The broker it applies to.</param>
/// <param name="Description">What it does, in words.</param>
/// <param name="Remaining">For counted faults, how many requests it still hits; null for the others.</param>
public sealed record FaultView(string Id, string Kind, int Broker, string Description, int? Remaining);

/// <summary>The answer to a crash, restart or shutdown: the broker and its state.</summary>
/// <param name="Id">The broker.</param>
/// <param name="State">"up" or "down".</param>
public sealed record BrokerStateView(int Id, string State);

/// <summary>The answer to <c>POST /brokers/{id}/resume</c>: the pause faults that were ended (none when it was not paused).</summary>
/// <param name="Id">The broker.</param>
/// <param name="Resumed">The ids of the ended pause faults.</param>
public sealed record ResumeView(int Id, IReadOnlyList<string> Resumed);

/// <summary>The body of <c>POST /partitions/{topic}/{partition}/leader</c>.</summary>
/// <param name="Broker">The new leader.</param>
public sealed record LeaderRequest(int? Broker);

/// <summary>The answer to a leader move.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Leader">The leader now.</param>
public sealed record LeaderView(string Topic, int Partition, int Leader);

/// <summary>The answer to <c>DELETE /faults</c>.</summary>
/// <param name="Cleared">How many faults were in force.</param>
public sealed record ClearedView(int Cleared);

/// <summary>The answer to <c>DELETE /faults/{id}</c>.</summary>
/// <param name="Removed">The fault's id.</param>
public sealed record RemovedView(string Removed);

/// <summary>The brokers and partitions, as <c>GET /cluster</c> shows them.</summary>
/// <param name="Brokers">Every broker.</param>
/// <param name="Topics">Every topic.</param>
public sealed record ClusterView(IReadOnlyList<BrokerView> Brokers, IReadOnlyList<TopicView> Topics);

/// <summary>One broker.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Host">Its address.</param>
/// <param name="Port">Its port.</param>
/// <param name="State">"up" or "down" (a paused broker is up).</param>
public sealed record BrokerView(int Id, string Host, int Port, string State);

/// <summary>One topic.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Config">Its replication settings.</param>
/// <param name="Partitions">Its partitions.</param>
public sealed record TopicView(string Name, TopicConfigView Config, IReadOnlyList<PartitionView> Partitions);

/// <summary>A topic's replication settings.</summary>
/// <param name="ReplicationFactor">Replicas per partition.</param>
/// <param name="MinInsyncReplicas">min.insync.replicas.</param>
/// <param name="UncleanLeaderElection">unclean.leader.election.enable.</param>
/// <param name="MaxMessageBytes">max.message.bytes.</param>
public sealed record TopicConfigView(int ReplicationFactor, int MinInsyncReplicas, bool UncleanLeaderElection, int MaxMessageBytes);

/// <summary>One partition.</summary>
/// <param name="Partition">Its index.</param>
/// <param name="Leader">The leader, or -1.</param>
/// <param name="LeaderEpoch">The leader epoch.</param>
/// <param name="Replicas">The replicas, in preference order.</param>
/// <param name="Isr">The in-sync replicas.</param>
/// <param name="HighWatermark">The high watermark.</param>
/// <param name="LogEndOffset">The leader's log end offset, or -1 without a leader.</param>
/// <param name="LogEndOffsets">Each replica's log end offset, by broker id.</param>
public sealed record PartitionView(int Partition, int Leader, int LeaderEpoch, IReadOnlyList<int> Replicas, IReadOnlyList<int> Isr, long HighWatermark, long LogEndOffset, IReadOnlyDictionary<string, long> LogEndOffsets);

/// <summary>What the control API answers when it refuses a request (an RFC 9457 problem).</summary>
/// <param name="Title">The kind of problem.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">The message: what was wrong and what to send.</param>
/// <param name="Error">The same message, as older clients read it.</param>
public sealed record ControlProblem(string? Title, int? Status, string? Detail, string? Error)
{
    /// <summary>The message.</summary>
    public string Message => Detail ?? Error ?? Title ?? $"status {Status}";
}

/// <summary>A filter of <c>GET /events</c>; null fields do not filter.</summary>
/// <param name="Kind">Only this kind.</param>
/// <param name="Topic">Only this topic.</param>
/// <param name="Partition">Only this partition.</param>
/// <param name="Broker">Only events about this broker.</param>
/// <param name="Since">Only events after this sequence number.</param>
public sealed record EventQuery(string? Kind = null, string? Topic = null, int? Partition = null, int? Broker = null, long? Since = null);
