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

    /// <summary>A hash of what the request asks for: a retry with the same key must ask for the same thing.</summary>
    public static string Fingerprint(CreateTaskRequest request)
    {
        var text = string.Join('\u001f', request.Title, request.Description ?? "\u0000", request.DueDate?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
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
