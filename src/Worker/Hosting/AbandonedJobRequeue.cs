using Dapper;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using SalesReporting.Data;

namespace SalesReporting.Worker.Hosting;

/// <summary>
/// Puts a dead server's jobs back at the front of the queue. A server that dies (SIGKILL, its machine gone) leaves its
/// jobs fetched; the storage lets another server fetch them once their sliding invisibility has run out, but it fetches
/// every job never fetched before them (<c>ORDER BY fetchedat NULLS FIRST, queue, jobid</c>). Behind a month-end's long
/// queue of team jobs, a dead server's team job would wait until the queue drained. Every few seconds this clears
/// <c>fetchedat</c> on the rows whose invisibility has run out and whose server has stopped its heartbeat too, as the
/// storage itself does for a job a stopping server hands back, so such a job is fetched again in its place by job id:
/// before the jobs enqueued after it.
/// </summary>
/// <remarks>
/// It only reorders: a row it touches could already be fetched by any idle server. A row whose renewals are late but
/// whose job is Processing on a server that still beats (<see cref="HeartbeatSilence"/>; a long pause, renewals failing) is left where it
/// is, so a live server's job is not put in front of every worker to run twice at once. Every server runs it with the
/// same Hangfire:InvisibilityTimeoutSeconds; the update is idempotent, and at most a few rows (the dead servers' jobs)
/// match. Hangfire runs it in the server's loop and logs and retries a failure (a database that is down) without
/// stopping the server.
/// </remarks>
public sealed class AbandonedJobRequeue(Databases db, TimeSpan invisibility, ILogger<AbandonedJobRequeue> log) : IBackgroundProcess
{
    /// <summary>A quarter of the invisibility, at most 15 seconds (and at least 1): the default 60-second invisibility is
    /// checked every 15 s, so a dead server's job is back in the queue 60–75 s after its last renewal.</summary>
    public TimeSpan Interval { get; } = TimeSpan.FromTicks(Math.Clamp(invisibility.Ticks / 4, TimeSpan.TicksPerSecond, 15 * TimeSpan.TicksPerSecond));

    /// <summary>How long a server's heartbeat may be silent before its jobs count as abandoned: two of Hangfire's
    /// 30-second heartbeats, or the invisibility when that is longer.</summary>
    public TimeSpan HeartbeatSilence { get; } = invisibility > TimeSpan.FromSeconds(60) ? invisibility : TimeSpan.FromSeconds(60);

    public void Execute(BackgroundProcessContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Requeue();
        context.Wait(Interval);
    }

    /// <summary>One pass; the ids of the jobs put back, in order.</summary>
    public IReadOnlyList<long> Requeue()
    {
        using var conn = db.Reporting.OpenConnection();
        // A job is Processing on the server named in its state's data (ServerId, as in hangfire.server).
        var jobs = conn.Query<long>($"""
            update {HangfireStorage.Schema}.jobqueue q set fetchedat = null, updatecount = (q.updatecount + 1) % 2000000000
            where q.fetchedat < now() - make_interval(secs => @seconds)
              and not exists (
                select 1 from {HangfireStorage.Schema}.job j
                join {HangfireStorage.Schema}.state s on s.id = j.stateid
                join {HangfireStorage.Schema}.server sv on sv.id = s.data ->> 'ServerId'
                where j.id = q.jobid and j.statename = 'Processing' and sv.lastheartbeat > now() - make_interval(secs => @silence))
            returning q.jobid
            """, new { seconds = invisibility.TotalSeconds, silence = HeartbeatSilence.TotalSeconds }).Order().ToList();
        if (jobs.Count > 0)
            log.LogWarning("Requeued {Count} job(s) not renewed for {Seconds} s, whose server's heartbeat is silent or gone: {Jobs}",
                jobs.Count, invisibility.TotalSeconds, string.Join(", ", jobs));
        return jobs;
    }
}
