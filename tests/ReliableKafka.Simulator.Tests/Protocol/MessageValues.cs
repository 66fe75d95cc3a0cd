using System.Collections;
using System.Reflection;
using System.Text;

namespace ReliableKafka.Simulator.Tests.Protocol;

/// <summary>Fills message objects with random values by reflection, and compares them field by field.</summary>
internal static class MessageValues
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static object Fill(Type type, Random random, bool allowNulls, int depth = 0)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // RecordBatches is a write-only alternative to Records (a broker's zero-copy answer), covered by its own test.
            if (property.SetMethod is null || property.PropertyType == typeof(IReadOnlyList<ReadOnlyMemory<byte>>))
            {
                continue;
            }

            var nullable = Nullability.Create(property).WriteState == NullabilityState.Nullable;
            property.SetValue(instance, Value(property.PropertyType, nullable, random, allowNulls, depth));
        }

        return instance;
    }

    private static object? Value(Type type, bool nullable, Random random, bool allowNulls, int depth)
    {
        if (nullable && allowNulls && random.Next(5) == 0)
        {
            return null;
        }

        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(sbyte))
        {
            return (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
        }

        if (underlying == typeof(short))
        {
            return (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        if (underlying == typeof(int))
        {
            return random.Next(4) == 0 ? -1 : random.Next(int.MinValue, int.MaxValue);
        }

        if (underlying == typeof(long))
        {
            return random.NextInt64(long.MinValue, long.MaxValue);
        }

        if (underlying == typeof(bool))
        {
            return random.Next(2) == 0;
        }

        if (underlying == typeof(Guid))
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }

        if (underlying.IsEnum)
        {
            return Enum.ToObject(underlying, (short)random.Next(-1, 120));
        }

        if (underlying == typeof(string))
        {
            return RandomString(random);
        }

        if (underlying == typeof(ReadOnlyMemory<byte>))
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            return new ReadOnlyMemory<byte>(bytes);
        }

        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(List<>))
        {
            var elementType = underlying.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(underlying)!;
            var count = depth > 3 ? 0 : random.Next(0, 4);
            for (var i = 0; i < count; i++)
            {
                list.Add(elementType.IsClass && elementType != typeof(string)
                    ? Fill(elementType, random, allowNulls, depth + 1)
                    : Value(elementType, nullable: false, random, allowNulls, depth + 1));
            }

            return list;
        }

        throw new NotSupportedException($"No random value for {type}.");
    }

    private static string RandomString(Random random)
    {
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz-_.0123456789é€";
        var builder = new StringBuilder();
        var length = random.Next(0, 12);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[random.Next(Alphabet.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>Null when equal; otherwise the path of the first difference.</summary>
    public static string? Difference(object? expected, object? actual, string path = "")
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{path}: {Show(expected)} vs {Show(actual)}";
        }

        if (expected.GetType() != actual.GetType())
        {
            return $"{path}: type {expected.GetType()} vs {actual.GetType()}";
        }

        switch (expected)
        {
            case ReadOnlyMemory<byte> bytes:
                return bytes.Span.SequenceEqual(((ReadOnlyMemory<byte>)actual).Span) ? null : $"{path}: bytes differ";
            case string or ValueType:
                return expected.Equals(actual) ? null : $"{path}: {Show(expected)} vs {Show(actual)}";
            case IList list:
            {
                var other = (IList)actual;
                if (list.Count != other.Count)
                {
                    return $"{path}: {list.Count} elements vs {other.Count}";
                }

                for (var i = 0; i < list.Count; i++)
                {
                    var difference = Difference(list[i], other[i], $"{path}[{i}]");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            }

            default:
                foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    var difference = Difference(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
        }
    }

    /// <summary>Counts the leaf values that differ from a freshly constructed instance's.</summary>
    public static int NonDefaultLeaves(object message)
    {
        var fresh = Activator.CreateInstance(message.GetType())!;
        var count = 0;
        foreach (var property in message.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(message);
            if (value is IList list && value is not string)
            {
                foreach (var item in list)
                {
                    count += item is null || item is string || item.GetType().IsValueType ? 1 : NonDefaultLeaves(item);
                }
            }
            else if (Difference(property.GetValue(fresh), value) is not null)
            {
                count++;
            }
        }

        return count;
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "?",
    };
}
