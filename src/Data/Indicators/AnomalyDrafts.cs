using Dapper;
using Npgsql;

namespace SalesReporting.Data.Indicators;

/// <summary>One flagged (rep, indicator) of a month, with what the generic draft needs.</summary>
internal sealed record FlaggedIndicator(string RepId, string Indicator, string Unit, string Locale, decimal? Actual,
    decimal? Target, decimal? Completion, decimal? PreviousActual, string[] Rules);

/// <summary>
/// The reason drafts of flagged indicators: for each built-in indicator one query that finds the drivers of every
/// flagged rep at once (the customers with the most unpaid, the customers whose invoicing fell most, the
/// leads behind the new customers...). A custom catalog indicator, or a built-in one whose drivers come
/// back empty, gets the generic draft: actual, target, completion (and last month when MoM fired).
/// </summary>
internal static class AnomalyDrafts
{
    /// <summary>How many customers or deals a draft names.</summary>
    public const int TopDrivers = 2;
    /// <summary>The effective-visit minimum of the default catalog query.</summary>
    public const int EffectiveVisitMinutes = 10;
    /// <summary>Driver queries run at once: with the findings beside them, enough to keep two cores busy.</summary>
    private const int DraftParallelism = 2;
    /// <summary>A survey score at or below this is a low score worth naming.</summary>
    public const int LowSurveyScore = 3;

    private sealed class DriverRow
    {
        public string RepId { get; set; } = "";
        /// <summary>Which of the family's indicators the row is for; null: for each of them.</summary>
        public string? Indicator { get; set; }
        public string? Name { get; set; }
        public decimal? A { get; set; }
        public decimal? B { get; set; }
        public decimal? C { get; set; }
        public decimal? D { get; set; }
        public decimal? E { get; set; }
    }

    // Month bounds as instants in the company time zone, the same way the catalog queries bucket timestamps.
    private const string Bounds = """
        with b as (select @start::timestamp at time zone @tz as s, (@end + 1)::timestamp at time zone @tz as e,
                          @prev_start::timestamp at time zone @tz as ps)
        """;

