using System.ComponentModel;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Worker.Jobs;

public sealed record MonthEndResult(Period Period, SyncResult Sync, IReadOnlyList<ComputeResult> Compute, IReadOnlyList<RepDelivery> Deliveries,
    IReadOnlyList<SummaryDelivery>? Summaries = null);

public enum MonthEndStage { Sync, Compute, Forms }

/// <summary>Which month-end: a period, a forced resend or not, and optionally one team or one rep of it (their forms
/// only; a team's summary too).</summary>
public sealed record MonthEndRequest(Period Period, bool Resend = false, string? TeamId = null, string? RepId = null)
{
    public override string ToString() =>
        $"{Period}{(Resend ? " resend" : "")}{(TeamId is null ? "" : " team " + TeamId)}{(RepId is null ? "" : " rep " + RepId)}";
}

/// <summary>What a month-end under the scheduler queued: its team jobs and the forms they deliver; kept as parameters
/// of the month-end-close job, where `month-end --enqueue --wait` reads them.</summary>
public sealed record MonthEndQueued(string[] TeamJobIds, int FormsTotal, string[] RepIds)
{
    public const string Parameter = "salesreporting.month-end";
}

/// <summary>Where an in-process month-end is: its stage and, once the forms are under way, the teams and forms done
/// (a form is done when it is sent, already sent or failed permanently; a team when its summary is too).</summary>
public sealed record MonthEndProgress(MonthEndStage Stage, int TeamsDone = 0, int TeamsTotal = 0, int FormsDone = 0, int FormsTotal = 0);

