using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using ReliableKafka.DeadLetters;
using ReliableKafka.DeadLetters.Sqlite;

namespace ReliableKafka.Cli.Dlq;

/// <summary>What <c>rk dlq</c> read: the selected dead letters (topic first, by partition and offset, then the spill) and their replay marks.</summary>
internal sealed record DeadLetterSnapshot(
    string Topic,
    bool TopicExists,
    IReadOnlyList<DeadLetter> Letters,
    ILookup<string, ReplayMark> Marks,
    Metadata Metadata)
{
    /// <summary>
    /// The replays of a letter: the marks with its location, unless a mark names another event id (the topic was
    /// deleted and created again, so the location now holds another letter). None for a spilled letter: the spill
    /// forgets a letter once it is replayed.
    /// </summary>
    public IEnumerable<ReplayMark> ReplaysOf(DeadLetter letter) =>
        letter.Source == DeadLetterSource.Topic ? Marks[letter.Location].Where(m => IsOf(m, letter)) : [];

    public static bool IsOf(ReplayMark mark, DeadLetter letter) => mark.EventId is null || letter.EventId is null || mark.EventId == letter.EventId;
}

/// <summary>Reads dead letters from the dead-letter topic and the spill file, and their marks from the mark topic.</summary>
internal sealed class DeadLetterStore(DlqConnection connection, string topic, string? spillPath)
{
    public DlqConnection Connection => connection;

    public string Topic => topic;

    public string MarkTopic => ReplayMark.TopicFor(topic);

    /// <summary>The spill file, full path; null when none was given.</summary>
    public string? SpillPath => spillPath;

    /// <summary>Reads the letters that <paramref name="selection"/> takes, with the replay marks of the topic.</summary>
    /// <exception cref="DlqException">The cluster, the topic or the spill cannot be read; --offsets names a partition the topic lacks.</exception>
    public DeadLetterSnapshot Load(LetterSelection selection)
    {
        var metadata = connection.ReadMetadata();
        var dlq = Find(metadata, topic);
        if (dlq is not null && selection.Offsets is { } range && dlq.Partitions.All(p => p.PartitionId != range.Partition))
        {
            throw new DlqException(
                $"--offsets {range}: {topic} has no partition {range.Partition} (its partitions are {string.Join(", ", dlq.Partitions.Select(static p => p.PartitionId).Order())}).",
                DlqExitCodes.BadInput);
        }

        var letters = new List<DeadLetter>();
        if (dlq is not null)
        {
            letters.AddRange(connection.Read(dlq, selection.Offsets)
                .Select(static r => DeadLetter.FromRecord(r.Position, r.Key, r.Value, r.Headers))
                .OfType<DeadLetter>()
                .Where(selection.Matches));
        }

        letters.AddRange(ReadSpill().Where(selection.Matches));
        return new DeadLetterSnapshot(topic, dlq is not null, letters, ReadMarks(metadata), metadata);
    }

    /// <summary>The record at <paramref name="partition"/>:<paramref name="offset"/>, as a dead letter.</summary>
    /// <exception cref="DlqException">Not there (exit 1), or the cluster cannot be read (exit 2).</exception>
    public (DeadLetter Letter, IReadOnlyList<ReplayMark> Replays) LoadOne(int partition, long offset)
    {
        var metadata = connection.ReadMetadata();
        var dlq = Find(metadata, topic) ?? throw new DlqException($"there is no topic {topic} (no dead letters; --topic names another dead-letter topic).", DlqExitCodes.NotDone);
        if (dlq.Partitions.All(p => p.PartitionId != partition))
        {
            throw new DlqException($"{topic} has no partition {partition} (its partitions are {string.Join(", ", dlq.Partitions.Select(static p => p.PartitionId).Order())}).", DlqExitCodes.NotDone);
        }

        var record = connection.Read(dlq, new OffsetRange(partition, offset, offset)).FirstOrDefault(r => r.Offset == offset)
            ?? throw new DlqException($"{topic} has no record at {partition}:{offset} (deleted by retention, or not written yet; rk dlq list shows what there is).", DlqExitCodes.NotDone);
        var letter = DeadLetter.FromRecord(record.Position, record.Key, record.Value, record.Headers)
            ?? throw new DlqException($"the record at {topic} {partition}:{offset} is not a dead letter: it has no {DeadLetterHeaders.OriginalTopic} header.", DlqExitCodes.NotDone);
        return (letter, [.. ReadMarks(metadata)[letter.Location].Where(m => DeadLetterSnapshot.IsOf(m, letter))]);
    }

    /// <summary>The spilled letter with row id <paramref name="id"/>.</summary>
    public DeadLetter LoadSpilled(long id) =>
        ReadSpill().FirstOrDefault(l => l.SpillId == id)
        ?? throw new DlqException($"the spill {spillPath} has no dead letter spill:{id} (replayed ones are removed; rk dlq list --spill shows what there is).", DlqExitCodes.NotDone);

    private static TopicMetadata? Find(Metadata metadata, string name) =>
        metadata.Topics.FirstOrDefault(t => t.Topic == name && t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0);

    private ILookup<string, ReplayMark> ReadMarks(Metadata metadata) =>
        ReplayMark.Read(Find(metadata, MarkTopic) is { } marks ? connection.Read(marks) : []);

    private IReadOnlyList<DeadLetter> ReadSpill()
    {
        if (spillPath is null)
        {
            return [];
        }

        if (!File.Exists(spillPath))
        {
            throw new DlqException($"--spill {spillPath}: no such file.", DlqExitCodes.BadInput);
        }

        try
        {
            using var spill = new SqliteDeadLetterSpill(spillPath);
            return spill.ReadAll();
        }
        catch (SqliteException e)
        {
            throw new DlqException($"--spill {spillPath} cannot be read as a spill file: {e.Message}", DlqExitCodes.BadInput);
        }
    }
}
