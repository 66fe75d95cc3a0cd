using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using TaskApi.Tasks;

namespace TaskApi.Hosting;

/// <summary>
/// Turns what went wrong into ProblemDetails with the reason: malformed JSON (400), a body over the limit (413), a
/// wrong content type (415), an unavailable database or a stopping service (503). Nothing was changed in any of these.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, "The request body is too large.", $"At most {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes are accepted."),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } bad => (415, "Unsupported content type.", bad.Message + " Send application/json."),
            BadHttpRequestException bad when Find<JsonException>(bad) is { } json => (400, "The request body is not valid JSON.", Reason(json)),
            BadHttpRequestException bad when Find<BadHttpRequestException>(bad.InnerException) is { StatusCode: StatusCodes.Status413PayloadTooLarge } => (413, "The request body is too large.", bad.InnerException!.Message),
            BadHttpRequestException bad => (bad.StatusCode, "The request is not valid.", bad.Message),
            DatabaseUnavailableException or DbException => (503, "The database is unavailable.", "Nothing was written; try again."),
            ServiceStoppingException => (503, "The service is stopping.", "Nothing was written; try again on another instance or later."),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        if (status >= 500)
        {
            LogServerProblem(logger, exception, context.Request.Method, context.Request.Path, status);
        }

        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>Adds the reason to the ProblemDetails of a bare status code (one the framework set without an exception).</summary>
    public static void ExplainStatus(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => $"The body is larger than the {context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes accepted.",
            StatusCodes.Status415UnsupportedMediaType => $"The content type '{request.ContentType}' is not accepted; send application/json.",
            StatusCodes.Status404NotFound => $"There is no endpoint at {request.Method} {request.Path}.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}.",
            StatusCodes.Status400BadRequest => "The request could not be read.",
            _ => null,
        };
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>The parser's own words, without the exception type.</summary>
    private static string Reason(JsonException json) =>
        json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && json.Path is { } path
            ? $"The value at {path} has the wrong type (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})."
            : json.Message;

    [LoggerMessage(601, LogLevel.Warning, "{Method} {Path} answered {Status}")]
    private static partial void LogServerProblem(ILogger logger, Exception exception, string method, string path, int status);
}

/// <summary>Wires <see cref="ProblemExceptionHandler"/> and ProblemDetails for bare status codes.</summary>
public static class ErrorHandlingExtensions
{
    public static WebApplication UseTaskApiErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
