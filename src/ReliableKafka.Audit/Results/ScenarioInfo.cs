namespace ReliableKafka.Audit;

/// <summary>A scenario as the report describes it.</summary>
/// <param name="Id">Its id.</param>
/// <param name="Description">What its fault schedule does.</param>
public sealed record ScenarioInfo(string Id, string Description);
