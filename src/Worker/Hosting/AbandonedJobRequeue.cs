using Dapper;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SalesReporting.Worker.Hosting;

/// <summary>
/// Puts a dead server's jobs back at the front of the queue. A server that dies (SIGKILL, its machine gone) leaves its
/// jobs fetched; the storage lets another server fetch them once their sliding invisibility has run out, but it fetches
/// every job never fetched before them (<c>ORDER BY fetchedat NULLS FIRST, queue, jobid</c>). Behind a month-end's long
/// queue of team jobs, a dead server's team job would wait until the queue drained. Every few seconds this clears
/// <c>fetchedat</c> on the rows whose invisibility has run out, as the storage itself does for a job a stopping server
/// hands back, so such a job is fetched again in its place by job id: before the jobs enqueued after it.
/// </summary>
/// <remarks>
/// It only reorders: a row it touches could already be fetched by any server. A live server renews the rows of the jobs
/// it runs (sliding invisibility), so it never touches them. Every server runs it; the update is idempotent, and at most a
/// few rows (the dead servers' jobs) match. Hangfire runs it in the server's loop and logs and retries a failure
/// (a database that is down) without stopping the server.
/// </remarks>
public sealed class AbandonedJobRequeue(string reporting, TimeSpan invisibility, ILogger<AbandonedJobRequeue> log) : IBackgroundProcess
{
    /// <summary>A quarter of the invisibility, between 1 and 15 seconds: the default 60-second invisibility is checked
    /// every 15 s, so a dead server's job is back in the queue 60–75 s after its last renewal.</summary>
    public TimeSpan Interval { get; } = TimeSpan.FromTicks(Math.Clamp(invisibility.Ticks / 4, TimeSpan.TicksPerSecond, 15 * TimeSpan.TicksPerSecond));

    public void Execute(BackgroundProcessContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Requeue();
        context.Wait(Interval);
    }

    /// <summary>One pass; the ids of the jobs put back.</summary>
    public IReadOnlyList<long> Requeue()
    {
        using var conn = new NpgsqlConnection(reporting);
        var jobs = conn.Query<long>("""
            update hangfire.jobqueue set fetchedat = null, updatecount = (updatecount + 1) % 2000000000
            where fetchedat < now() - make_interval(secs => @seconds)
            returning jobid
            """, new { seconds = invisibility.TotalSeconds }).AsList();
        if (jobs.Count > 0)
            log.LogWarning("Requeued {Count} job(s) whose server stopped renewing them for {Seconds} s (a server died): {Jobs}",
                jobs.Count, invisibility.TotalSeconds, string.Join(", ", jobs));
        return jobs;
    }
}
