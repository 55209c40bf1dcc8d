using System.Globalization;
using Dapper;
using Npgsql;
using SalesReporting.Data;

namespace SalesReporting.Tests.Infrastructure;

/// <summary>
/// The one way a test writes its seed rows: the source systems' tables (crm.*, finance.*, as in sql/sources), or
/// their staged copies (<see cref="Staging"/>), and the reporting rows a test sets up by hand (custom indicators,
/// weights, targets, stored indicator values). Rows are collected fluently and written by <see cref="WriteAsync"/>:
/// each table's rows in one parameterized statement (<c>insert … select * from unnest(@arrays)</c>), each database in
/// one transaction, tables in dependency order (teams before reps, indicators before targets).
/// <para>
/// Parameters follow the column order of the table, so a row reads as its SQL did. Columns tests rarely care about
/// have defaults, named in each method's summary; every default can be overridden, with <c>null</c> too.
/// Instants are written as in SQL, with their offset (<c>"2026-10-03 10:00+08"</c>), or as a <see cref="DateTimeOffset"/>;
/// dates as <c>"yyyy-MM-dd"</c> or a <see cref="DateOnly"/> (<see cref="At"/>, <see cref="On"/>).
/// </para>
/// <para>
/// Checks: an id may not be empty, a key may not be added twice to one table, an instant must carry its offset and a
/// date must be a real one in ISO form. Nothing else is checked: rows the sync must quarantine (unknown rep, score 7,
/// negative amount, a date in 1900) are written as given, since they are what such tests are about.
/// </para>
/// <para>
/// <c>updated_at</c> is left to the source tables' default (<c>now()</c>); staged rows get <c>now()</c>.
/// </para>
/// </summary>
public sealed class Seed
{
    private readonly Databases databases;
    private readonly bool staged;
    private readonly Dictionary<string, Table> tables = new(StringComparer.Ordinal);

    /// <summary>Rows for the source systems: crm.* in the CRM database, finance.* in the finance database, reporting.* in reporting.</summary>
    public Seed(Databases databases) : this(databases, staged: false) { }

    private Seed(Databases databases, bool staged)
    {
        this.databases = databases;
        this.staged = staged;
    }

    /// <summary>The source rows written straight into their staged copies (staging.*, in the reporting database), as if synced.</summary>
    public static Seed Staging(Databases databases) => new(databases, staged: true);

    // ---- crm -------------------------------------------------------------------------------------------------------

    /// <summary>crm.teams. Defaults: region 华东, manager 王经理 &lt;wang@x.example&gt;, locale zh-CN.</summary>
    public Seed Team(string id, string name, string? region = "华东", string? manager = "王经理", string? managerEmail = "wang@x.example", string? locale = "zh-CN") =>
        Add(Crm("teams"), id, id, name, region, manager, managerEmail, locale);

    /// <summary>crm.reps. Defaults: name the id, email the id in lower case at x.example, hired 2020-01-01, active.</summary>
    public Seed Rep(string id, string team, string? name = null, string? email = null, On? hired = null, bool? active = true) =>
        Add(Crm("reps"), id, id, team, name ?? id, email ?? $"{id.ToLowerInvariant()}@x.example", (hired ?? new On(new DateOnly(2020, 1, 1))).Value, active);

    /// <summary>Several reps of one team with the defaults of <see cref="Rep"/>.</summary>
    public Seed Reps(string team, params string[] ids)
    {
        foreach (var id in ids) Rep(id, team);
        return this;
    }

    /// <summary>crm.customers. Defaults: name the id, industry 制造业, segment standard, no owner, no contract end.</summary>
    public Seed Customer(string id, string? name = null, string? industry = "制造业", string? segment = "standard", string? owner = null, On? contractEnd = null) =>
        Add(Crm("customers"), id, id, name ?? id, industry, segment, owner, contractEnd?.Value);

    /// <summary>crm.leads. Defaults: not qualified, not converted, no customer.</summary>
    public Seed Lead(string id, string rep, At? created, At? qualified = null, At? converted = null, string? customer = null) =>
        Add(Crm("leads"), id, id, rep, customer, created?.Value, qualified?.Value, converted?.Value);

    /// <summary>
    /// crm.activities. Defaults: 30 minutes, with the decision maker, need identified; no subject, progress or
    /// support needed.
    /// </summary>
    public Seed Activity(string id, string rep, string? customer, string kind, At at, int? minutes = 30, bool? decisionMaker = true,
        bool? need = true, string? subject = null, string? progress = null, string? support = null) =>
        Add(Crm("activities"), id, id, rep, customer, kind, at.Value, minutes, decisionMaker, need, subject, progress, support);

    /// <summary>crm.opportunities. Defaults: stage won, not a renewal.</summary>
    public Seed Opportunity(string id, string rep, string? customer, decimal? amount, At? proposal, At? won, string stage = "won", bool? renewal = false) =>
        Add(Crm("opportunities"), id, id, rep, customer, amount, stage, proposal?.Value, won?.Value, renewal);

