using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Worker.Jobs;

public sealed record MonthEndResult(Period Period, SyncResult Sync, IReadOnlyList<ComputeResult> Compute, IReadOnlyList<RepDelivery> Deliveries,
    IReadOnlyList<SummaryDelivery>? Summaries = null);

/// <summary>
/// month-end-close(period): sync → compute → per team, every rep's form (printed in batches) and then
/// the manager's team summary. Under the scheduler each team is its own Hangfire job
/// (render-and-deliver-team); from the command line the same job code runs in-process.
/// </summary>
public sealed class MonthEndJob(SourceSync sync, IndicatorCompute compute, FormQuery forms, RenderAndDeliverJob deliver,
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

    [DisplayName("month-end-close {0}")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public async Task<string> RunAsync(string period, bool force, CancellationToken ct)
    {
        var p = Period.Parse(period);
        var synced = await sync.RunAsync(ct);
        var computed = await compute.ComputeWithHistoryAsync(p, ct);
        var reps = await forms.ActiveRepsAsync(ct);
        var client = jobs ?? throw new InvalidOperationException("No Hangfire client: run month-end from the command line instead.");
        var teams = reps.Select(r => r.TeamId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // A resend is applied here, once: the team jobs then run as a plain run, so their own retries
        // (Hangfire's, after a failure half-way through a team) send nothing twice.
        if (force) await ledger.ReopenAsync(p, ResendKinds, ct);
        foreach (var team in teams)
            client.Enqueue<RenderAndDeliverJob>(j => j.RunTeamAsync(p.ToString(), team, false, CancellationToken.None));
        return $"{synced}; {computed[^1]}; {reps.Count} forms of {teams.Count} teams queued";
    }

    /// <summary>The same steps in this process, reporting each rep as it finishes.</summary>
    public async Task<MonthEndResult> RunInProcessAsync(Period period, bool force, Action<string>? stage, Action<RepDelivery>? done, CancellationToken ct)
    {
        stage?.Invoke("sync");
        var synced = await sync.RunAsync(ct);
        stage?.Invoke("compute");
        var computed = await compute.ComputeWithHistoryAsync(period, ct);
        var reps = await forms.ActiveRepsAsync(ct);
        // A resend reopens the ledger once; the run itself is then a plain one.
        if (force) await ledger.ReopenAsync(period, ResendKinds, ct);
        stage?.Invoke($"forms:{reps.Count}");
        var results = new List<RepDelivery>();
        var summaries = new List<SummaryDelivery>();
        // Teams in parallel, each team's forms in batches; a team's summary goes once all its reps are done.
        await Parallel.ForEachAsync(reps.GroupBy(r => r.TeamId, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = formsOptions.Value.Parallelism, CancellationToken = ct },
            async (team, token) =>
            {
                await deliver.ExecuteManyAsync(period, team.ToList(), false, r =>
                {
                    lock (results) results.Add(r);
                    done?.Invoke(r);
                }, token);
                var summary = await deliver.DeliverSummaryAsync(period, team.Key, false, token);
                lock (summaries) summaries.Add(summary);
            });
        return new MonthEndResult(period, synced, computed, results.OrderBy(r => r.RepId, StringComparer.Ordinal).ToList(),
            summaries.OrderBy(s => s.TeamId, StringComparer.Ordinal).ToList());
    }
}