    // Keyed by the indicators a query serves (comma-separated): a family of indicators over the same rows is
    // read once. Every query returns rep_id, name, a..e (unused ones omitted), ordered by rep and rank; one
    // that serves several returns an indicator column, or its rows serve each of them.
    private static readonly Dictionary<string, string> DriverQueries = new()
    {
        // a: unpaid 万元, b: share of the rep's receivable due in the month, %
        ["collection_rate"] = """
            with due as (
              select invoice_id, rep_id, customer_id, amount from staging.invoices
              where status <> 'void' and due_on between @start and @end and rep_id = any(@reps)),
            -- Each invoice's payments looked up through the invoice_id index, as the catalog's collection_rate does.
            per_customer as (
              select d.rep_id, d.customer_id, sum(d.amount - least(d.amount, coalesce(p.paid, 0))) as unpaid
              from due d
              left join lateral (select sum(amount) as paid from staging.payments
                                 where invoice_id = d.invoice_id and received_on <= @end) p on true
              group by d.rep_id, d.customer_id),
            receivable as (select rep_id, sum(amount) as amount from due group by rep_id),
            ranked as (
              select pc.*, row_number() over (partition by pc.rep_id order by pc.unpaid desc, pc.customer_id) as rn
              from per_customer pc where pc.unpaid > 0)
            select r.rep_id, coalesce(c.name, r.customer_id) as name, r.unpaid / 10000 as a, 100 * r.unpaid / rc.amount as b
            from ranked r join receivable rc using (rep_id) left join staging.customers c on c.customer_id = r.customer_id
            where r.rn <= @top order by r.rep_id, r.rn
            """,
        // a: invoiced this month 万元, b: how much less than last month 万元
        ["revenue"] = """
            with x as (
              select rep_id, customer_id,
                     coalesce(sum(amount) filter (where issued_on >= @start), 0) as cur,
                     coalesce(sum(amount) filter (where issued_on < @start), 0) as prev
              from staging.invoices
              where status <> 'void' and issued_on between @prev_start and @end and rep_id = any(@reps)
              group by rep_id, customer_id),
            ranked as (
              select x.*, row_number() over (partition by rep_id order by cur - prev, customer_id) as rn from x where cur < prev)
            select r.rep_id, coalesce(c.name, r.customer_id) as name, r.cur / 10000 as a, (r.prev - r.cur) / 10000 as b
            from ranked r left join staging.customers c on c.customer_id = r.customer_id
            where r.rn <= @top order by r.rep_id, r.rn
            """,
        // a: leads qualified in the month, b: leads converted in the month ("too few leads" or "low conversion")
        ["new_customers,lead_conversion"] = Bounds + """
            select r.rep_id,
                   count(*) filter (where l.qualified_at >= b.s and l.qualified_at < b.e)::numeric as a,
                   count(*) filter (where l.converted_at >= b.s and l.converted_at < b.e)::numeric as b
            from unnest(@reps::text[]) r(rep_id) cross join b
            left join staging.leads l on l.rep_id = r.rep_id
              and ((l.qualified_at >= b.s and l.qualified_at < b.e) or (l.converted_at >= b.s and l.converted_at < b.e))
            group by r.rep_id order by r.rep_id
            """,
        // One read of two months of visits and proposals for the three activity indicators, a row for each:
        //   visits: a visits this month, b last month, c customers visited this month;
        //   effective_visits: a visits, b effective, c too short, d no decision maker, e no identified need;
        //   proposals: a proposals this month, b last month, c visits this month.
        ["visits,effective_visits,proposals"] = Bounds + """
            -- The counts from the covering index alone; the customers visited, which need the rows, apart.
            , n as (
              select a.rep_id,
                     count(*) filter (where a.kind = 'visit' and a.occurred_at >= b.s)::numeric as visits,
                     count(*) filter (where a.kind = 'visit' and a.occurred_at < b.s)::numeric as visits_before,
                     count(*) filter (where a.kind = 'visit' and a.occurred_at >= b.s
                                      and a.duration_minutes >= @minutes and a.with_decision_maker and a.need_identified)::numeric as effective,
                     count(*) filter (where a.kind = 'visit' and a.occurred_at >= b.s and coalesce(a.duration_minutes, 0) < @minutes)::numeric as too_short,
                     count(*) filter (where a.kind = 'visit' and a.occurred_at >= b.s and not coalesce(a.with_decision_maker, false))::numeric as no_decision_maker,
                     count(*) filter (where a.kind = 'visit' and a.occurred_at >= b.s and not coalesce(a.need_identified, false))::numeric as no_need,
                     count(*) filter (where a.kind = 'proposal' and a.occurred_at >= b.s)::numeric as proposals,
                     count(*) filter (where a.kind = 'proposal' and a.occurred_at < b.s)::numeric as proposals_before
              from staging.activities a cross join b
              where a.kind in ('visit', 'proposal') and a.occurred_at >= b.ps and a.occurred_at < b.e and a.rep_id = any(@reps)
              group by a.rep_id),
            c as (
              select d.rep_id, count(*)::numeric as customers
              from (select distinct a.rep_id, a.customer_id from staging.activities a cross join b
                    where a.kind = 'visit' and a.occurred_at >= b.s and a.occurred_at < b.e
                      and a.customer_id is not null and a.rep_id = any(@reps)) d
              group by d.rep_id),
            r as (select coalesce(n.rep_id, r.rep_id) as rep_id, n.visits, n.visits_before, n.effective, n.too_short, n.no_decision_maker,
                         n.no_need, n.proposals, n.proposals_before
                  from unnest(@reps::text[]) r(rep_id) left join n on n.rep_id = r.rep_id)
            select r.rep_id, x.indicator, coalesce(x.a, 0) as a, coalesce(x.b, 0) as b, coalesce(x.c, 0) as c,
                   x.d, x.e
            from r left join c using (rep_id)
            cross join lateral (values
              ('visits', r.visits, r.visits_before, c.customers, null::numeric, null::numeric),
              ('effective_visits', r.visits, r.effective, r.too_short, coalesce(r.no_decision_maker, 0), coalesce(r.no_need, 0)),
              ('proposals', r.proposals, r.proposals_before, r.visits, null, null)) x(indicator, a, b, c, d, e)
            order by r.rep_id
            """,
        // a: days from proposal to win, slowest first
        ["negotiation_cycle"] = Bounds + """
            select rep_id, name, a from (
              select o.rep_id, coalesce(c.name, o.customer_id) as name, extract(epoch from o.won_at - o.proposal_at) / 86400 as a,
                     row_number() over (partition by o.rep_id order by o.won_at - o.proposal_at desc, o.opportunity_id) as rn
              from staging.opportunities o cross join b
              left join staging.customers c on c.customer_id = o.customer_id
              where o.rep_id = any(@reps) and o.stage = 'won' and o.proposal_at is not null and o.won_at >= b.s and o.won_at < b.e) x
            where rn <= @top order by rep_id, rn
            """,
        // a: margin %, b: invoiced 万元, lowest margin first
        ["gross_margin"] = """
            with x as (
              select rep_id, customer_id, sum(amount) as amount, sum(amount) - sum(coalesce(cost_amount, 0)) as margin
              from staging.invoices
              where status <> 'void' and issued_on between @start and @end and rep_id = any(@reps)
              group by rep_id, customer_id having sum(amount) > 0),
            ranked as (select x.*, row_number() over (partition by rep_id order by margin / amount, customer_id) as rn from x)
            select r.rep_id, coalesce(c.name, r.customer_id) as name, 100 * r.margin / r.amount as a, r.amount / 10000 as b
            from ranked r left join staging.customers c on c.customer_id = r.customer_id
            where r.rn <= @top order by r.rep_id, r.rn
            """,
        // a: orders won, b: their total 万元, name/c: the smallest order's customer and amount 万元
        ["avg_order_value"] = Bounds + """
            , won as (
              select o.rep_id, o.customer_id, o.amount, o.opportunity_id from staging.opportunities o cross join b
              where o.rep_id = any(@reps) and o.stage = 'won' and o.won_at >= b.s and o.won_at < b.e),
            agg as (select rep_id, count(*)::numeric as a, sum(amount) / 10000 as b from won group by rep_id),
            smallest as (select distinct on (rep_id) rep_id, customer_id, amount from won order by rep_id, amount nulls last, opportunity_id)
            select agg.rep_id, coalesce(c.name, s.customer_id) as name, agg.a, agg.b, s.amount / 10000 as c
            from agg join smallest s using (rep_id) left join staging.customers c on c.customer_id = s.customer_id
            order by agg.rep_id
            """,
        // a: a low score, b: surveys answered in the month; lowest first
        ["customer_satisfaction"] = Bounds + """
            , s as (
              select v.rep_id, v.customer_id, v.score, v.survey_id, count(*) over (partition by v.rep_id) as n
              from staging.surveys v cross join b
              where v.rep_id = any(@reps) and v.answered_at >= b.s and v.answered_at < b.e),
            ranked as (select s.*, row_number() over (partition by rep_id order by score, survey_id) as rn from s where score <= @low_score)
            select r.rep_id, coalesce(c.name, r.customer_id) as name, r.score::numeric as a, r.n::numeric as b
            from ranked r left join staging.customers c on c.customer_id = r.customer_id
            where r.rn <= @top order by r.rep_id, r.rn
            """,
    };

