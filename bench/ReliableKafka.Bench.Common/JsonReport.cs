using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ReliableKafka.Bench.Common;

/// <summary>Writes a harness's <c>--json FILE</c> report from its source-generated contract.</summary>
public static class JsonReport
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> as indented JSON.</summary>
    /// <typeparam name="T">The report's contract.</typeparam>
    /// <param name="path">The file.</param>
    /// <param name="report">The report.</param>
    /// <param name="contract">The contract's type information, from a JsonSerializerContext.</param>
    public static void Write<T>(string path, T report, JsonTypeInfo<T> contract)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, report, contract);
    }
}