    /// <summary>crm.surveys.</summary>
    public Seed Survey(string id, string? customer, string rep, int score, At at) =>
        Add(Crm("surveys"), id, id, customer, rep, score, at.Value);

    // ---- finance ---------------------------------------------------------------------------------------------------

    /// <summary>finance.invoices. Defaults: cost 0, status issued, no opportunity.</summary>
    public Seed Invoice(string id, string? customer, string rep, On issued, On due, decimal? amount, decimal? cost = 0, string status = "issued", string? opportunity = null) =>
        Add(Finance("invoices"), id, id, customer, rep, opportunity, issued.Value, due.Value, amount, cost, status);

    /// <summary>finance.payments.</summary>
    public Seed Payment(string id, string invoice, On received, decimal amount) =>
        Add(Finance("payments"), id, id, invoice, received.Value, amount);

    // ---- reporting -------------------------------------------------------------------------------------------------

    /// <summary>
    /// reporting.indicator, a custom indicator. Defaults: a process count, higher is better, missing as zero; has a
    /// target and is enabled (the table's defaults).
    /// </summary>
    public Seed Indicator(string code, string zhCn, string zhTw, string en, int sortOrder, string query, string category = "process",
        string unit = "count", string direction = "higher", string missingAs = "zero") =>
        Add(Reporting("indicator"), code, code, zhCn, zhTw, en, category, unit, direction, missingAs, sortOrder, query);

    /// <summary>reporting.indicator_weight: one weight of a team's set ('*' for the company default).</summary>
    public Seed Weight(string team, string indicator, decimal weight) =>
        Add(Reporting("indicator_weight"), $"{team}/{indicator}", team, indicator, weight);

    /// <summary>reporting.target: a rep's monthly target (period the first of the month). Default: from no file.</summary>
    public Seed Target(string rep, On period, string indicator, decimal target, string? sourceFile = null) =>
        Add(Reporting("target"), $"{rep}/{period}/{indicator}", rep, period.Value, indicator, target, sourceFile);

    /// <summary>Targets of several reps for one month and indicator.</summary>
    public Seed Targets(On period, string indicator, decimal target, params string[] reps)
    {
        foreach (var rep in reps) Target(rep, period, indicator, target);
        return this;
    }

    /// <summary>reporting.indicator_value: a stored monthly figure, as compute would have written it.</summary>
    public Seed Value(On period, string rep, string indicator, decimal? actual) =>
        Add(Reporting("indicator_value"), $"{period}/{indicator}/{rep}", period.Value, rep, indicator, actual);

    // ---- writing ---------------------------------------------------------------------------------------------------

    /// <summary>Writes the rows collected, each table in one statement, each database in one transaction.</summary>
    public async Task WriteAsync()
    {
        foreach (var group in tables.Values.OrderBy(t => t.Spec.Order).GroupBy(t => t.Database))
        {
            await using var conn = await group.Key.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            foreach (var table in group)
            {
                var spec = table.Spec;
                var args = new DynamicParameters();
                var arrays = new List<string>();
                for (var c = 0; c < spec.Columns.Length; c++)
                {
                    var (_, type) = spec.Columns[c];
                    args.Add($"c{c}", Array(table.Rows.Select(r => r[c]), type));
                    arrays.Add($"@c{c}::{type}[]");
                }
                var names = string.Join(", ", spec.Columns.Select(c => c.Name));
                var sql = staged && spec.Source
                    ? $"insert into {table.Name}({names}, updated_at) select *, now() from unnest({string.Join(", ", arrays)})"
                    : $"insert into {table.Name}({names}) select * from unnest({string.Join(", ", arrays)})";
                await conn.ExecuteAsync(sql, args, tx);
            }
            await tx.CommitAsync();
        }
        tables.Clear();
    }

    private static System.Array Array(IEnumerable<object?> values, string type) => type switch
    {
        "text" => values.Cast<string?>().ToArray(),
        "int" => values.Select(v => (int?)v).ToArray(),
        "bool" => values.Select(v => (bool?)v).ToArray(),
        "numeric" => values.Select(v => (decimal?)v).ToArray(),
        "date" => values.Select(v => (DateOnly?)v).ToArray(),
        "timestamptz" => values.Select(v => (DateTimeOffset?)v).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No such column type in the seed tables."),
    };