    /// <summary>
    /// The draft of every flagged indicator: each driver query that has flagged reps runs once, for the
    /// flagged reps of all the indicators it serves; the queries run side by side, each on its own connection.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(NpgsqlDataSource reporting, Period period, string tz,
        IReadOnlyList<FlaggedIndicator> flagged, CancellationToken ct)
    {
        var results = new List<DriverRow>[DriverQueries.Count];
        var queries = DriverQueries.ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, queries.Length),
            new ParallelOptions { MaxDegreeOfParallelism = DraftParallelism, CancellationToken = ct }, async (q, token) =>
            {
                var served = queries[q].Key.Split(',');
                var reps = flagged.Where(f => served.Contains(f.Indicator)).Select(f => f.RepId).Distinct().ToArray();
                if (reps.Length == 0) return;
                var args = new
                {
                    reps, start = period.Start, end = period.End,
                    prev_start = period.Previous.Start, tz, top = TopDrivers, minutes = EffectiveVisitMinutes, low_score = LowSurveyScore,
                };
                await using var session = await ComputeSession.BeginAsync(reporting, token);
                results[q] = (await session.Connection.QueryAsync<DriverRow>(new CommandDefinition(queries[q].Value, args, session.Transaction,
                    cancellationToken: token))).ToList();
            });
        var drivers = new Dictionary<(string Indicator, string RepId), List<DriverRow>>();
        for (var q = 0; q < queries.Length; q++)
        {
            var served = queries[q].Key.Split(',');
            foreach (var row in results[q] ?? [])
                foreach (var indicator in row.Indicator is { } one ? [one] : served)
                {
                    if (!drivers.TryGetValue((indicator, row.RepId), out var list)) drivers[(indicator, row.RepId)] = list = [];
                    list.Add(row);
                }
        }
        return flagged.Select(f =>
        {
            var t = DraftText.For(f.Locale);
            var rows = drivers.TryGetValue((f.Indicator, f.RepId), out var list) ? list : [];
            return (rows.Count > 0 ? Draft(f.Indicator, rows, t) : null) ?? Generic(f, t);
        }).ToList();
    }

    private static string? Draft(string indicator, List<DriverRow> rows, DraftText t)
    {
        static decimal N(decimal? v) => v ?? 0;
        string Name(DriverRow r) => r.Name ?? "—";
        var first = rows[0];
        return indicator switch
        {
            "collection_rate" => string.Join(t.Semicolon, rows.Select(r => t.F(t.Unpaid, Name(r), t.Wan(N(r.A)), DraftText.Whole(N(r.B))))),
            "revenue" => string.Join(t.Semicolon, rows.Select(r => t.F(t.RevenueFell, Name(r), t.Wan(N(r.A)), t.Wan(N(r.B))))),
            "new_customers" => t.F(t.Leads, DraftText.Whole(N(first.A)), DraftText.Whole(N(first.B))),
            "lead_conversion" => t.F(t.QualifiedLeads, DraftText.Whole(N(first.A)), DraftText.Whole(N(first.B))),
            "visits" => t.F(t.Visits, DraftText.Whole(N(first.A)), DraftText.Whole(N(first.B)), DraftText.Whole(N(first.C))),
            "effective_visits" => EffectiveVisits(first, t),
            "proposals" => t.F(t.Proposals, DraftText.Whole(N(first.A)), DraftText.Whole(N(first.B)), DraftText.Whole(N(first.C))),
            "negotiation_cycle" => t.Slowest + t.Colon + string.Join(t.Comma, rows.Select(r => t.F(t.SlowDeal, Name(r), DraftText.One(N(r.A))))),
            "gross_margin" => t.LowestMargin + t.Colon + string.Join(t.Semicolon, rows.Select(r => t.F(t.LowMargin, Name(r), DraftText.One(N(r.A)), t.Wan(N(r.B))))),
            "avg_order_value" => t.F(t.Orders, DraftText.Whole(N(first.A)), t.Wan(N(first.B)), Name(first), t.Wan(N(first.C))),
            "customer_satisfaction" => t.LowScores + t.Colon + string.Join(t.Comma, rows.Select(r => t.F(t.LowScore, Name(r), DraftText.Whole(N(r.A)))))
                                       + t.F(t.OfSurveys, DraftText.Whole(N(first.B))),
            _ => null,
        };
    }

    private static string EffectiveVisits(DriverRow r, DraftText t)
    {
        var parts = new List<string> { t.F(t.EffectiveVisits, DraftText.Whole(r.A ?? 0), DraftText.Whole(r.B ?? 0)) };
        if (r.C is > 0) parts.Add(t.F(t.TooShort, EffectiveVisitMinutes, DraftText.Whole(r.C.Value)));
        if (r.D is > 0) parts.Add(t.F(t.NoDecisionMaker, DraftText.Whole(r.D.Value)));
        if (r.E is > 0) parts.Add(t.F(t.NoNeed, DraftText.Whole(r.E.Value)));
        return string.Join(t.Comma, parts);
    }

    /// <summary>Actual, target and completion; last month too when the MoM rule fired.</summary>
    public static string Generic(FlaggedIndicator f, DraftText t)
    {
        var parts = new List<string>();
        if (f.Actual is { } actual) parts.Add(t.F(t.Actual, t.Value(actual, f.Unit)));
        if (f.Target is { } target) parts.Add(t.F(t.Target, t.Value(target, f.Unit)));
        if (f.Completion is { } completion) parts.Add(t.F(t.Completion, DraftText.One(completion) + "%"));
        if (f.Rules.Contains("mom") && f.PreviousActual is { } previous) parts.Add(t.F(t.LastMonth, t.Value(previous, f.Unit)));
        return string.Join(t.Comma, parts);
    }
}
