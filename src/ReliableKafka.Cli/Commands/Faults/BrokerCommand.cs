using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Commands.Faults;

/// <summary>
/// <c>rk fault crash|restart|shutdown|pause|resume|stop|start BROKER</c>: one broker's process, as a fault hook calls it.
/// <c>stop</c> and <c>start</c> are <c>shutdown</c> and <c>restart</c> under the names <c>rk audit --fault-command</c>
/// passes as <c>{action}</c>, so <c>rk fault {action} {broker}</c> is a fault command as it is.
/// </summary>
internal sealed class BrokerCommand : FaultCommand<BrokerCommand.Settings>
{
    /// <summary>The actions, with their help text.</summary>
    public static readonly IReadOnlyList<(string Name, string Description)> Actions =
    [
        ("crash", "Crash a broker, like kill -9: its connections reset and its partitions elect other leaders; its log survives."),
        ("restart", "Restart a crashed or stopped broker on its port: it rejoins as a follower, truncates and catches up."),
        ("shutdown", "Shut a broker down cleanly, as Kafka's controlled shutdown does: its leaderships move first, then it stops."),
        ("pause", "Pause a broker, like SIGSTOP: nothing is answered; after broker.session.timeout.ms it is fenced."),
        ("resume", "Resume a paused broker (ends its pause faults); a fenced broker rejoins as a follower."),
        ("stop", "The same as shutdown (a clean, controlled shutdown), named as rk audit's fault command passes it."),
        ("start", "The same as restart, named as rk audit's fault command passes it."),
    ];

    /// <summary>The action an alias stands for: stop is shutdown, start is restart.</summary>
    private static string Action(CommandContext context) => context.Name switch
    {
        "stop" => "shutdown",
        "start" => "restart",
        var name => name,
    };

    public class Settings : FaultSettings
    {
        [CommandArgument(0, "<BROKER>")]
        [Description("The broker id, as GET /cluster lists them (1..N).")]
        public int Broker { get; init; }

        public override ValidationResult Validate() =>
            Broker < 0 ? ValidationResult.Error($"BROKER must be a broker id such as 1, not {Broker}.") : base.Validate();
    }

    protected override ControlRequest Request(CommandContext context, Settings settings) => Action(context) switch
    {
        "pause" => ControlRequest.AddFault(new JsonObject { ["kind"] = "pause", ["broker"] = settings.Broker }),
        var action => ControlRequest.Post($"/brokers/{settings.Broker}/{action}"),
    };

    protected override void Render(CommandContext context, Settings settings, JsonElement answer)
    {
        var broker = settings.Broker;
        switch (Action(context))
        {
            case "crash":
                FaultOutput.Line($"broker {broker} crashed; its partitions elect other leaders; 'rk fault restart {broker}' restarts it");
                break;
            case "restart":
                FaultOutput.Line($"broker {broker} is up; it rejoins as a follower and catches up");
                break;
            case "shutdown":
                FaultOutput.Line($"broker {broker} shut down cleanly (its leaderships moved first); 'rk fault restart {broker}' restarts it");
                break;
            case "pause":
                FaultOutput.Added(answer, $"'rk fault resume {broker}' resumes it");
                break;
            default:
                var resumed = answer.TryGetProperty("resumed", out var ids) ? ids.EnumerateArray().Select(static id => id.GetString()).ToList() : [];
                FaultOutput.Line(resumed.Count == 0 ? $"broker {broker} was not paused" : $"broker {broker} resumed (ended {string.Join(", ", resumed)})");
                break;
        }
    }
}
