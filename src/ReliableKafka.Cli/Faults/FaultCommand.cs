using System.Globalization;
using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using ReliableKafka.Simulator.Protocol;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary>
/// One <c>rk fault</c> command: a single call to the control API of <c>rk cluster</c> through
/// <see cref="SimulatorControlClient"/>, its answer printed as JSON (<c>--json</c>) or as a short line or table. Exit
/// codes are in <see cref="FaultConstants"/>.
/// </summary>
internal abstract class FaultCommand<TSettings>(IAnsiConsole console, StandardError standardError) : AsyncCommand<TSettings>
    where TSettings : FaultSettings
{
    /// <summary>Where a success is printed for people.</summary>
    protected FaultOutput Output { get; } = new(console);

    /// <summary>Makes the call; <see cref="Answer"/> wraps the client's answer with how to print it.</summary>
    /// <exception cref="FaultRefusedException">The request cannot be made as given (an unknown API or error name).</exception>
    protected abstract Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, TSettings settings, CancellationToken cancellationToken);

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(settings.ControlUrl + "/"), Timeout = FaultConstants.ControlTimeout };
        Outcome outcome;
        try
        {
            outcome = await CallAsync(new SimulatorControlClient(http), context, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (FaultRefusedException e)
        {
            return await RefusedAsync(e.Message).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return await UnreachableAsync(settings, e.Message).ConfigureAwait(false);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await UnreachableAsync(settings, $"no answer within {FaultConstants.ControlTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s").ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            await standardError.WriteLineAsync($"rk fault: {e.Message}; is --control the control API of 'rk cluster'?").ConfigureAwait(false);
            return FaultConstants.BadUsage;
        }

        if (outcome.Problem is { } problem)
        {
            return await RefusedAsync(problem.Message).ConfigureAwait(false);
        }

        if (settings.Json)
        {
            console.WriteRaw(outcome.Json.Trim());
        }
        else
        {
            outcome.Render();
        }

        return FaultConstants.Done;
    }

    /// <summary>The outcome of a call: the answer as sent, or the refusal, and how to print a success for people.</summary>
    protected static async Task<Outcome> Answer<T>(Task<ControlAnswer<T>> call, Action<T> render)
    {
        var answer = await call.ConfigureAwait(false);
        return new Outcome(answer.Json, answer.Problem, () => render(answer.Value!));
    }

    /// <summary>An API by name, in any case, as the control API reads it.</summary>
    /// <exception cref="FaultRefusedException">No such API.</exception>
    protected static ApiKey ParseApi(string text) =>
        text.Length > 0 && !char.IsAsciiDigit(text[0]) && !text.StartsWith('-') && Enum.TryParse<ApiKey>(text, ignoreCase: true, out var key) && Enum.IsDefined(key)
            ? key
            : throw new FaultRefusedException($"Unknown API '{text}'; use one of {string.Join(", ", Enum.GetNames<ApiKey>())}.");

    private async Task<int> RefusedAsync(string message)
    {
        await standardError.WriteLineAsync($"rk fault: {message}").ConfigureAwait(false);
        return FaultConstants.Refused;
    }

    private async Task<int> UnreachableAsync(TSettings settings, string reason)
    {
        await standardError.WriteLineAsync(
            $"rk fault: cannot reach the control API at {settings.ControlUrl} ({reason}). Start the cluster with 'rk cluster' (its control API listens on "
            + $"{FaultConstants.DefaultControl} unless --control-port says otherwise), or pass --control URL (or set {FaultConstants.ControlVariable}).").ConfigureAwait(false);
        return FaultConstants.BadUsage;
    }

    /// <summary>What a call gave.</summary>
    protected sealed record Outcome(string Json, ControlProblem? Problem, Action Render);
}

/// <summary>A request refused before it is sent, with the message the control API would give (exit 1).</summary>
internal sealed class FaultRefusedException(string message) : Exception(message);
