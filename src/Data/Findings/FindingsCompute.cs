using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SalesReporting.Data.Findings;

/// <summary>One row of reporting.finding before it is written.</summary>
public sealed record Finding(string TeamId, string Kind, string? RepId, string? Indicator, string? Subject, string Detail);

/// <summary>
/// What the manager must see beyond the numbers (docs/indicators.md): key-account risks, data-authenticity
/// cross-checks, the spot-check sample and the new-hire ramp, for every rep of a month. Each check is one
/// set-based statement over the staged rows, except the four on visits, which walk each rep's visits from
/// one read (<see cref="VisitScan"/>); the text is written in C# in the team's locale. A recompute
/// replaces the month's rows of these kinds in one transaction and leaves other kinds alone.
/// </summary>
/// <remarks>
/// Decisions the rules leave open:
/// - "within 90 days of the period end" is |contract_end_date − period end| ≤ 90: a key contract that
///   lapsed in the last 90 days without an open renewal is as much a risk as one about to lapse.
/// - Revenue of a key account is the customer's non-void invoices (any rep); the trailing mean is the sum
///   of the three previous months ÷ 3 (a month without invoices counts as 0); no mean, no finding.
/// - A won opportunity is checked once, in the month its 60-day window closes (local won date + 60 falls
///   in the month): a win fewer than 60 days before the period end is not judged yet, and is judged in
///   the month its window closes. An invoice counts for it when linked by opportunity_id, or, having no
///   opportunity_id, for the same customer issued between the won date and day 60.
/// - An invoice whose rep is unknown to the CRM never reaches staging (the sync quarantines it); it is
///   found in staging.quarantine. Such a finding goes to the team of the customer's owner, or to team
///   '*' (company-wide) when the customer is unknown too.
/// - Visits without duration are one finding per rep (count and the first five ids); more than 12 visits
///   in a local day one per rep and day; an overlap one per visit that starts before an earlier one ends.
/// </remarks>
public sealed class FindingsCompute(Databases db, IOptions<CompanyOptions> company, ILogger? logger = null)
{
    /// <summary>The kinds this class owns; other kinds (team_issue, config_warning) are written elsewhere.</summary>
    public static readonly string[] Kinds = ["key_account_risk", "authenticity", "spot_check", "new_hire_ramp"];

    /// <summary>Indicators compared for a new hire: the result (revenue) and the effort behind it (visits).</summary>
    public static readonly string[] RampIndicators = ["revenue", "visits"];

    public const int ContractWindowDays = 90;
    public const int RevenueDropPercent = 70;
    public const int UnpaidDaysAfterDue = 30;
    public const int InvoiceWithinDays = 60;
    public const int MaxVisitsPerDay = 12;
    public const int SpotCheckSize = 3;

    private sealed record Args(DateOnly period_start, DateOnly period_end, DateOnly trailing_start, string tz,
        string[] indicators, string unknown_rep = Sources.SourceTables.UnknownRepReason);

