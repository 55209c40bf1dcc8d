using Dapper;
using SalesReporting.Data;
using SalesReporting.Data.Findings;
using SalesReporting.Data.Indicators;

namespace SalesReporting.Reports.Forms;

/// <summary>SQL → FeedbackForm: everything one rep's form shows for one month, read set-based for a list of reps.</summary>
public sealed class FormQuery(Databases db, TimeProvider clock, Microsoft.Extensions.Options.IOptions<CompanyOptions> company)
{
    private sealed record RepRow(string RepId, string RepName, string TeamId, string TeamName, string? Region, string? ManagerName,
        string? ManagerEmail, string? Locale, DateOnly? HireDate, string Email);
    private sealed record ResultRow(string RepId, string Code, string Category, string NameZhCn, string NameZhTw, string NameEn,
        string Unit, string Direction, bool HasTarget, int? SummaryOrder, decimal? Actual, decimal? Target, decimal? Completion, decimal? Gap,
        decimal? Mom, decimal? Yoy, string? Reason, bool IsAnomaly);
    private sealed record TrendRow(string RepId, string Indicator, DateOnly Period, decimal? Actual);
    private sealed record ActivityRow(string RepId, string Customer, string? Industry, bool IsKey, string Kind, string? Subject,
        DateTime OccurredAt, string? Progress, string? SupportNeeded);
    private sealed record RiskRow(string RepId, string Customer, string? Locale, string Detail);
    private sealed record RampRow(string RepId, int TenureMonth, decimal? TeamMedian, int TeamReps);
    private sealed record ActionRow(string RepId, DateOnly Period, string Problem, string RootCause, string CauseCategory, string Action,
        string OwnerName, DateOnly DueOn, DateOnly? CheckpointOn, string Status, string? Effectiveness = null);
    private sealed record ScoreRow(string RepId, decimal? Score, string? Tier);
    private sealed record AckRow(string RepId, DateTime AcknowledgedAt);
    private sealed record ResponseRow(string RepId, string Kind, string? ActionProblem, string? NameZhCn, string? NameZhTw, string? NameEn,
        string Body, string? Progress, DateTime WrittenAt, string? Answer, DateTime? AnsweredAt);
    private sealed record ReviewRow(string RepId, DateOnly? HeldOn, string? Notes, string? Agreed, string? SignedOffBy, DateTime? SignedOffAt);

    /// <summary>Who gets the form: rep id, name, email, and the team's locale.</summary>
    public sealed record Recipient(string RepId, string Name, string Email, string TeamId, string Locale);

    /// <summary>Every active rep, by rep id.</summary>
    public Task<IReadOnlyList<Recipient>> ActiveRepsAsync(CancellationToken ct) => ActiveRepsAsync(null, ct);

