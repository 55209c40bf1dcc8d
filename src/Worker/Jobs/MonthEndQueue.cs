using Dapper;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using SalesReporting.Data;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Worker.Jobs;

/// <summary>`month-end --enqueue [--wait]`: month-end-close queued on the scheduler, where any `serve` process with
/// workers picks it up and its team jobs spread over every server; with --wait, its progress until it is done.</summary>
public static class MonthEndQueue
{
    // Hangfire's state names (SucceededState.StateName and so on, which are not constants).
    private const string Succeeded = "Succeeded", Failed = "Failed", Deleted = "Deleted", Scheduled = "Scheduled";

    public static async Task<int> EnqueueAsync(IServiceProvider sp, MonthEndRequest request, bool wait, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var storage = HangfireStorage.Create(sp.GetRequiredService<IConfiguration>().GetConnectionString("Reporting")!);
        var client = new BackgroundJobClient(storage);
        var id = client.Enqueue<MonthEndJob>(j => j.RunAsync(request.Period.ToString(), request.Resend, request.TeamId, request.RepId, null, CancellationToken.None));
        Console.WriteLine($"month-end-close {request} queued as job {id} (dashboard: /hangfire/jobs/details/{id})");
        if (!HasWorkers(storage))
            Console.WriteLine("no serve process with workers is running on this storage: the job waits until one starts");
        return wait ? await WaitAsync(storage, sp.GetRequiredService<Databases>(), id, request, ct) : 0;
    }

    /// <summary>One line each time something moved: the close job's state, then teams done and forms sent. Exit code as
    /// the in-process run: 0 when done, 2 when some delivery failed permanently, 1 when a job failed.</summary>
    public static async Task<int> WaitAsync(JobStorage storage, Databases db, string closeJobId, MonthEndRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var monitor = storage.GetMonitoringApi();
        string? last = null;
        void Say(string line)
        {
            if (line == last) return;
            Console.WriteLine(line);
            last = line;
        }

        MonthEndQueued? queued = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (queued is null)
                {
                    var (state, reason) = StateOf(monitor, closeJobId);
                    switch (state)
                    {
                        case Succeeded:
                            using (var connection = storage.GetConnection())
                                queued = SerializationHelper.Deserialize<MonthEndQueued>(connection.GetJobParameter(closeJobId, MonthEndQueued.Parameter), SerializationOption.User)
                                    ?? throw new InvalidOperationException($"month-end-close job {closeJobId} succeeded but recorded no team jobs.");
                            Say($"month-end {request}: synced and computed; {queued.TeamJobIds.Length} team job(s), {queued.FormsTotal} form(s) queued");
                            continue;
                        case Failed or Deleted:
                            Console.Error.WriteLine($"error: month-end-close job {closeJobId} {state.ToLowerInvariant()}: {reason}");
                            return 1;
                        case Scheduled:
                            Say($"month-end {request}: month-end-close is waiting to retry ({reason})");
                            break;
                        default:
                            Say($"month-end {request}: month-end-close {state.ToLowerInvariant()}");
                            break;
                    }
                }
                else
                {
                    var states = queued.TeamJobIds.Select(j => (Job: j, State: StateOf(monitor, j))).ToList();
                    var (sent, failed) = await FormsAsync(db, request.Period, queued.RepIds, ct);
                    var teamsDone = states.Count(s => s.State.Name == Succeeded);
                    var retrying = states.Where(s => s.State.Name == Scheduled).Select(s => s.State.Reason).FirstOrDefault();
                    Say($"month-end {request}: teams {teamsDone}/{states.Count} done, forms {sent}/{queued.FormsTotal} sent"
                        + (failed > 0 ? $", {failed} failed permanently" : "") + (retrying is null ? "" : $"; a team job waits to retry ({retrying})"));
                    if (states.FirstOrDefault(s => s.State.Name is Failed or Deleted) is { Job: not null } broken)
                    {
                        Console.Error.WriteLine($"error: team job {broken.Job} {broken.State.Name.ToLowerInvariant()}: {broken.State.Reason}");
                        return 1;
                    }
                    if (teamsDone == states.Count)
                    {
                        Console.WriteLine(failed > 0 ? $"done; {failed} delivery(ies) failed permanently: see `deliveries --period {request.Period} --status failed`" : "done");
                        return failed > 0 ? 2 : 0;
                    }
                }
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException && !ct.IsCancellationRequested)
            {
                // The database restarting: the jobs retry on their own; keep following them.
                Say($"month-end {request}: the reporting database does not answer ({ex.Message}); still waiting");
                db.Reporting.Clear();
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static (string Name, string? Reason) StateOf(IMonitoringApi monitor, string jobId)
    {
        var details = monitor.JobDetails(jobId);
        var current = details?.History.FirstOrDefault();
        if (current is null) return ("Unknown", "the job is not in the storage");
        var reason = current.Data.TryGetValue("ExceptionMessage", out var message) ? message : current.Reason;
        return (current.StateName, reason);
    }

    private static async Task<(int Sent, int Failed)> FormsAsync(Databases db, Period period, string[] repIds, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<(int, int)>(new CommandDefinition("""
            select count(*) filter (where status = 'sent')::int, count(*) filter (where status = 'failed')::int
            from reporting.delivery where kind = 'rep_form' and period = @period and subject_id = any(@repIds)
            """, new { period = period.Start, repIds }, cancellationToken: ct));
    }

    private static bool HasWorkers(JobStorage storage) =>
        storage.GetMonitoringApi().Servers().Any(s => s.WorkersCount > 0 && s.Queues.Contains("default")
            && s.Heartbeat is { } beat && beat > DateTime.UtcNow.AddMinutes(-1));
}
