using System.Globalization;
using System.Text;

namespace ReliableKafka.Simulator.Protocol;

/// <summary>Kafka error names as Kafka writes them (NOT_ENOUGH_REPLICAS) and as codes.</summary>
public static class KafkaErrors
{
    /// <summary>Kafka's name of a code: NotEnoughReplicas → NOT_ENOUGH_REPLICAS; an unknown code as its number.</summary>
    public static string Name(KafkaErrorCode code)
    {
        if (!Enum.IsDefined(code))
        {
            return ((short)code).ToString(CultureInfo.InvariantCulture);
        }

        var pascal = code.ToString();
        var name = new StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsAsciiLetterUpper(pascal[i]))
            {
                name.Append('_');
            }

            name.Append(char.ToUpperInvariant(pascal[i]));
        }

        return name.ToString();
    }

    /// <summary>Reads NOT_ENOUGH_REPLICAS, NotEnoughReplicas or 19.</summary>
    public static bool TryParse(string text, out KafkaErrorCode code)
    {
        text = text.Trim();
        if (short.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            code = (KafkaErrorCode)number;
            return Enum.IsDefined(code);
        }

        var joined = text.Replace("_", "", StringComparison.Ordinal);
        return Enum.TryParse(joined, ignoreCase: true, out code) && Enum.IsDefined(code) && joined.Length > 0 && char.IsAsciiLetter(joined[0]);
    }
}