    /// <summary>The active reps of one team (every team when null), by rep id: a team job reads only its own team's.</summary>
    public async Task<IReadOnlyList<Recipient>> ActiveRepsAsync(string? teamId, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Recipient>(new CommandDefinition($"""
            select r.rep_id, r.name, r.email, r.team_id, {TeamLocale.Sql} as locale
            from staging.reps r join staging.teams t using (team_id)
            where r.active and (@teamId::text is null or r.team_id = @teamId) order by r.rep_id
            """, new { teamId }, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<FeedbackForm>> LoadAsync(Period period, IReadOnlyCollection<string> repIds, CancellationToken ct)
    {
        var tz = company.Value.ResolveTimeZone();
        var today = company.Value.Today(clock);
        var args = new { reps = repIds.ToArray(), period = period.Start, period_end = period.End, tz = company.Value.TimeZone,
                         months = Enumerable.Range(0, 6).Select(m => period.Add(-m).Start).ToArray(), today };
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);

        var reps = await conn.QueryAsync<RepRow>(new CommandDefinition("""
            select r.rep_id, r.name as rep_name, t.team_id, t.name as team_name, t.region, t.manager_name, t.manager_email,
                   t.locale, r.hire_date, r.email
            from staging.reps r join staging.teams t using (team_id) where r.rep_id = any(@reps)
            """, args, cancellationToken: ct));
        var results = (await conn.QueryAsync<ResultRow>(new CommandDefinition("""
            select x.rep_id, i.code, i.category, i.name_zh_cn, i.name_zh_tw, i.name_en, i.unit, i.direction, i.has_target, i.summary_order,
                   x.actual, x.target, x.completion, x.gap, x.mom, x.yoy,
                   coalesce(ar.reason, an.draft) as reason, an.rep_id is not null as is_anomaly
            from reporting.indicator_result_of(@period) x
            join reporting.indicator i on i.code = x.indicator and i.enabled
            left join reporting.anomaly_reason ar on ar.period = x.period and ar.rep_id = x.rep_id and ar.indicator = x.indicator
            left join reporting.anomaly an on an.period = x.period and an.rep_id = x.rep_id and an.indicator = x.indicator
            where x.rep_id = any(@reps)
            order by i.sort_order, i.code
            """, args, cancellationToken: ct))).ToLookup(r => r.RepId);
        var trends = (await conn.QueryAsync<TrendRow>(new CommandDefinition("""
            select rep_id, indicator, period, round(actual, 10) as actual from reporting.indicator_value
            where period = any(@months) and rep_id = any(@reps)
            """, args, cancellationToken: ct))).ToLookup(t => (t.RepId, t.Indicator));
        var activities = (await conn.QueryAsync<ActivityRow>(new CommandDefinition("""
            select a.rep_id, coalesce(c.name, a.customer_id) as customer, c.industry, coalesce(c.segment = 'key', false) as is_key,
                   a.kind, a.subject, a.occurred_at, a.progress, a.support_needed
            from staging.activities a left join staging.customers c using (customer_id)
            where a.rep_id = any(@reps)
              and a.occurred_at >= @period::timestamp at time zone @tz and a.occurred_at < (@period_end + 1)::timestamp at time zone @tz
              and (a.progress is not null or a.support_needed is not null or a.kind in ('contract', 'negotiation'))
            order by a.rep_id, is_key desc, a.occurred_at
            """, args, cancellationToken: ct))).ToLookup(a => a.RepId);
        // Key-account risks are concluded by compute (FindingsCompute) and read here as written, so the
        // form and the manager's summary list the same risks.
        var risks = (await conn.QueryAsync<RiskRow>(new CommandDefinition("""
            select f.rep_id, coalesce(c.name, f.subject) as customer, t.locale, f.detail
            from reporting.finding f
            left join staging.customers c on c.customer_id = f.subject
            left join staging.teams t on t.team_id = f.team_id
            where f.period = @period and f.kind = 'key_account_risk' and f.rep_id = any(@reps)
            order by f.rep_id, f.id
            """, args, cancellationToken: ct))).ToLookup(r => r.RepId);
        var ramps = (await conn.QueryAsync<RampRow>(new CommandDefinition("""
            select rep_id, tenure_month, team_median, team_reps from reporting.new_hire_ramp
            where period = @period and indicator = 'revenue' and rep_id = any(@reps)
            """, args, cancellationToken: ct))).ToDictionary(r => r.RepId);
        var actions = (await conn.QueryAsync<ActionRow>(new CommandDefinition("""
            select rep_id, period, problem, root_cause, cause_category, action, owner_name, due_on, checkpoint_on,
                   case when status = 'done' then 'done' when due_on < @today then 'overdue' else 'open' end as status,
                   -- the follow-up scan's verdict once the month after the due date has closed; until then pending
                   coalesce(effectiveness, case when indicator is not null and due_on < @today then 'pending' end) as effectiveness
            from reporting.improvement_action
            where rep_id = any(@reps) and period <= @period and (period = @period or status = 'open' or due_on >= @period)
            order by rep_id, period, due_on, id
            """, args, cancellationToken: ct))).ToLookup(a => a.RepId);
        var scores = (await conn.QueryAsync<ScoreRow>(new CommandDefinition(
            "select rep_id, score, tier from reporting.rep_score where period = @period and rep_id = any(@reps)",
            args, cancellationToken: ct))).ToDictionary(s => s.RepId);
        var acks = (await conn.QueryAsync<AckRow>(new CommandDefinition(
            "select rep_id, acknowledged_at from reporting.acknowledgement where period = @period and rep_id = any(@reps)",
            args, cancellationToken: ct))).ToDictionary(a => a.RepId);
        var reviews = (await conn.QueryAsync<ReviewRow>(new CommandDefinition(
            "select rep_id, held_on, notes, agreed, signed_off_by, signed_off_at from reporting.review where period = @period and rep_id = any(@reps)",
            args, cancellationToken: ct))).ToDictionary(a => a.RepId);
        // The rep's side of the conversation (workspace): each form reads only its own rep's rows.
        var responses = (await conn.QueryAsync<ResponseRow>(new CommandDefinition("""
            select x.rep_id, x.kind, a.problem as action_problem, i.name_zh_cn, i.name_zh_tw, i.name_en,
                   x.body, x.progress, x.written_at, x.answer, x.answered_at
            from reporting.rep_response x
            left join reporting.improvement_action a on a.id = x.action_id
            left join reporting.indicator i on i.code = x.indicator
            where x.period = @period and x.rep_id = any(@reps)
            order by x.rep_id, x.written_at, x.id
            """, args, cancellationToken: ct))).ToLookup(x => x.RepId);

        var forms = new List<FeedbackForm>();
        foreach (var rep in reps.OrderBy(r => r.RepId, StringComparer.Ordinal))
        {
            var locale = TeamLocale.Of(rep.Locale);
            var lines = results[rep.RepId].Select(r =>
            {
                var trend = Enumerable.Range(0, 6).Select(i => period.Add(i - 5).Start)
                    .Select(p => trends[(rep.RepId, r.Code)].FirstOrDefault(t => t.Period == p)?.Actual).ToList();
                var noValue = r.Completion is not null ? null : !r.HasTarget || r.Target is null or 0 ? "no_target" : "no_actual";
                return new IndicatorLine(r.Code, r.Category, TeamLocale.Pick(locale, r.NameZhCn, r.NameZhTw, r.NameEn),
                    r.Unit, r.Direction, r.Target, r.Actual, r.Completion, r.Gap, r.Mom, r.Yoy, noValue, r.IsAnomaly, r.Reason, trend, r.SummaryOrder);
            }).ToList();
            // The score compute stored (weights and cap in force then) is the one answer the form, the summary and the follow-ups share.
            scores.TryGetValue(rep.RepId, out var stored);
            var tenure = NewHire.TenureMonth(rep.HireDate, period);
            var isNewHire = NewHire.Is(rep.HireDate, period);
            forms.Add(new FeedbackForm(locale, period, today,
                new RepHeader(rep.RepId, rep.RepName, rep.TeamName, rep.Region ?? "", rep.ManagerName ?? "", rep.HireDate, isNewHire, tenure,
                    ramps.GetValueOrDefault(rep.RepId)?.TeamMedian, ramps.GetValueOrDefault(rep.RepId)?.TeamReps),
                new ScoreSummary(stored?.Score, stored?.Tier),
                lines,
                activities[rep.RepId].Take(40).Select(a => new KeyActionLine(a.Customer, a.Industry, a.IsKey, a.Kind, a.Subject ?? a.Kind,
                    DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(a.OccurredAt, tz)), a.Progress, a.SupportNeeded)).ToList(),
                risks[rep.RepId].Select(r => new KeyAccountRisk(r.Customer, FindingText.WithoutCustomer(r.Detail, r.Customer, r.Locale))).ToList(),
                actions[rep.RepId].Select(a => new ActionPlanLine(a.Problem, a.RootCause, a.CauseCategory, a.Action, a.OwnerName,
                    a.DueOn, a.CheckpointOn, a.Status, a.Period != period.Start, a.Effectiveness)).ToList(),
                acks.TryGetValue(rep.RepId, out var ack) ? new DateTimeOffset(DateTime.SpecifyKind(ack.AcknowledgedAt, DateTimeKind.Utc)) : null,
                reviews.TryGetValue(rep.RepId, out var review)
                    ? new FormReview(review.HeldOn, review.Notes, review.Agreed, review.SignedOffBy,
                        review.SignedOffAt is { } signed ? new DateTimeOffset(DateTime.SpecifyKind(signed, DateTimeKind.Utc)) : null)
                    : null,
                responses[rep.RepId].Select(x => new FormResponse(x.Kind,
                    x.NameZhCn is not null ? TeamLocale.Pick(locale, x.NameZhCn, x.NameZhTw!, x.NameEn!) : x.ActionProblem,
                    x.Body, x.Progress, Local(x.WrittenAt, tz), x.Answer, x.AnsweredAt is { } answered ? Local(answered, tz) : null)).ToList()));
        }
        return forms;
    }

    /// <summary>A timestamptz as read (UTC) in the company's time zone.</summary>
    private static DateTimeOffset Local(DateTime at, TimeZoneInfo tz) => TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)), tz);
}
