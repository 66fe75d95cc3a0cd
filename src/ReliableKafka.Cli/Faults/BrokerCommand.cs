using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary>
/// <c>rk fault crash|restart|shutdown|pause|resume|stop|start BROKER</c>: one broker's process, as a fault hook calls it.
/// <c>stop</c> and <c>start</c> are <c>shutdown</c> and <c>restart</c> under the names <c>rk audit --fault-command</c>
/// passes as <c>{action}</c>, so <c>rk fault {action} {broker}</c> is a fault command as it is.
/// </summary>
internal sealed class BrokerCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<BrokerSettings>(console, standardError)
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

    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, BrokerSettings settings, CancellationToken cancellationToken)
    {
        var broker = settings.Broker;
        return context.Name switch
        {
            "crash" => Answer(control.BrokerActionAsync(new CrashBroker(broker), cancellationToken),
                _ => Output.Line($"broker {broker} crashed; its partitions elect other leaders; 'rk fault restart {broker}' restarts it")),
            "restart" or "start" => Answer(control.BrokerActionAsync(new RestartBroker(broker), cancellationToken),
                _ => Output.Line($"broker {broker} is up; it rejoins as a follower and catches up")),
            "shutdown" or "stop" => Answer(control.BrokerActionAsync(new ShutdownBroker(broker), cancellationToken),
                _ => Output.Line($"broker {broker} shut down cleanly (its leaderships moved first); 'rk fault restart {broker}' restarts it")),
            "pause" => Answer(control.ApplyAsync(new PauseBroker(broker), cancellationToken),
                fault => Output.Added(fault, $"'rk fault resume {broker}' resumes it")),
            _ => Answer(control.ResumeAsync(broker, cancellationToken),
                resumed => Output.Line(resumed.Resumed.Count == 0 ? $"broker {broker} was not paused" : $"broker {broker} resumed (ended {string.Join(", ", resumed.Resumed)})")),
        };
    }
}
