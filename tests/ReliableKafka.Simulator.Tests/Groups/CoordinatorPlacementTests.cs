using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Simulator.Tests.Groups;

public sealed class CoordinatorPlacementTests
{
    private static readonly int[] Brokers = [1, 2, 3];
    private static readonly string[] Keys = [.. Enumerable.Range(0, 200).Select(static i => $"group-{i}")];

    [Fact]
    public void Every_key_has_one_stable_coordinator_and_keys_spread_over_all_brokers()
    {
        var first = Keys.Select(static k => CoordinatorPlacement.CoordinatorFor(k, Brokers, static _ => true)).ToList();
        var second = Keys.Select(static k => CoordinatorPlacement.CoordinatorFor(k, Brokers, static _ => true)).ToList();

        Assert.Equal(first, second);
        Assert.Equal(Brokers, first.Distinct().Order());
    }

    [Fact]
    public void A_down_broker_hands_only_its_own_keys_to_live_brokers()
    {
        var before = Keys.ToDictionary(static k => k, static k => CoordinatorPlacement.CoordinatorFor(k, Brokers, static _ => true));

        var after = Keys.ToDictionary(static k => k, static k => CoordinatorPlacement.CoordinatorFor(k, Brokers, static id => id != 2));

        Assert.All(Keys, k => Assert.Equal(before[k] == 2 ? after[k] : before[k], after[k]));
        Assert.All(Keys, k => Assert.NotEqual(2, after[k]));
        Assert.Contains(Keys, k => before[k] == 2);
    }

    [Fact]
    public void No_live_broker_means_no_coordinator()
    {
        Assert.Equal(-1, CoordinatorPlacement.CoordinatorFor("g", Brokers, static _ => false));
        Assert.Equal(-1, CoordinatorPlacement.CoordinatorFor("g", [], static _ => true));
    }
}
