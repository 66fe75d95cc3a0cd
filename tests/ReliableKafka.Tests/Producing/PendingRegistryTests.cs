using ReliableKafka.Producing;
using ReliableKafka.Testing;

namespace ReliableKafka.Tests.Producing;

public sealed class PendingRegistryTests
{
    private sealed class Node : PendingDelivery
    {
        public int Delivered;

        protected override void Deliver(in DeliveryOutcome outcome) => Delivered++;
    }

    [Fact]
    public void Claimed_nodes_leave_the_count_and_a_sweep_returns_only_the_rest_across_segments()
    {
        var registry = new PendingRegistry();
        var nodes = Enumerable.Range(0, (PendingRegistry.SegmentSize * 3) + 17).Select(static _ => new Node()).ToList();
        Assert.True(registry.TryEnter(out var token));
        foreach (var node in nodes)
        {
            registry.Add(token, node);
        }

        PendingRegistry.Exit(token);
        Assert.Equal(nodes.Count, registry.Count);

        var claimed = nodes.Where(static (_, i) => i % 3 != 0).ToList();
        Assert.All(claimed, static n => Assert.True(PendingRegistry.TryClaim(n)));
        Assert.All(claimed, static n => Assert.False(PendingRegistry.TryClaim(n)));
        Assert.Equal(nodes.Count - claimed.Count, registry.Count);

        var swept = registry.CloseAndClaimAll(TimeSpan.FromSeconds(1), out var drained);

        Assert.True(drained);
        Assert.Equal(nodes.Where(static (_, i) => i % 3 == 0).ToHashSet(), swept.Cast<Node>().ToHashSet());
        Assert.Equal(0, registry.Count);
        Assert.False(registry.TryEnter(out _));
    }

    [Fact]
    public async Task Closing_waits_for_a_thread_inside_the_gate_and_reports_when_it_does_not_leave()
    {
        var registry = new PendingRegistry();
        Assert.True(registry.TryEnter(out var token));
        var node = new Node();
        registry.Add(token, node);

        var closing = Task.Run(() => registry.CloseAndClaimAll(TimeSpan.FromSeconds(10), out var drained) is var swept && drained ? swept : null);
        await Eventually.WaitUntilAsync(() => !IsOpen(registry), TimeSpan.FromSeconds(10), "closing to begin");
        Assert.False(closing.IsCompleted);
        PendingRegistry.Exit(token);
        var swept = await closing.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Same(node, Assert.Single(swept!));

        var stuck = new PendingRegistry();
        Assert.True(stuck.TryEnter(out _));
        stuck.CloseAndClaimAll(TimeSpan.FromMilliseconds(100), out var stuckDrained);
        Assert.False(stuckDrained);
    }

    [Fact]
    public async Task Concurrent_claims_and_a_sweep_give_each_node_exactly_one_owner()
    {
        var registry = new PendingRegistry();
        var nodes = Enumerable.Range(0, 20_000).Select(static _ => new Node()).ToArray();
        Assert.True(registry.TryEnter(out var token));
        foreach (var node in nodes)
        {
            registry.Add(token, node);
        }

        PendingRegistry.Exit(token);
        var claimedByDelivery = 0;
        var delivery = Task.Run(() =>
        {
            foreach (var node in nodes)
            {
                if (PendingRegistry.TryClaim(node))
                {
                    Interlocked.Increment(ref claimedByDelivery);
                }
            }
        });
        var swept = registry.CloseAndClaimAll(TimeSpan.FromSeconds(1), out _);
        await delivery;

        Assert.Equal(nodes.Length, claimedByDelivery + swept.Count);
        Assert.All(nodes, static n => Assert.Equal(1, n.Claimed));
    }

    /// <summary>Whether the gate still lets a thread in (a probe that leaves at once).</summary>
    private static bool IsOpen(PendingRegistry registry)
    {
        if (!registry.TryEnter(out var probe))
        {
            return false;
        }

        PendingRegistry.Exit(probe);
        return true;
    }
}
