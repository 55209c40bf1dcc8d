namespace SalesReporting.Data.Sources;

/// <summary>Which rep ids an import or a form may name, and what to say of one it may not.</summary>
public sealed class RepLookup(IReadOnlySet<string> known, IReadOnlyDictionary<string, string> quarantined)
{
    public const string NotInCrm = "unknown rep (not in the CRM's reps)";

    public bool Contains(string repId) => known.Contains(repId);

    /// <summary>Null for a rep that may be named; otherwise why not: absent from the CRM, or in it but refused by sync.</summary>
    public string? Problem(string repId) =>
        known.Contains(repId) ? null
        : quarantined.TryGetValue(repId, out var reason) ? $"the CRM's rep is quarantined at sync ({reason}); correct it in the CRM, then sync"
        : NotInCrm;
}

/// <summary>
/// The reps an import is checked against: the staged ones, and when a rep in question is not staged (before the first
/// sync, or a rep added to the CRM since the last) the CRM's own, as a sync would stage them now
/// (<see cref="SourceSync.PreviewRepsAsync"/>, which keeps nothing). So a rep that is in the CRM is never called unknown.
/// </summary>
public sealed class CrmReps(Databases db, SourceSync sync)
{
    public async Task<RepLookup> LookupAsync(IEnumerable<string> repIds, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var staged = (await Dapper.SqlMapper.QueryAsync<string>(conn, new Dapper.CommandDefinition(
            "select rep_id from staging.reps", cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        if (repIds.All(r => r.Length == 0 || staged.Contains(r))) return new RepLookup(staged, new Dictionary<string, string>());
        var (reps, quarantined) = await sync.PreviewRepsAsync(ct);
        return new RepLookup(reps, quarantined);
    }
}
