// The scenario tests time faults against a live cluster; on two cores they must not compete with each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