    public async Task<int> ComputeAsync(Period period, CancellationToken ct)
    {
        var args = new Args(period.Start, period.End, period.Add(-3).Start, company.Value.TimeZone, RampIndicators);
        // Read and written in one transaction: the month's findings are replaced at once.
        await using var session = await Indicators.ComputeSession.BeginAsync(db.Reporting, ct);
        var (conn, tx) = (session.Connection, session.Transaction);

        var findings = new List<Finding>();
        findings.AddRange(await KeyAccountRisksAsync(conn, args, ct));
        findings.AddRange(await AuthenticityAsync(conn, args, ct));
        var visits = await VisitScan.RunAsync(conn, period, company.Value.TimeZone, ct);
        findings.AddRange(visits.NoDuration);
        findings.AddRange(visits.BusyDays);
        findings.AddRange(visits.Overlaps);
        findings.AddRange(visits.SpotChecks);
        var (rampFindings, ramp) = await NewHireRampAsync(conn, args, ct);
        findings.AddRange(rampFindings);

        await conn.ExecuteAsync(new CommandDefinition("""
            delete from reporting.finding where period = @period and kind = any(@kinds);
            delete from reporting.new_hire_ramp where period = @period;
            """, new { period = period.Start, kinds = Kinds }, tx, cancellationToken: ct));
        await WriteAsync(conn, period, findings, ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.new_hire_ramp(period, rep_id, indicator, tenure_month, actual, team_median, team_reps)
            select @period, * from unnest(@reps, @indicators, @tenures, @actuals, @medians, @counts)
            """, new
        {
            period = period.Start,
            reps = ramp.Select(r => r.RepId).ToArray(),
            indicators = ramp.Select(r => r.Indicator).ToArray(),
            tenures = ramp.Select(r => r.Tenure).ToArray(),
            actuals = ramp.Select(r => r.Actual).ToArray(),
            medians = ramp.Select(r => r.TeamMedian).ToArray(),
            counts = ramp.Select(r => r.TeamReps).ToArray(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        logger?.LogInformation("Findings for {Period}: {Counts}", period,
            string.Join(", ", Kinds.Select(k => $"{k} {findings.Count(f => f.Kind == k)}")));
        return findings.Count;
    }

    /// <summary>Findings in the order given (their ids keep it), in one COPY within the caller's transaction.</summary>
    private static async Task WriteAsync(NpgsqlConnection conn, Period period, IReadOnlyList<Finding> findings, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "copy reporting.finding(period, team_id, kind, rep_id, indicator, subject, detail) from stdin (format binary)", ct);
        foreach (var f in findings)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(period.Start, NpgsqlTypes.NpgsqlDbType.Date, ct);
            await copy.WriteAsync(f.TeamId, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Kind, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.RepId, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Indicator, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Subject, NpgsqlTypes.NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Detail, NpgsqlTypes.NpgsqlDbType.Text, ct);
        }
        await copy.CompleteAsync(ct);
    }

    // ---- 重點客戶風險: key accounts (segment = key) owned by an active rep ----

    private sealed record ContractRow(string RepId, string TeamId, string? Locale, string CustomerId, string Customer, DateOnly EndsOn, int Days);
    private sealed record RevenueRow(string RepId, string TeamId, string? Locale, string CustomerId, string Customer, decimal ThisMonth, decimal TrailingMean);
    private sealed record UnpaidRow(string RepId, string TeamId, string? Locale, string CustomerId, string Customer, int Invoices, decimal Outstanding, int DaysLate);

    private static async Task<IEnumerable<Finding>> KeyAccountRisksAsync(NpgsqlConnection conn, Args args, CancellationToken ct)
    {
        const string owner = """
            join staging.reps r on r.rep_id = c.owner_rep_id and r.active
            join staging.teams t on t.team_id = r.team_id
            """;
        var contracts = await conn.QueryAsync<ContractRow>(new CommandDefinition($"""
            select r.rep_id, r.team_id, t.locale, c.customer_id, c.name as customer, c.contract_end_date as ends_on,
                   c.contract_end_date - @period_end as days
            from staging.customers c
            {owner}
            where c.segment = 'key'
              and c.contract_end_date between @period_end - {ContractWindowDays} and @period_end + {ContractWindowDays}
              and not exists (select 1 from staging.opportunities o
                              where o.customer_id = c.customer_id and o.stage = 'open' and o.is_renewal)
            """, args, cancellationToken: ct));
        var revenue = await conn.QueryAsync<RevenueRow>(new CommandDefinition($"""
            with rev as (
              select i.customer_id,
                     coalesce(sum(i.amount) filter (where i.issued_on >= @period_start), 0) as this_month,
                     coalesce(sum(i.amount) filter (where i.issued_on < @period_start), 0) / 3 as trailing_mean
              from staging.invoices i
              join staging.customers c on c.customer_id = i.customer_id and c.segment = 'key'
              where i.status <> 'void' and i.issued_on between @trailing_start and @period_end
              group by i.customer_id)
            select r.rep_id, r.team_id, t.locale, c.customer_id, c.name as customer, rev.this_month, rev.trailing_mean
            from rev
            join staging.customers c on c.customer_id = rev.customer_id
            {owner}
            where rev.trailing_mean > 0 and rev.this_month * 100 < {RevenueDropPercent} * rev.trailing_mean
            """, args, cancellationToken: ct));
        var unpaid = await conn.QueryAsync<UnpaidRow>(new CommandDefinition($"""
            with late as (
              select i.customer_id, @period_end - i.due_on as days_late, i.amount - coalesce(p.paid, 0) as outstanding
              from staging.invoices i
              join staging.customers c on c.customer_id = i.customer_id and c.segment = 'key'
              left join lateral (select sum(p.amount) as paid from staging.payments p
                                 where p.invoice_id = i.invoice_id and p.received_on <= @period_end) p on true
              where i.status <> 'void' and i.due_on < @period_end - {UnpaidDaysAfterDue} and i.issued_on <= @period_end)
            select r.rep_id, r.team_id, t.locale, c.customer_id, c.name as customer,
                   count(*)::int as invoices, sum(l.outstanding) as outstanding, max(l.days_late) as days_late
            from late l
            join staging.customers c on c.customer_id = l.customer_id
            {owner}
            where l.outstanding > 0
            group by r.rep_id, r.team_id, t.locale, c.customer_id, c.name
            """, args, cancellationToken: ct));

        const string kind = "key_account_risk";
        return contracts.Select(x => (x.CustomerId, Order: 0, F: new Finding(x.TeamId, kind, x.RepId, null, x.CustomerId,
                    FindingText.ContractEnding(TeamLocale.Of(x.Locale), x.Customer, x.EndsOn, x.Days))))
            .Concat(revenue.Select(x => (x.CustomerId, Order: 1, F: new Finding(x.TeamId, kind, x.RepId, "revenue", x.CustomerId,
                    FindingText.RevenueDrop(TeamLocale.Of(x.Locale), x.Customer, x.ThisMonth, x.TrailingMean)))))
            .Concat(unpaid.Select(x => (x.CustomerId, Order: 2, F: new Finding(x.TeamId, kind, x.RepId, "collection_rate", x.CustomerId,
                    FindingText.UnpaidInvoicesOf(TeamLocale.Of(x.Locale), x.Customer, x.Invoices, x.Outstanding, x.DaysLate)))))
            .OrderBy(x => x.F.RepId, StringComparer.Ordinal).ThenBy(x => x.CustomerId, StringComparer.Ordinal).ThenBy(x => x.Order)
            .Select(x => x.F);
    }

    // ---- 數據真實性 ----

    private sealed record WonRow(string OpportunityId, string RepId, string TeamId, string? Locale, string Customer, decimal? Amount, DateOnly WonOn);
    private sealed record InvoiceRow(string InvoiceId, string? RepId, string? CustomerId, DateOnly IssuedOn, decimal Amount,
        bool RepUnknown, bool CustomerUnknown, string? KnownRep, string TeamId, string? Locale);
    private static async Task<IEnumerable<Finding>> AuthenticityAsync(NpgsqlConnection conn, Args args, CancellationToken ct)
    {
        var won = await conn.QueryAsync<WonRow>(new CommandDefinition($"""
            with won as (
              select o.opportunity_id, o.rep_id, o.customer_id, o.amount, (o.won_at at time zone @tz)::date as won_on
              from staging.opportunities o
              where o.stage = 'won'
                and o.won_at >= (@period_start - {InvoiceWithinDays})::timestamp at time zone @tz
                and o.won_at < (@period_end - {InvoiceWithinDays} + 1)::timestamp at time zone @tz)
            select w.opportunity_id, w.rep_id, r.team_id, t.locale, coalesce(c.name, w.customer_id, '—') as customer, w.amount, w.won_on
            from won w
            join staging.reps r on r.rep_id = w.rep_id
            join staging.teams t on t.team_id = r.team_id
            left join staging.customers c on c.customer_id = w.customer_id
            -- No invoice linked to it, and no unlinked one of the customer, within the window: two look-ups,
            -- each through its own index.
            where not exists (
                    select 1 from staging.invoices i
                    where i.opportunity_id = w.opportunity_id and i.status <> 'void' and i.issued_on <= w.won_on + {InvoiceWithinDays})
              and not exists (
                    select 1 from staging.invoices i
                    where i.opportunity_id is null and i.customer_id = w.customer_id and i.status <> 'void'
                      and i.issued_on between w.won_on and w.won_on + {InvoiceWithinDays})
            order by r.rep_id, w.won_on, w.opportunity_id
            """, args, cancellationToken: ct));
        var invoices = await conn.QueryAsync<InvoiceRow>(new CommandDefinition("""
            with staged as (
              select i.invoice_id, i.rep_id, i.customer_id, i.issued_on, i.amount, false as rep_unknown
              from staging.invoices i
              where i.issued_on between @period_start and @period_end
                and (i.customer_id is null or not exists (select 1 from staging.customers c where c.customer_id = i.customer_id))),
            held as (
              select distinct on (q.source_key) q.source_key as invoice_id, q.raw->>'rep_id' as rep_id, q.raw->>'customer_id' as customer_id,
                     (q.raw->>'issued_on')::date as issued_on, coalesce((q.raw->>'amount')::numeric, 0) as amount, true as rep_unknown
              from staging.quarantine q
              where q.source = 'finance.invoices' and q.reason = @unknown_rep
                and (q.raw->>'issued_on')::date between @period_start and @period_end
                and not exists (select 1 from staging.invoices i where i.invoice_id = q.source_key)
                and not exists (select 1 from staging.reps r where r.rep_id = q.raw->>'rep_id')
              order by q.source_key, q.id desc),
            x as (select * from staged union all select * from held)
            select x.invoice_id, x.rep_id, x.customer_id, x.issued_on, x.amount, x.rep_unknown,
                   c.customer_id is null as customer_unknown, r.rep_id as known_rep,
                   coalesce(r.team_id, o.team_id, '*') as team_id, t.locale
            from x
            left join staging.reps r on r.rep_id = x.rep_id and not x.rep_unknown
            left join staging.customers c on c.customer_id = x.customer_id
            left join staging.reps o on o.rep_id = c.owner_rep_id
            left join staging.teams t on t.team_id = coalesce(r.team_id, o.team_id)
            order by x.issued_on, x.invoice_id
            """, args, cancellationToken: ct));
        const string kind = "authenticity";
        string L(string? locale) => TeamLocale.Of(locale);
        return won.Select(x => new Finding(x.TeamId, kind, x.RepId, "revenue", x.OpportunityId,
                FindingText.WonWithoutInvoiceOf(L(x.Locale), x.OpportunityId, x.Customer, x.Amount ?? 0, x.WonOn)))
            .Concat(invoices.Select(x => new Finding(x.TeamId, kind, x.KnownRep, "revenue", x.InvoiceId,
                FindingText.UnknownInvoiceParty(L(x.Locale), x.InvoiceId, x.IssuedOn, x.Amount, x.RepId, x.RepUnknown, x.CustomerId, x.CustomerUnknown))));
    }

    // ---- 新人爬坡 ----

    public sealed record RampRow(string RepId, string TeamId, string? Locale, int Tenure, string Indicator, decimal? Actual,
        decimal? TeamMedian, int TeamReps);

    /// <summary>
    /// For each new hire (hired within 180 days of the period end) and ramp indicator: the hire's value this
    /// month and the median over the other reps of the team of their value in their own same tenure month
    /// (tenure month 1 = the month of hire), taken from the stored indicator history — reps whose month is
    /// older than the history kept simply do not count. The median is exact (mean of the middle one or two).
    /// </summary>
    private static async Task<(IEnumerable<Finding>, IReadOnlyList<RampRow>)> NewHireRampAsync(NpgsqlConnection conn, Args args, CancellationToken ct)
    {
        var rows = (await conn.QueryAsync<RampRow>(new CommandDefinition($"""
            with hires as (
              select r.rep_id, r.team_id,
                     ((extract(year from @period_start) - extract(year from r.hire_date)) * 12
                       + extract(month from @period_start) - extract(month from r.hire_date) + 1)::int as tenure
              from staging.reps r
              where r.active and r.hire_date > @period_end - {NewHire.Days} and r.hire_date <= @period_end),
            peers as (
              select h.rep_id, v.indicator, v.actual,
                     row_number() over (partition by h.rep_id, v.indicator order by v.actual) as n,
                     count(*) over (partition by h.rep_id, v.indicator) as reps
              from hires h
              join staging.reps p on p.team_id = h.team_id and p.rep_id <> h.rep_id and p.hire_date is not null
              join reporting.indicator_value v
                on v.rep_id = p.rep_id and v.indicator = any(@indicators) and v.actual is not null
               and v.period = (date_trunc('month', p.hire_date) + make_interval(months => h.tenure - 1))::date
               and v.period <= @period_start),
            median as (
              select rep_id, indicator, avg(actual) as team_median, max(reps)::int as team_reps
              from peers where n in ((reps + 1) / 2, (reps + 2) / 2)
              group by rep_id, indicator)
            select h.rep_id, h.team_id, t.locale, h.tenure, i.code as indicator, own.actual,
                   m.team_median, coalesce(m.team_reps, 0) as team_reps
            from hires h
            join staging.teams t on t.team_id = h.team_id
            cross join unnest(@indicators::text[]) with ordinality as i(code, ord)
            left join reporting.indicator_value own on own.rep_id = h.rep_id and own.indicator = i.code and own.period = @period_start
            left join median m on m.rep_id = h.rep_id and m.indicator = i.code
            order by h.rep_id, i.ord
            """, args, cancellationToken: ct))).ToList();
        var findings = rows.GroupBy(r => r.RepId).Select(g =>
        {
            var first = g.First();
            return new Finding(first.TeamId, "new_hire_ramp", first.RepId, "revenue", null,
                FindingText.NewHireRamp(TeamLocale.Of(first.Locale), first.Tenure,
                    g.Select(r => new FindingText.RampFigure(r.Indicator, r.Actual, r.TeamMedian, r.TeamReps))));
        }).ToList();
        return (findings, rows);
    }
}
