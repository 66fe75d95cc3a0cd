using System.Security.Cryptography;
using System.Text;

namespace TaskApi.Tasks;

/// <summary>The rules of a new task, and the fingerprint that ties an Idempotency-Key to one request.</summary>
internal static class TaskValidation
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxIdempotencyKeyLength = 200;
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Every problem with <paramref name="request"/>, by field; null when it is valid.</summary>
    public static Dictionary<string, string[]>? Validate(CreateTaskRequest? request, string? idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request is null)
        {
            errors["body"] = ["A JSON body with a title is required."];
            return errors;
        }

        if (string.IsNullOrWhiteSpace(request.Title))
        {
            errors["title"] = ["The title is required."];
        }
        else if (Characters(request.Title) > MaxTitleLength)
        {
            errors["title"] = [$"The title has {Characters(request.Title)} characters; at most {MaxTitleLength} are allowed."];
        }

        if (request.Description is { } description && Characters(description) > MaxDescriptionLength)
        {
            errors["description"] = [$"The description has {Characters(description)} characters; at most {MaxDescriptionLength} are allowed."];
        }

        if (idempotencyKey is not null && (idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength || idempotencyKey.Any(char.IsControl)))
        {
            errors["Idempotency-Key"] = [$"The Idempotency-Key header must be 1 to {MaxIdempotencyKeyLength} printable characters."];
        }

        return errors.Count == 0 ? null : errors;
    }

    /// <summary>
    /// A hash of what the request asks for: a retry with the same key must ask for the same thing. Each field is encoded
    /// with its presence and its length before its bytes, so no two different requests share an encoding (a separator
    /// could appear inside a title).
    /// </summary>
    public static string Fingerprint(CreateTaskRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, request.Title);
        Append(hash, request.Description);
        Append(hash, request.DueDate?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string? field)
    {
        Span<byte> header = stackalloc byte[5];
        var bytes = field is null ? [] : Encoding.UTF8.GetBytes(field);
        header[0] = field is null ? (byte)0 : (byte)1;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header[1..], bytes.Length);
        hash.AppendData(header);
        hash.AppendData(bytes);
    }

    /// <summary>Unicode characters (scalar values), so an emoji counts once.</summary>
    private static int Characters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
