using Microsoft.Extensions.Options;
using Npgsql;

namespace SalesReporting.Data.Actions;

/// <summary>
/// Improvement actions from a sheet (layout in docs/files.md). The whole file is checked first; one bad row rejects it
/// with row, column and reason, and nothing is written. Re-importing the same (rep_id, period, problem)
/// updates that action. An optional last column `indicator` names the indicator the action should move.
/// </summary>
public sealed class ActionImport(ActionStore store, IOptions<ImportOptions> limits)
{
    public static readonly string[] Header =
        ["rep_id", "period", "problem", "root_cause", "cause_category", "action", "owner_name", "owner_email", "due_on", "checkpoint_on", "support_needed"];

    /// <param name="team">when set (an upload from a team's page), a row for a rep of another team is refused</param>
    /// <param name="encoding">the .csv's encoding as the person named it (--encoding); detected when null</param>
    /// <param name="alsoInTransaction">the rest of the import (scheduling the follow-ups), done in the transaction that writes the
    /// actions: all of it is kept or none</param>
    public async Task<IReadOnlyList<ActionRecord>> ImportAsync(string path, CancellationToken ct, TeamScope? team = null, string? encoding = null,
        Func<IReadOnlyList<ActionRecord>, NpgsqlConnection, NpgsqlTransaction, Task>? alsoInTransaction = null)
    {
        var today = store.Today;
        var file = TabularFile.Read(path, Header, ["indicator"], limits.Value, encoding);
        var header = file.Header.ToList();
        var (reps, indicators) = await store.KnownAsync(ct, RepIds(file, header.IndexOf("rep_id")));

        var errors = new List<ImportError>();
        var parsed = new List<ActionFields>();
        var seen = new Dictionary<(string, DateOnly, string), int>();
        foreach (var (line, f) in file.Rows)
        {
            string? Cell(string column) => header.IndexOf(column) is var i and >= 0 ? f[i] : null;
            var draft = new ActionDraft(Cell("rep_id"), Cell("period"), Cell("problem"), Cell("root_cause"), Cell("cause_category"),
                Cell("action"), Cell("owner_name"), Cell("owner_email"), Cell("due_on"), Cell("checkpoint_on"), Cell("support_needed"),
                Cell("indicator"));
            var (fields, problems) = ActionRules.Check(draft, reps, indicators, today);
            errors.AddRange(problems.Select(p => file.Error(line, p.Field, p.Value, p.Reason)));
            if (fields is not null && team?.Refuses(fields.RepId) is { } outside) { errors.Add(file.Error(line, "rep_id", fields.RepId, outside)); continue; }
            if (fields is null) continue;
            var key = (fields.RepId, fields.Period, fields.Problem);
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(file.Error(line, "problem", fields.Problem, $"duplicate of row {first} (same rep, period and problem)"));
                continue;
            }
            seen[key] = line;
            parsed.Add(fields);
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        if (parsed.Count == 0) throw new ImportRejectedException([file.Error(1, "", "", "the file has a header but no rows")]);
        return await store.UpsertManyAsync(parsed, ct, alsoInTransaction);
    }

    /// <summary>The rep ids a file names, to check them against the CRM's reps.</summary>
    internal static string[] RepIds(TabularFile file, int column) => file.Rows.Select(r => r.Fields[column].Trim()).Distinct(StringComparer.Ordinal).ToArray();
}

/// <summary>
/// Anomaly reasons written by people, header rep_id,period,indicator,reason; they replace the
/// automatic drafts on the form. All or nothing, like every import.
/// </summary>
public sealed class ReasonImport(ActionStore store, IOptions<ImportOptions> limits)
{
    public static readonly string[] Header = ["rep_id", "period", "indicator", "reason"];

    /// <param name="encoding">the .csv's encoding as the person named it (--encoding); detected when null</param>
    public async Task<int> ImportAsync(string path, CancellationToken ct, string? encoding = null)
    {
        var file = TabularFile.Read(path, Header, limits: limits.Value, encoding: encoding);
        var (reps, indicators) = await store.KnownAsync(ct, ActionImport.RepIds(file, 0));
        var errors = new List<ImportError>();
        var parsed = new List<(string, DateOnly, string, string)>();
        var seen = new Dictionary<(string, DateOnly, string), int>();
        foreach (var (line, f) in file.Rows)
        {
            var ok = true;
            void Fail(string column, string value, string reason) { errors.Add(file.Error(line, column, value, reason)); ok = false; }
            if (f[0].Length == 0) Fail("rep_id", "", "required");
            else if (reps.Problem(f[0]) is { } unknown) Fail("rep_id", f[0], unknown);
            if (!Period.TryParse(f[1], out var period)) Fail("period", f[1], "expected YYYY-MM");
            if (!indicators.Contains(f[2])) Fail("indicator", f[2], "unknown indicator; expected one of " + string.Join(", ", indicators.Order(StringComparer.Ordinal)));
            if (f[3].Length == 0) Fail("reason", "", "required");
            else if (f[3].Length > ActionRules.MaxText) Fail("reason", f[3][..40] + "…", $"longer than {ActionRules.MaxText} characters");
            if (!ok) continue;
            if (seen.TryGetValue((f[0], period.Start, f[2]), out var first)) { Fail("indicator", f[2], $"duplicate of row {first} (same rep, period and indicator)"); continue; }
            seen[(f[0], period.Start, f[2])] = line;
            parsed.Add((f[0], period.Start, f[2], f[3]));
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        if (parsed.Count == 0) throw new ImportRejectedException([file.Error(1, "", "", "the file has a header but no rows")]);
        return await store.SetReasonsAsync(parsed, "import:" + file.FileName, ct);
    }
}
