using NpgsqlTypes;

namespace SalesReporting.Data.Sources;

public sealed record SourceColumn(string Name, NpgsqlDbType Type);

/// <summary>
/// One table of the source contract (docs/files.md): where it comes from, its key, its columns, and the
/// checks a row must pass before it is staged. A row that fails goes to quarantine with the first
/// reason that applies; the rest of the batch goes on.
/// </summary>
public sealed record SourceTable(string System, string Name, string Key, IReadOnlyList<SourceColumn> Columns,
    IReadOnlyList<(string Condition, string Reason)> Checks)
{
    public string Source => $"{System}.{Name}";
    public string Staging => $"staging.{Name}";

    /// <summary>The columns' names in the contract's order, comma separated: a COPY's or an insert's column list.</summary>
    public string ColumnList => string.Join(", ", Columns.Select(c => c.Name));

    /// <summary>The other staged tables this table's checks read (staging.reps for an unknown rep, …): it is pulled
    /// after them, so its rows are checked against what they have just staged.</summary>
    public IReadOnlyList<string> Reads { get; } = Checks
        .SelectMany(c => global::System.Text.RegularExpressions.Regex.Matches(c.Condition, @"\bstaging\.([a-z_]+)\b").Select(m => m.Groups[1].Value))
        .Where(t => t != Name).Distinct(StringComparer.Ordinal).ToList();
}

public static class SourceTables
{
    private const NpgsqlDbType Text = NpgsqlDbType.Text;
    private const NpgsqlDbType Ts = NpgsqlDbType.TimestampTz;
    private const NpgsqlDbType Date = NpgsqlDbType.Date;
    private const NpgsqlDbType Num = NpgsqlDbType.Numeric;
    private const NpgsqlDbType Bool = NpgsqlDbType.Boolean;
    private const NpgsqlDbType Int = NpgsqlDbType.Integer;

    private static SourceColumn C(string name, NpgsqlDbType type) => new(name, type);

    // Ids that end up in file names (forms, summaries, mail) are checked before anything else about the row.
    private static string PlainId(string column) => $"l.{column} !~ '{FileNames.PlainIdPattern}'";

