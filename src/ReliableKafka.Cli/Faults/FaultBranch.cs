using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Faults;

/// <summary>The <c>rk fault</c> branch: one command per fault, each a call to the control API of <c>rk cluster</c>.</summary>
internal static class FaultBranch
{
    public static void AddFaultBranch(this IConfigurator config) =>
        config.AddBranch<FaultSettings>("fault", fault =>
        {
            fault.SetDescription("Inject faults into a running rk cluster through its control API (--control URL; default $RK_CONTROL, else http://127.0.0.1:19090). "
                + "Exit codes: 0 done, 1 the control API refused (its message says why), 2 bad usage or no control API at the URL.");
            foreach (var (name, description) in BrokerCommand.Actions)
            {
                fault.AddCommand<BrokerCommand>(name).WithDescription(description).WithExample("fault", name, "2");
            }

            fault.AddCommand<LeaderCommand>("leader")
                .WithDescription("Move a partition's leadership to another online in-sync replica.")
                .WithExample("fault", "leader", "task-events", "0", "3");
            fault.AddCommand<DropAcksCommand>("drop-acks")
                .WithDescription("Drop the responses to the next Produce requests after the append: the records are in the log, the client times out and retries.")
                .WithExample("fault", "drop-acks", "1", "--count", "3");
            fault.AddCommand<DelayCommand>("delay")
                .WithDescription("Delay a broker's responses (all, or one API's) after the request took effect.")
                .WithExample("fault", "delay", "1", "--ms", "200", "--api", "Produce");
            fault.AddCommand<ErrorCommand>("error")
                .WithDescription("Answer the next requests with a Kafka error and no effect (nothing is appended).")
                .WithExample("fault", "error", "1", "--code", "NOT_ENOUGH_REPLICAS", "--api", "Produce", "--count", "3");
            fault.AddCommand<CutCommand>("cut")
                .WithDescription("Cut the network between clients (all, or one client.id) and a broker; replication is not affected.")
                .WithExample("fault", "cut", "2", "--client-id", "my-producer", "--mode", "reset");
            fault.AddCommand<LagCommand>("lag")
                .WithDescription("Stop or slow a follower; the ISR shrinks after replica.lag.time.max.ms.")
                .WithExample("fault", "lag", "task-events", "0", "3", "--stop");
            fault.AddCommand<HoldMarkersCommand>("hold-markers")
                .WithDescription("Hold the transaction markers a broker writes as a transaction coordinator: decided transactions stay invisible to read_committed consumers until the fault ends or the broker crashes (the next coordinator writes them).")
                .WithExample("fault", "hold-markers", "1");
            fault.AddCommand<ListCommand>("list").WithDescription("List the faults in force.").WithExample("fault", "list", "--json");
            fault.AddCommand<ClearCommand>("clear")
                .WithDescription("End one fault by id, or every fault (paused brokers resume; crashed brokers stay down: use restart).")
                .WithExample("fault", "clear", "delay-4");
            fault.AddCommand<EventsCommand>("events")
                .WithDescription("Show the cluster's ground truth: appends, acknowledgements, truncations, elections, ISR changes, broker states, faults that fired.")
                .WithExample("fault", "events", "--kind", "ErrorInjected", "--topic", "task-events", "--partition", "0");
        });
}
