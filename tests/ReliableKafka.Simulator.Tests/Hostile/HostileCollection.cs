namespace ReliableKafka.Simulator.Tests.Hostile;

/// <summary>Tests that measure the process's managed heap run alone, so other tests' allocations do not blur it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostileCollection
{
    public const string Name = "hostile input, measured heap";
}
