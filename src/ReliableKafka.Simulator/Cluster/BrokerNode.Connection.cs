using System.IO.Pipelines;

namespace ReliableKafka.Simulator.Cluster;

internal sealed partial class BrokerNode
{
    /// <summary>
    /// The next read. In the middle of a request it must bring bytes within
    /// <see cref="SimulatedClusterOptions.PartialRequestTimeout"/> (on the cluster's clock): null when it did not.
    /// </summary>
    private async ValueTask<ReadResult?> ReadAsync(PipeReader reader, bool midFrame, CancellationToken token)
    {
        if (!midFrame)
        {
            return await reader.ReadAsync(token).ConfigureAwait(false);
        }

        using var stalled = new CancellationTokenSource(cluster.Options.PartialRequestTimeout, cluster.Time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(token, stalled.Token);
        try
        {
            return await reader.ReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stalled.IsCancellationRequested && !token.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>What the broker knows of one connection.</summary>
    private sealed class Connection
    {
        public string? ClientId { get; set; }

        /// <summary>The client's address, kept for the log after the socket closes.</summary>
        public string? Remote { get; init; }

        /// <summary>Why the broker reset this connection itself (a fault, or the broker stopping), for the log.</summary>
        public string? ClosedBy { get; set; }

        /// <summary>Set when a response on it was dropped: nothing more is answered on this connection.</summary>
        public bool Silenced { get; set; }
    }
}
