using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary>
/// One <c>rk fault</c> command: a single call to the control API of <c>rk cluster</c>, its answer printed as JSON
/// (<c>--json</c>) or as a short line or table. Exit codes are in <see cref="FaultConstants"/>.
/// </summary>
internal abstract class FaultCommand<TSettings> : AsyncCommand<TSettings>
    where TSettings : FaultSettings
{
    /// <summary>The call to make.</summary>
    protected abstract ControlRequest Request(CommandContext context, TSettings settings);

    /// <summary>Prints a successful answer for people.</summary>
    protected abstract void Render(CommandContext context, TSettings settings, JsonElement answer);

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        var request = Request(context, settings);
        var url = settings.ControlUrl + request.Path;
        int status;
        string body;
        using (var http = new HttpClient { Timeout = FaultConstants.ControlTimeout })
        using (var message = new HttpRequestMessage(request.Method, url))
        {
            if (request.Body is not null)
            {
                message.Content = new StringContent(request.Body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            }

            try
            {
                using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
                status = (int)response.StatusCode;
                body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                return await UnreachableAsync(settings, e.Message).ConfigureAwait(false);
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return await UnreachableAsync(settings, $"no answer within {FaultConstants.ControlTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s").ConfigureAwait(false);
            }
        }

        JsonElement answer;
        try
        {
            using var document = JsonDocument.Parse(body);
            answer = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return await NotTheControlApiAsync(request, url, status).ConfigureAwait(false);
        }

        if (status is >= 200 and < 300)
        {
            if (settings.Json)
            {
                await Console.Out.WriteLineAsync(body.Trim()).ConfigureAwait(false);
            }
            else
            {
                Render(context, settings, answer);
            }

            return FaultConstants.Done;
        }

        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            await Console.Error.WriteLineAsync($"rk fault: {error.GetString()}").ConfigureAwait(false);
            return FaultConstants.Refused;
        }

        return await NotTheControlApiAsync(request, url, status).ConfigureAwait(false);
    }

    private static async Task<int> UnreachableAsync(TSettings settings, string reason)
    {
        await Console.Error.WriteLineAsync(
            $"rk fault: cannot reach the control API at {settings.ControlUrl} ({reason}). Start the cluster with 'rk cluster' (its control API listens on "
            + $"{FaultConstants.DefaultControl} unless --control-port says otherwise), or pass --control URL (or set {FaultConstants.ControlVariable}).").ConfigureAwait(false);
        return FaultConstants.BadUsage;
    }

    private static async Task<int> NotTheControlApiAsync(ControlRequest request, string url, int status)
    {
        await Console.Error.WriteLineAsync(
            $"rk fault: {request.Method} {url} answered {status} without the control API's JSON; is --control the control API of 'rk cluster'?").ConfigureAwait(false);
        return FaultConstants.BadUsage;
    }
}