/// <summary>
/// month-end-close(period): sync → compute → per team, every rep's form (printed in batches) and then
/// the manager's team summary. One pipeline, two ways to run its teams: under the scheduler each team is
/// its own Hangfire job (render-and-deliver-team); from the command line the same team step runs in-process.
/// </summary>
public sealed class MonthEndJob(SourceSync sync, IndicatorCompute compute, FormQuery forms, RenderAndDeliverJob teams,
    DeliveryLedger ledger, IOptions<CompanyOptions> company, IOptions<FormsOptions> formsOptions, TimeProvider clock, IBackgroundJobClient? jobs = null)
{
    private static readonly string[] ResendKinds = ["rep_form", "team_summary"];

    /// <summary>The recurring entry point: closes the month before today (company time).</summary>
    [DisplayName("month-end-close (previous month)")]
    [AutomaticRetry(Attempts = 3)]
    public Task<string> CloseLastMonthAsync(CancellationToken ct) => RunAsync(LastMonth().ToString(), false, ct);

    /// <summary>The dashboard's forced rerun (Recurring jobs → month-end-resend → Trigger now): the month
    /// before today again, sending every form and summary again with the same Message-Ids.</summary>
    [DisplayName("month-end-resend (previous month)")]
    [AutomaticRetry(Attempts = 3)]
    public Task<string> ResendLastMonthAsync(CancellationToken ct) => RunAsync(LastMonth().ToString(), true, ct);

    private Period LastMonth() =>
        Period.FromDate(company.Value.Today(clock)).Previous;

    /// <summary>Under the scheduler: the month's steps, then one render-and-deliver-team job per team.</summary>
    [DisplayName("month-end-close {0}")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public Task<string> RunAsync(string period, bool resend, CancellationToken ct) => RunAsync(period, resend, null, null, null, ct);

    /// <summary>As <see cref="RunAsync(string, bool, CancellationToken)"/>, for one team or one rep when given (`month-end
    /// --enqueue`, the dashboard's month-end page). The team jobs it queued are kept as a parameter of this job.</summary>
    [DisplayName("month-end-close {0} (team {2}, rep {3})")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public async Task<string> RunAsync(string period, bool resend, string? teamId, string? repId, PerformContext? context, CancellationToken ct)
    {
        var client = jobs ?? throw new InvalidOperationException("No Hangfire client: run month-end from the command line instead.");
        var month = await PrepareAsync(new MonthEndRequest(Period.Parse(period), resend, teamId, repId), null, ct);
        var queued = new List<string>();
        foreach (var team in month.Teams)
            queued.Add(client.Enqueue<RenderAndDeliverJob>(j => j.RunTeamAsync(month.Period.ToString(), team.Key, CancellationToken.None)));
        context?.SetJobParameter(MonthEndQueued.Parameter,
            new MonthEndQueued([.. queued], month.Reps, [.. month.Teams.SelectMany(t => t).Select(r => r.RepId)]));
        return $"{month.Synced}; {month.Computed[^1]}; {month.Reps} forms of {month.Teams.Count} teams queued";
    }

    /// <summary>The same steps in this process, the teams side by side (Forms:Parallelism), reporting each form and team as it finishes.</summary>
    public Task<MonthEndResult> RunInProcessAsync(Period period, bool resend, IProgress<MonthEndProgress>? progress, CancellationToken ct) =>
        RunInProcessAsync(new MonthEndRequest(period, resend), progress, ct);

    /// <summary>The same steps in this process for the request's period, team or rep.</summary>
    public async Task<MonthEndResult> RunInProcessAsync(MonthEndRequest request, IProgress<MonthEndProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var period = request.Period;
        var month = await PrepareAsync(request, progress, ct);
        var tally = new Tally(progress, month.Teams.Count, month.Reps);
        var done = new List<TeamDelivery>();
        await Parallel.ForEachAsync(month.Teams,
            new ParallelOptions { MaxDegreeOfParallelism = formsOptions.Value.Parallelism, CancellationToken = ct },
            async (team, token) =>
            {
                var delivered = await teams.DeliverTeamAsync(period, team.Key, [.. team], tally.FormDone, token);
                lock (done) done.Add(delivered);
                tally.TeamDone();
            });
        return new MonthEndResult(period, month.Synced, month.Computed,
            done.SelectMany(t => t.Forms).OrderBy(r => r.RepId, StringComparer.Ordinal).ToList(),
            done.Select(t => t.Summary).OrderBy(s => s.TeamId, StringComparer.Ordinal).ToList());
    }

    private sealed record Month(Period Period, SyncResult Synced, IReadOnlyList<ComputeResult> Computed,
        IReadOnlyList<IGrouping<string, FormQuery.Recipient>> Teams, int Reps);

    /// <summary>What both runs do before the teams: sync, compute, the active reps by team, and a resend's ledger
    /// reopened here, once — the team runs are then plain ones, so their retries (Hangfire's, after a failure half-way
    /// through a team) send nothing twice.</summary>
    private async Task<Month> PrepareAsync(MonthEndRequest request, IProgress<MonthEndProgress>? progress, CancellationToken ct)
    {
        var period = request.Period;
        progress?.Report(new MonthEndProgress(MonthEndStage.Sync));
        var synced = await sync.RunAsync(ct);
        progress?.Report(new MonthEndProgress(MonthEndStage.Compute));
        var computed = await compute.ComputeWithHistoryAsync(period, ct);
        var reps = (await forms.ActiveRepsAsync(ct)).AsEnumerable();
        if (request.TeamId is { } team)
        {
            reps = reps.Where(r => r.TeamId == team).ToList();
            if (!reps.Any()) throw new InvalidOperationException($"Team {team} has no active reps in the CRM; nothing to send for {period}.");
        }
        if (request.RepId is { } rep)
        {
            reps = reps.Where(r => r.RepId == rep).ToList();
            if (!reps.Any()) throw new InvalidOperationException($"Rep {rep} is not an active rep{(request.TeamId is null ? "" : " of team " + request.TeamId)} in the CRM; nothing to send for {period}.");
        }
        var byTeam = reps.GroupBy(r => r.TeamId, StringComparer.Ordinal).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        if (request.Resend)
        {
            if (request.RepId is null && request.TeamId is null) await ledger.ReopenAsync(period, ResendKinds, ct);
            else
            {
                await ledger.ReopenAsync(period, ["rep_form"], [.. byTeam.SelectMany(t => t).Select(r => r.RepId)], ct);
                // One rep's resend is their form; a team's is its forms and its summary.
                if (request.RepId is null) await ledger.ReopenAsync(period, ["team_summary"], [.. byTeam.Select(t => t.Key)], ct);
            }
        }
        var count = byTeam.Sum(t => t.Count());
        return new Month(period, synced, computed, byTeam, count);
    }

    /// <summary>Forms and teams done so far, reported in order: the teams finish side by side.</summary>
    private sealed class Tally
    {
        private readonly IProgress<MonthEndProgress>? progress;
        private readonly int teamsTotal, formsTotal;
        private readonly Lock gate = new();
        private int teamsDone, formsDone;

        public Tally(IProgress<MonthEndProgress>? progress, int teamsTotal, int formsTotal)
        {
            (this.progress, this.teamsTotal, this.formsTotal) = (progress, teamsTotal, formsTotal);
            Report();
        }

        public void FormDone(RepDelivery _)
        {
            lock (gate) { formsDone++; Report(); }
        }

        public void TeamDone()
        {
            lock (gate) { teamsDone++; Report(); }
        }

        private void Report() => progress?.Report(new MonthEndProgress(MonthEndStage.Forms, teamsDone, teamsTotal, formsDone, formsTotal));
    }
}