    private Seed Add(Table table, string key, params object?[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (!table.Keys.Add(key)) throw new ArgumentException($"{table.Name} already has a row {key} in this seed.", nameof(key));
        table.Rows.Add(values);
        return this;
    }

    private Table Crm(string name) => For(staged ? $"staging.{name}" : $"crm.{name}", staged ? databases.Reporting : databases.Crm, name);
    private Table Finance(string name) => For(staged ? $"staging.{name}" : $"finance.{name}", staged ? databases.Reporting : databases.Finance, name);
    private Table Reporting(string name) => For($"reporting.{name}", databases.Reporting, name);

    private Table For(string qualified, NpgsqlDataSource database, string name)
    {
        if (!tables.TryGetValue(qualified, out var table)) tables[qualified] = table = new Table(qualified, database, Specs[name]);
        return table;
    }

    private sealed record Spec(int Order, bool Source, (string Name, string Type)[] Columns);

    private sealed class Table(string name, NpgsqlDataSource database, Spec spec)
    {
        public string Name { get; } = name;
        public NpgsqlDataSource Database { get; } = database;
        public Spec Spec { get; } = spec;
        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
        public List<object?[]> Rows { get; } = [];
    }

    /// <summary>The columns written, per table, in the order the methods take them (sql/sources, sql/migrations).</summary>
    private static readonly Dictionary<string, Spec> Specs = new(StringComparer.Ordinal)
    {
        ["teams"] = new(0, true, [("team_id", "text"), ("name", "text"), ("region", "text"), ("manager_name", "text"), ("manager_email", "text"), ("locale", "text")]),
        ["reps"] = new(1, true, [("rep_id", "text"), ("team_id", "text"), ("name", "text"), ("email", "text"), ("hire_date", "date"), ("active", "bool")]),
        ["customers"] = new(2, true, [("customer_id", "text"), ("name", "text"), ("industry", "text"), ("segment", "text"), ("owner_rep_id", "text"), ("contract_end_date", "date")]),
        ["leads"] = new(3, true, [("lead_id", "text"), ("rep_id", "text"), ("customer_id", "text"), ("created_at", "timestamptz"), ("qualified_at", "timestamptz"), ("converted_at", "timestamptz")]),
        ["activities"] = new(4, true,
        [
            ("activity_id", "text"), ("rep_id", "text"), ("customer_id", "text"), ("kind", "text"), ("occurred_at", "timestamptz"), ("duration_minutes", "int"),
            ("with_decision_maker", "bool"), ("need_identified", "bool"), ("subject", "text"), ("progress", "text"), ("support_needed", "text"),
        ]),
        ["opportunities"] = new(5, true,
        [
            ("opportunity_id", "text"), ("rep_id", "text"), ("customer_id", "text"), ("amount", "numeric"), ("stage", "text"), ("proposal_at", "timestamptz"),
            ("won_at", "timestamptz"), ("is_renewal", "bool"),
        ]),
        ["surveys"] = new(6, true, [("survey_id", "text"), ("customer_id", "text"), ("rep_id", "text"), ("score", "int"), ("answered_at", "timestamptz")]),
        ["invoices"] = new(7, true,
        [
            ("invoice_id", "text"), ("customer_id", "text"), ("rep_id", "text"), ("opportunity_id", "text"), ("issued_on", "date"), ("due_on", "date"),
            ("amount", "numeric"), ("cost_amount", "numeric"), ("status", "text"),
        ]),
        ["payments"] = new(8, true, [("payment_id", "text"), ("invoice_id", "text"), ("received_on", "date"), ("amount", "numeric")]),
        ["indicator"] = new(10, false,
        [
            ("code", "text"), ("name_zh_cn", "text"), ("name_zh_tw", "text"), ("name_en", "text"), ("category", "text"), ("unit", "text"), ("direction", "text"),
            ("missing_as", "text"), ("sort_order", "int"), ("query", "text"),
        ]),
        ["indicator_weight"] = new(11, false, [("team_id", "text"), ("indicator", "text"), ("weight", "numeric")]),
        ["target"] = new(12, false, [("rep_id", "text"), ("period", "date"), ("indicator", "text"), ("target", "numeric"), ("source_file", "text")]),
        ["indicator_value"] = new(13, false, [("period", "date"), ("rep_id", "text"), ("indicator", "text"), ("actual", "numeric")]),
    };
}

/// <summary>An instant as a seed row gives it: <c>"2026-10-03 10:00+08"</c> (seconds optional, the offset required) or a <see cref="DateTimeOffset"/>.</summary>
public readonly record struct At
{
    private static readonly string[] Formats = ["yyyy-MM-dd HH:mmzz", "yyyy-MM-dd HH:mm:sszz", "yyyy-MM-dd HH:mmzzz", "yyyy-MM-dd HH:mm:sszzz"];

    /// <summary>The instant in UTC (the offset PostgreSQL's timestamptz is written with).</summary>
    public DateTimeOffset Value { get; }

    public At(DateTimeOffset value) => Value = value.ToUniversalTime();

    public static implicit operator At(DateTimeOffset value) => new(value);

    public static implicit operator At(string text) =>
        DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var v)
            ? new At(v)
            : throw new FormatException($"'{text}' is not an instant with its offset, as '2026-10-03 10:00+08'.");

    /// <summary>This instant plus whole days (a series of rows one day apart).</summary>
    public At AddDays(int days) => new(Value.AddDays(days));

    public override string ToString() => Value.ToString("yyyy-MM-dd HH:mm:sszzz", CultureInfo.InvariantCulture);
}

/// <summary>A date as a seed row gives it: <c>"2026-10-05"</c> or a <see cref="DateOnly"/>.</summary>
public readonly record struct On(DateOnly Value)
{
    public static implicit operator On(DateOnly value) => new(value);

    public static implicit operator On(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var v)
            ? new On(v)
            : throw new FormatException($"'{text}' is not a date as '2026-10-05'.");

    public override string ToString() => Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
