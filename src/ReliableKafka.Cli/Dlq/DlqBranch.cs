using Spectre.Console.Cli;

namespace ReliableKafka.Cli.Dlq;

/// <summary>The <c>rk dlq</c> branch: list, show and replay dead letters.</summary>
internal static class DlqBranch
{
    public static void AddDlqBranch(this IConfigurator config) =>
        config.AddBranch("dlq", dlq =>
        {
            dlq.SetDescription("List, show and replay dead letters (the dead-letter topic, and a local spill file with --spill). "
                + "Exit codes: 0 done, 1 not done (a letter not there, a replay refused because already replayed, a replay that failed), 2 bad input or the cluster not reachable within --timeout-ms.");
            dlq.AddCommand<DlqListCommand>("list")
                .WithDescription("List dead letters with their original topic, error, time, attempts and replays.")
                .WithExample("dlq", "list", "--bootstrap-servers", "127.0.0.1:19092", "--original-topic", "orders", "--json");
            dlq.AddCommand<DlqShowCommand>("show")
                .WithDescription("Show one dead letter: key, value and every header decoded, and its replays.")
                .WithExample("dlq", "show", "--bootstrap-servers", "127.0.0.1:19092", "0:42");
            dlq.AddCommand<DlqReplayCommand>("replay")
                .WithDescription("Replay the selected dead letters to their original topics with the Critical profile, and mark them; a letter already replayed is refused unless --force.")
                .WithExample("dlq", "replay", "--bootstrap-servers", "127.0.0.1:19092", "--original-topic", "orders", "--dry-run");
        });
}
