using System.ComponentModel;
using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Pacing;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Pacing;
using SalesReporting.Worker.Api;

namespace SalesReporting.Worker.Jobs;

public sealed record PacingSent(string TeamId, string TeamName, string ManagerEmail, int Reps, int AtRisk, DeliveryOutcome Outcome, string? Error);

public sealed record PacingRun(DateOnly AsOf, Period Month, DateOnly Through, DateOnly Week, IReadOnlyList<PacingSent> Teams, IReadOnlyList<string> FailedIndicators)
{
    public override string ToString() =>
        $"pacing {AsOf:yyyy-MM-dd} (week of {Week:yyyy-MM-dd}, {Month} through {Through:yyyy-MM-dd}): " +
        $"{Teams.Count(t => t.Outcome == DeliveryOutcome.Sent)} sent, {Teams.Count(t => t.Outcome == DeliveryOutcome.AlreadySent)} already sent, " +
        $"{Teams.Count(t => t.Outcome == DeliveryOutcome.Failed)} failed" +
        (FailedIndicators.Count == 0 ? "" : $"; not computed: {string.Join(", ", FailedIndicators)}");
}

/// <summary>
/// weekly-pacing (docs/jobs.md): every Monday at the reminder time, each team's manager gets the month to date against
/// the target pro-rated by working days, the projection to the month's end and the reps projected under the line
/// (<see cref="PacingQuery"/>). Through the delivery ledger, kind 'pacing', keyed by the team and the week's Monday, so a
/// rerun in the same week — by the scheduler, the dashboard or `pacing --date` — sends nothing twice. A team opts out in
/// <see cref="Data.Teams.TeamSettings"/>.
/// </summary>
public sealed class WeeklyPacing(PacingQuery query, DeliveryLedger ledger, AcknowledgementLinks links, IOptions<MailOptions> mail,
    IOptions<CompanyOptions> company, TimeProvider clock, ILogger<WeeklyPacing> logger)
{
    public const string Kind = "pacing";

    /// <summary>The recurring entry point: today in the company time zone.</summary>
    [DisplayName("weekly-pacing (today)")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task<string> RunTodayAsync(CancellationToken ct) => (await RunAsync(company.Value.Today(clock), null, ct)).ToString();

    /// <summary>The Monday of the week a day falls in: the key of that week's email.</summary>
    public static DateOnly WeekOf(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    public async Task<PacingRun> RunAsync(DateOnly asOf, string? teamId, CancellationToken ct)
    {
        var figures = await query.LoadAsync(asOf, teamId, ct);
        var week = WeekOf(asOf);
        var failed = figures.Errors.Select(e => e.Indicator).ToList();
        var sent = new List<PacingSent>();
        foreach (var team in figures.Teams)
        {
            var key = new DeliveryKey(Kind, Period.FromDate(week), string.Create(CultureInfo.InvariantCulture, $"{team.TeamId}.{week:yyyyMMdd}"), team.ManagerEmail);
            var url = links.WorkspaceUrl($"/app/teams/{Uri.EscapeDataString(team.TeamId)}/{team.Month}");
            var (outcome, error) = await ledger.DeliverAsync(key, _ => PacingEmail.Compose(team, failed, mail.Value.From, url), force: false, ct);
            sent.Add(new PacingSent(team.TeamId, team.TeamName, team.ManagerEmail, team.Lines.Select(l => l.RepId).Distinct().Count(), team.AtRisk.Count, outcome, error));
        }
        var run = new PacingRun(asOf, figures.Month, figures.Through, week, sent, failed);
        logger.LogInformation("{Run}", run.ToString());
        return run;
    }
}
