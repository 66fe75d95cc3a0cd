using ReliableKafka.Cli.Common;
using ReliableKafka.Simulator.Control;
using Spectre.Console;
using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary><c>rk fault leader TOPIC PARTITION BROKER</c>: moves a partition's leadership, as a preferred-leader election does.</summary>
internal sealed class LeaderCommand(IAnsiConsole console, StandardError standardError) : FaultCommand<PartitionSettings>(console, standardError)
{
    protected override Task<Outcome> CallAsync(SimulatorControlClient control, CommandContext context, PartitionSettings settings, CancellationToken cancellationToken) =>
        Answer(
            control.MoveLeaderAsync(new MoveLeader(settings.Broker, Topic: settings.Topic, Partition: settings.Partition), cancellationToken),
            moved => Output.Line($"{settings.Topic}[{settings.Partition}]: broker {moved.Leader} is the leader now"));
}
