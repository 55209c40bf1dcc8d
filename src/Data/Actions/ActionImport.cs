using SalesReporting.Data.Targets;

namespace SalesReporting.Data.Actions;

/// <summary>
/// Improvement actions from a sheet (SPEC §7). The whole file is checked first; one bad row rejects it
/// with row, column and reason, and nothing is written. Re-importing the same (rep_id, period, problem)
/// updates that action. An optional last column `indicator` names the indicator the action should move.
/// </summary>
public sealed class ActionImport(ActionStore store)
{
    public static readonly string[] Header =
        ["rep_id", "period", "problem", "root_cause", "cause_category", "action", "owner_name", "owner_email", "due_on", "checkpoint_on", "support_needed"];

    public async Task<IReadOnlyList<ActionRecord>> ImportAsync(string path, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        var (header, rows) = ImportFile.Read(path, Header, ["indicator"]);
        var (reps, indicators) = await store.KnownAsync(ct);

        var errors = new List<ImportError>();
        var parsed = new List<ActionFields>();
        var seen = new Dictionary<(string, DateOnly, string), int>();
        foreach (var (line, f) in rows)
        {
            string? Cell(string column) => Array.IndexOf(header, column) is var i and >= 0 ? f[i] : null;
            var draft = new ActionDraft(Cell("rep_id"), Cell("period"), Cell("problem"), Cell("root_cause"), Cell("cause_category"),
                Cell("action"), Cell("owner_name"), Cell("owner_email"), Cell("due_on"), Cell("checkpoint_on"), Cell("support_needed"),
                Cell("indicator"));
            var (fields, problems) = ActionRules.Check(draft, reps, indicators);
            errors.AddRange(problems.Select(p => new ImportError(name, line, p.Field, p.Value, p.Reason)));
            if (fields is null) continue;
            var key = (fields.RepId, fields.Period, fields.Problem);
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(new ImportError(name, line, "problem", fields.Problem, $"duplicate of row {first} (same rep, period and problem)"));
                continue;
            }
            seen[key] = line;
            parsed.Add(fields);
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        if (parsed.Count == 0) throw new ImportRejectedException([new ImportError(name, 1, "", "", "the file has a header but no rows")]);
        return await store.UpsertManyAsync(parsed, ct);
    }
}

/// <summary>
/// Anomaly reasons written by people (SPEC §4.2), header rep_id,period,indicator,reason; they replace the
/// automatic drafts on the form. All or nothing, like every import.
/// </summary>
public sealed class ReasonImport(ActionStore store)
{
    public static readonly string[] Header = ["rep_id", "period", "indicator", "reason"];

    public async Task<int> ImportAsync(string path, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        var (_, rows) = ImportFile.Read(path, Header, []);
        var (reps, indicators) = await store.KnownAsync(ct);
        var errors = new List<ImportError>();
        var parsed = new List<(string, DateOnly, string, string)>();
        var seen = new Dictionary<(string, DateOnly, string), int>();
        foreach (var (line, f) in rows)
        {
            var ok = true;
            void Fail(string column, string value, string reason) { errors.Add(new ImportError(name, line, column, value, reason)); ok = false; }
            if (f[0].Length == 0) Fail("rep_id", "", "required");
            else if (!reps.Contains(f[0])) Fail("rep_id", f[0], "unknown rep (not in the CRM's reps)");
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
        if (parsed.Count == 0) throw new ImportRejectedException([new ImportError(name, 1, "", "", "the file has a header but no rows")]);
        return await store.SetReasonsAsync(parsed, "import:" + name, ct);
    }
}

/// <summary>Reads an import file's rows after checking its header; a wrong header or field count rejects the file.</summary>
internal static class ImportFile
{
    /// <returns>the header as found (the required columns, then any optional ones present) and each row's trimmed cells with its line.</returns>
    public static (string[] Header, List<(int Line, string[] Fields)> Rows) Read(string path, string[] required, string[] optional)
    {
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext != ".csv") throw new ImportRejectedException([new ImportError(name, 0, "", ext, "unsupported file type; expected .csv")]);
        List<(int Line, string[] Fields)> records;
        using (var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true))
        {
            try { records = Csv.Read(reader).ToList(); }
            catch (FormatException ex) { throw new ImportRejectedException([new ImportError(name, 0, "", "", ex.Message)]); }
        }
        var expected = string.Join(",", required) + (optional.Length > 0 ? $"[,{string.Join(",", optional)}]" : "");
        if (records.Count == 0) throw new ImportRejectedException([new ImportError(name, 1, "", "", "the file is empty; expected the header " + expected)]);
        var header = records[0].Fields.Select(h => h.Trim()).ToArray();
        if (header.Length < required.Length || !header.Take(required.Length).SequenceEqual(required)
            || !header.Skip(required.Length).SequenceEqual(optional.Take(header.Length - required.Length)))
            throw new ImportRejectedException([new ImportError(name, 1, "", string.Join(",", header), "wrong header; expected " + expected)]);
        var errors = new List<ImportError>();
        var rows = new List<(int, string[])>();
        foreach (var (line, record) in records.Skip(1))
        {
            if (record.All(string.IsNullOrWhiteSpace)) continue;
            if (record.Length != header.Length)
            {
                errors.Add(new ImportError(name, line, "", string.Join(",", record), $"expected {header.Length} fields, found {record.Length}"));
                continue;
            }
            rows.Add((line, record.Select(v => v.Trim()).ToArray()));
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        return (header, rows);
    }
}
