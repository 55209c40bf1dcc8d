namespace SalesReporting.Data;

/// <summary>The reps a file uploaded for one team may name; a row for anyone else is an error of that row.</summary>
public sealed record TeamScope(string TeamId, IReadOnlySet<string> RepIds)
{
    public string? Refuses(string repId) => RepIds.Contains(repId) ? null : $"not a rep of team {TeamId}";
}
