using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text;
using Confluent.Kafka;
using ReliableKafka.Cli.Common;
using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Advise;

/// <summary>Writes an advised producer configuration as C#, as a .properties file and as appsettings JSON.</summary>
internal static class ConfigRenderer
{
    /// <summary>librdkafka name → the <see cref="ProducerConfig"/> property that sets it, found by setting each property once.</summary>
    private static readonly FrozenDictionary<string, PropertyInfo> TypedProperties = FindTypedProperties();

    /// <summary>
    /// A Confluent.Kafka <see cref="ProducerConfig"/> initializer with typed properties; a property without one is set
    /// with <c>config.Set</c>.
    /// </summary>
    public static string CSharp(ProducerAdvice advice)
    {
        var text = new StringBuilder();
        var untyped = new List<KeyValuePair<string, string>>();
        text.Append("// ").Append(advice.Profile).AppendLine(" profile (rk advise)");
        text.AppendLine("var config = new ProducerConfig");
        text.AppendLine("{");
        foreach (var (key, value) in advice.Producer)
        {
            var expression = TypedProperties.TryGetValue(key, out var property) ? Expression(key, value, property) : null;
            if (expression is null)
            {
                untyped.Add(new(key, value));
                continue;
            }

            text.Append("    ").Append(property!.Name).Append(" = ").Append(expression).AppendLine(",");
        }

        text.AppendLine("};");
        foreach (var (key, value) in untyped)
        {
            text.Append("config.Set(").Append(Literal(key)).Append(", ").Append(Literal(value)).AppendLine(");");
        }

        return text.ToString();
    }

    /// <summary>A .properties file with the names the Kafka documentation uses (librdkafka accepts them as aliases).</summary>
    public static string Properties(ProducerAdvice advice)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(advice.Profile).AppendLine(" profile (rk advise)");
        foreach (var (key, value) in advice.Producer)
        {
            text.Append(KafkaProperties.Display(key)).Append('=').AppendLine(EscapeProperty(value));
        }

        return text.ToString();
    }

    /// <summary>
    /// The "Kafka" section ReliableKafka binds (<c>AddReliableKafka</c>): BootstrapServers, and the producer properties
    /// under Profiles:{profile}. <c>rk lint</c> reads this shape.
    /// </summary>
    public static string AppSettings(ProducerAdvice advice) => JsonText.Object(writer =>
    {
        writer.WriteStartObject(ReliableKafkaOptions.SectionName);
        writer.WriteString(nameof(ReliableKafkaOptions.BootstrapServers), advice.Producer.First(static p => p.Key == KafkaProperties.BootstrapServers).Value);
        writer.WriteStartObject(nameof(ReliableKafkaOptions.Profiles));
        writer.WriteStartObject(advice.Profile.ToString());
        foreach (var (key, value) in advice.Producer.Where(static p => p.Key != KafkaProperties.BootstrapServers))
        {
            writer.WriteString(KafkaProperties.Display(key), value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }) + "\n";

    private static string? Expression(string key, string value, PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (type == typeof(string))
        {
            return Literal(value);
        }

        if (type == typeof(bool))
        {
            return bool.TryParse(value, out var flag) ? (flag ? "true" : "false") : null;
        }

        if (type == typeof(int))
        {
            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
                ? number == int.MaxValue ? "int.MaxValue" : number.ToString(CultureInfo.InvariantCulture)
                : null;
        }

        if (type == typeof(double))
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number.ToString(CultureInfo.InvariantCulture) : null;
        }

        if (type.IsEnum)
        {
            // The member whose setter writes this value.
            foreach (var member in Enum.GetValues(type))
            {
                var probe = new ProducerConfig();
                property.SetValue(probe, member);
                var written = probe.Get(key);
                if (string.Equals(written, value, StringComparison.OrdinalIgnoreCase)
                    || (key == KafkaProperties.Acks && Same(written, value)))
                {
                    return $"{type.Name}.{member}";
                }
            }
        }

        return null;
    }

    private static bool Same(string? a, string b) => (a ?? "").Replace("all", "-1", StringComparison.OrdinalIgnoreCase) == b.Replace("all", "-1", StringComparison.OrdinalIgnoreCase);

    private static string Literal(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string EscapeProperty(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal);

    private static FrozenDictionary<string, PropertyInfo> FindTypedProperties()
    {
        var map = new Dictionary<string, PropertyInfo>(StringComparer.Ordinal);
        foreach (var (property, keys) in KafkaProperties.ProbeProperties(typeof(ProducerConfig)))
        {
            if (keys.Count == 1)
            {
                map.TryAdd(keys[0], property);
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