    /// <summary>The earliest date a source event may carry (docs/input.md); the latest is a year from today in company time.</summary>
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);
    /// <summary>The longest activity (a visit, a call) a source row may carry, in minutes: 24 hours.</summary>
    public const int MaxDurationMinutes = 24 * 60;

    // The bounds are parameters of the quarantine statement: @earliest_at/@latest_at (instants, the latest exclusive) and
    // @earliest_on/@latest_on (dates, inclusive), from the company's today.
    private static (string, string) InstantInRange(string column) =>
        ($"l.{column} < @earliest_at or l.{column} >= @latest_at", $"{column} not between 2000-01-01 and a year from today (company time)");
    private static (string, string) DateInRange(string column) =>
        ($"l.{column} < @earliest_on or l.{column} > @latest_on", $"{column} not between 2000-01-01 and a year from today (company time)");

    /// <summary>The same test as crm.reps' email: one @, no spaces.</summary>
    private const string EmailPattern = "^[^@\\s]+@[^@\\s]+$";

    private const string UnknownRep = "not exists (select 1 from staging.reps r where r.rep_id = l.rep_id)";

    /// <summary>The quarantine reason of a row whose rep the CRM does not know (the findings look such invoices up by it).</summary>
    public const string UnknownRepReason = "unknown rep";

    /// <summary>In dependency order: a row is checked against the tables synced before it.</summary>
    public static readonly IReadOnlyList<SourceTable> All =
    [
        new("crm", "teams", "team_id",
            [C("team_id", Text), C("name", Text), C("region", Text), C("manager_name", Text), C("manager_email", Text), C("locale", Text), C("updated_at", Ts)],
            [(PlainId("team_id"), FileNames.PlainIdReason),
             ("l.name is null", "missing name"),
             ("l.locale is not null and l.locale not in ('zh-CN', 'zh-TW', 'en')", "unknown locale (expected zh-CN, zh-TW or en)"),
             ($"l.manager_email is not null and l.manager_email !~ '{EmailPattern}'", "manager_email is not an email address")]),
        new("crm", "reps", "rep_id",
            [C("rep_id", Text), C("team_id", Text), C("name", Text), C("email", Text), C("hire_date", Date), C("active", Bool), C("updated_at", Ts)],
            [(PlainId("rep_id"), FileNames.PlainIdReason),
             ("l.name is null", "missing name"),
             ($"l.email is null or l.email !~ '{EmailPattern}'", "missing or invalid email"),
             ("l.active is null", "missing active flag"),
             ("not exists (select 1 from staging.teams t where t.team_id = l.team_id)", "unknown team")]),
        new("crm", "customers", "customer_id",
            [C("customer_id", Text), C("name", Text), C("industry", Text), C("segment", Text), C("owner_rep_id", Text), C("contract_end_date", Date), C("updated_at", Ts)],
            [("l.name is null", "missing name"),
             ("l.segment is not null and l.segment not in ('key', 'standard')", "unknown segment (expected key or standard)"),
             ("l.owner_rep_id is not null and not exists (select 1 from staging.reps r where r.rep_id = l.owner_rep_id)", "unknown owner rep")]),
        new("crm", "leads", "lead_id",
            [C("lead_id", Text), C("rep_id", Text), C("customer_id", Text), C("created_at", Ts), C("qualified_at", Ts), C("converted_at", Ts), C("updated_at", Ts)],
            [(UnknownRep, UnknownRepReason),
             InstantInRange("created_at"), InstantInRange("qualified_at"), InstantInRange("converted_at"),
             // a lead's steps in their order (the conversion figures count from created_at)
             ("l.qualified_at < l.created_at", "qualified before it was created (qualified_at before created_at)"),
             ("l.converted_at < l.created_at", "converted before it was created (converted_at before created_at)")]),
        new("crm", "activities", "activity_id",
            [C("activity_id", Text), C("rep_id", Text), C("customer_id", Text), C("kind", Text), C("occurred_at", Ts), C("duration_minutes", Int),
             C("with_decision_maker", Bool), C("need_identified", Bool), C("subject", Text), C("progress", Text), C("support_needed", Text), C("updated_at", Ts)],
            [(UnknownRep, UnknownRepReason),
             ("l.kind is null or l.kind not in ('visit', 'call', 'proposal', 'negotiation', 'contract', 'demo')", "unknown kind"),
             ("l.occurred_at is null", "missing occurred_at"),
             ("l.duration_minutes < 0", "negative duration"),
             InstantInRange("occurred_at"),
             ($"l.duration_minutes > {MaxDurationMinutes}", $"duration over 24 hours (more than {MaxDurationMinutes} minutes)")]),
        new("crm", "opportunities", "opportunity_id",
            [C("opportunity_id", Text), C("rep_id", Text), C("customer_id", Text), C("amount", Num), C("stage", Text), C("proposal_at", Ts), C("won_at", Ts), C("is_renewal", Bool), C("updated_at", Ts)],
            [(UnknownRep, UnknownRepReason),
             ("l.amount < 0", "negative amount"),
             ("l.stage is null or l.stage not in ('open', 'won', 'lost')", "unknown stage (expected open, won or lost)"),
             ("l.stage = 'won' and l.won_at is null", "won without won_at"),
             InstantInRange("proposal_at"), InstantInRange("won_at"),
             ("l.won_at < l.proposal_at", "won before its proposal (won_at before proposal_at)")]),
        new("crm", "surveys", "survey_id",
            [C("survey_id", Text), C("customer_id", Text), C("rep_id", Text), C("score", Int), C("answered_at", Ts), C("updated_at", Ts)],
            [(UnknownRep, UnknownRepReason),
             ("l.score is null or l.score not between 1 and 5", "score out of range 1..5"),
             ("l.answered_at is null", "missing answered_at"),
             InstantInRange("answered_at")]),
        new("finance", "invoices", "invoice_id",
            [C("invoice_id", Text), C("customer_id", Text), C("rep_id", Text), C("opportunity_id", Text), C("issued_on", Date), C("due_on", Date),
             C("amount", Num), C("cost_amount", Num), C("status", Text), C("updated_at", Ts)],
            [(UnknownRep, UnknownRepReason),
             ("l.amount is null or l.amount < 0", "missing or negative amount"),
             ("l.cost_amount < 0", "negative cost"),
             ("l.issued_on is null or l.due_on is null", "missing issued_on or due_on"),
             ("l.status is null or l.status not in ('issued', 'void')", "unknown status (expected issued or void)"),
             DateInRange("issued_on"), DateInRange("due_on"),
             ("l.due_on < l.issued_on", "due before it was issued (due_on before issued_on)")]),
        new("finance", "payments", "payment_id",
            [C("payment_id", Text), C("invoice_id", Text), C("received_on", Date), C("amount", Num), C("updated_at", Ts)],
            [("not exists (select 1 from staging.invoices i where i.invoice_id = l.invoice_id)", "payment for unknown invoice"),
             ("l.amount is null or l.amount < 0", "missing or negative amount"),
             ("l.received_on is null", "missing received_on"),
             // A payment received before its invoice was issued is a prepayment (先款后票), common practice: kept.
             DateInRange("received_on")]),
    ];

    /// <summary>The tables in waves, in the order of <see cref="All"/> within each: a table's wave comes after the waves of
    /// the tables its checks read (<see cref="SourceTable.Reads"/>), so the tables of one wave can be pulled side by side.</summary>
    public static readonly IReadOnlyList<IReadOnlyList<SourceTable>> Waves = InWaves(All);

    private static List<IReadOnlyList<SourceTable>> InWaves(IReadOnlyList<SourceTable> tables)
    {
        var wave = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in tables) wave[t.Name] = t.Reads.Select(r => wave[r] + 1).DefaultIfEmpty(0).Max();
        return [.. tables.GroupBy(t => wave[t.Name]).OrderBy(g => g.Key).Select(g => (IReadOnlyList<SourceTable>)[.. g])];
    }
}
