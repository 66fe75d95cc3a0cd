using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;

namespace ReliableKafka.DeadLetters.Sqlite;

/// <summary>
/// A SQLite file that keeps dead letters the dead-letter topic could not take: the message as it would have been
/// written there (key, value, original and dead-letter headers). Each write is committed (WAL, synchronous=FULL)
/// before it returns. Safe for several threads; other processes (<c>rk dlq</c>) may read and delete at the same time.
/// </summary>
public sealed class SqliteDeadLetterSpill : IDeadLetterSpill
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS spilled_dead_letters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            spilled_at_ms INTEGER NOT NULL,
            dead_letter_topic TEXT NOT NULL,
            dead_letter_error TEXT NOT NULL,
            message_key BLOB NULL,
            message_value BLOB NULL,
            headers BLOB NOT NULL
        );
        """;

    private readonly string _path;
    private readonly Lock _gate = new();
    private SqliteConnection? _connection;

    /// <summary>Creates a spill over a SQLite file; the file is created at the first write.</summary>
    /// <param name="path">The file, relative to the current directory or absolute.</param>
    public SqliteDeadLetterSpill(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _path = Path.GetFullPath(path);
    }

    /// <summary>The file, full path.</summary>
    public string Location => _path;

    /// <summary>Opens a spill over the SQLite file at <paramref name="path"/>; fits <see cref="DeadLetterOptions.OpenSpill"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The spill.</returns>
    public static IDeadLetterSpill Open(string path) => new SqliteDeadLetterSpill(path);

    /// <inheritdoc />
    public long Add(string deadLetterTopic, string deadLetterError, byte[]? key, byte[]? value, Headers headers, DateTimeOffset at)
    {
        lock (_gate)
        {
            var connection = Open(create: true)!;
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO spilled_dead_letters (spilled_at_ms, dead_letter_topic, dead_letter_error, message_key, message_value, headers)
                VALUES ($at, $topic, $error, $key, $value, $headers);
                SELECT last_insert_rowid();
                """;
            command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$topic", deadLetterTopic);
            command.Parameters.AddWithValue("$error", deadLetterError);
            command.Parameters.AddWithValue("$key", (object?)key ?? DBNull.Value);
            command.Parameters.AddWithValue("$value", (object?)value ?? DBNull.Value);
            command.Parameters.AddWithValue("$headers", EncodeHeaders(headers));
            return (long)command.ExecuteScalar()!;
        }
    }

    /// <inheritdoc />
    /// <exception cref="SqliteException">The file is not a spill file.</exception>
    public IReadOnlyList<DeadLetter> ReadAll()
    {
        lock (_gate)
        {
            var connection = Open(create: false);
            if (connection is null)
            {
                return [];
            }

            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, message_key, message_value, headers FROM spilled_dead_letters ORDER BY id;";
            using var reader = command.ExecuteReader();
            var letters = new List<DeadLetter>();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                var key = reader.IsDBNull(1) ? null : (byte[])reader[1];
                var value = reader.IsDBNull(2) ? null : (byte[])reader[2];
                var headers = DecodeHeaders((byte[])reader[3]);
                if (DeadLetter.FromSpill(id, key, value, headers) is { } letter)
                {
                    letters.Add(letter);
                }
            }

            return letters;
        }
    }

    /// <inheritdoc />
    public bool Delete(long id)
    {
        lock (_gate)
        {
            var connection = Open(create: false);
            if (connection is null)
            {
                return false;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM spilled_dead_letters WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteNonQuery() == 1;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private SqliteConnection? Open(bool create)
    {
        if (_connection is not null)
        {
            return _connection;
        }

        if (!create && !File.Exists(_path))
        {
            return null;
        }

        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;" + Schema;
            pragma.ExecuteNonQuery();
        }

        _connection = connection;
        return connection;
    }

    /// <summary>Headers as: count, then per header name length, name (UTF-8), value length (-1 for null), value.</summary>
    internal static byte[] EncodeHeaders(Headers headers)
    {
        using var stream = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, headers.Count);
        stream.Write(number);
        foreach (var header in headers)
        {
            var name = Encoding.UTF8.GetBytes(header.Key);
            BinaryPrimitives.WriteInt32BigEndian(number, name.Length);
            stream.Write(number);
            stream.Write(name);
            var value = header.GetValueBytes();
            BinaryPrimitives.WriteInt32BigEndian(number, value?.Length ?? -1);
            stream.Write(number);
            if (value is not null)
            {
                stream.Write(value);
            }
        }

        return stream.ToArray();
    }

    internal static Headers DecodeHeaders(ReadOnlySpan<byte> bytes)
    {
        var headers = new Headers();
        var count = BinaryPrimitives.ReadInt32BigEndian(bytes);
        var position = 4;
        for (var i = 0; i < count; i++)
        {
            var nameLength = BinaryPrimitives.ReadInt32BigEndian(bytes[position..]);
            position += 4;
            var name = Encoding.UTF8.GetString(bytes.Slice(position, nameLength));
            position += nameLength;
            var valueLength = BinaryPrimitives.ReadInt32BigEndian(bytes[position..]);
            position += 4;
            byte[]? value = null;
            if (valueLength >= 0)
            {
                value = bytes.Slice(position, valueLength).ToArray();
                position += valueLength;
            }

            headers.Add(name, value);
        }

        return headers;
    }
}
