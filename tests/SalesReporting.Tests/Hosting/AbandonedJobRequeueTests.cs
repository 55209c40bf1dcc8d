using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Loop;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Tests.Hosting;

/// <summary>
/// A dead server's job behind a queue of jobs never fetched: the storage alone runs every fresh job first (the 10,000-rep
/// takeover waited 37 minutes for this); with `serve`'s <see cref="AbandonedJobRequeue"/> it runs as soon as a worker is
/// free after its invisibility ran out. The queue is a real Hangfire.PostgreSql queue; the dead server is the row a killed
/// process leaves behind (fetched, then never renewed).
/// </summary>
public sealed class AbandonedJobRequeueTests
{
    private const int InvisibilitySeconds = 5;
    private const string Queue = "sr_requeue_test";


    /// <summary>The jobs as a month-end leaves them when a server died: the killed server's job fetched (and never renewed
    /// again), then a job a live worker is busy with for twice the invisibility, then two never fetched.</summary>
    private static async Task<JobStorage> QueueAsync(TestDatabase db, string test)
    {
        var storage = HangfireStorage.Create(db.Reporting, TimeSpan.FromSeconds(InvisibilitySeconds));
        var client = new BackgroundJobClient(storage);
        string Enqueue(string name, int seconds) => client.Create(Job.FromExpression(() => RecordingJob.Record(test, name, seconds)), new EnqueuedState(Queue));
        var abandoned = Enqueue("abandoned", 0);
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            Assert.Equal(1, await conn.ExecuteAsync("update hangfire.jobqueue set fetchedat = now() where jobid = @id", new { id = long.Parse(abandoned, System.Globalization.CultureInfo.InvariantCulture) }));
        Enqueue("busy", 2 * InvisibilitySeconds);
        Enqueue("fresh 1", 0);
        Enqueue("fresh 2", 0);
        return storage;
    }

    private static async Task<List<string>> RunsAsync(string test, int count)
    {
        var started = Stopwatch.StartNew();
        while ((RecordingJob.Runs.TryGetValue(test, out var runs) ? runs.Count : 0) < count && started.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(2)); // nothing runs twice
        return [.. RecordingJob.Runs.GetValueOrDefault(test) ?? []];
    }

    [Fact]
    public async Task The_storage_alone_runs_a_dead_servers_job_after_every_job_never_fetched()
    {
        await using var db = await TestDatabase.CreateAsync("sr_requeue_alone");
        var storage = await QueueAsync(db, nameof(The_storage_alone_runs_a_dead_servers_job_after_every_job_never_fetched));
        // Its own activator: the global one may be a stopped `serve`'s (Hangfire.AspNetCore sets it).
        using (new BackgroundJobServer(new BackgroundJobServerOptions { Queues = [Queue], WorkerCount = 1, Activator = new JobActivator() }, storage))
            Assert.Equal(["busy", "fresh 1", "fresh 2", "abandoned"], await RunsAsync(nameof(The_storage_alone_runs_a_dead_servers_job_after_every_job_never_fetched), 4));
    }

    [Fact]
    public async Task Serve_runs_a_dead_servers_job_as_soon_as_its_invisibility_ran_out_before_the_jobs_enqueued_after_it()
    {
        await using var db = await TestDatabase.CreateAsync("sr_requeue_serve");
        const string test = nameof(Serve_runs_a_dead_servers_job_as_soon_as_its_invisibility_ran_out_before_the_jobs_enqueued_after_it);
        await QueueAsync(db, test);
        string[] args =
        [
            "--environment", "Production", "--urls", "http://127.0.0.1:0",
            $"--ConnectionStrings:Crm={db.Crm}", $"--ConnectionStrings:Finance={db.Finance}", $"--ConnectionStrings:Reporting={db.Reporting}",
            "--Mail:PickupDirectory=" + Path.Combine(Path.GetTempPath(), "sr-requeue-mail"),
            "--Acknowledgement:Secret=" + LoopSetup.Secret, "--Acknowledgement:PublicBaseUrl=https://reports.example.com",
            "--Hangfire:WorkerCount=1", "--Hangfire:Queues:0=" + Queue, $"--Hangfire:InvisibilityTimeoutSeconds={InvisibilitySeconds}",
        ];
        await using var app = Serve.Build(args, c => c.UseLogProvider(new SilentLog()));
        var requeue = Assert.IsType<AbandonedJobRequeue>(Assert.Single(app.Services.GetServices<Hangfire.Server.IBackgroundProcess>()));
        Assert.Equal(TimeSpan.FromSeconds(1.25), requeue.Interval);
        await app.StartAsync();
        try
        {
            // The busy job first (the dead server's job is still invisible), then the dead server's job, before the fresh ones.
            Assert.Equal(["busy", "abandoned", "fresh 1", "fresh 2"], await RunsAsync(test, 4));
        }
        finally
        {
            await app.StopAsync();
        }
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from hangfire.jobqueue where queue = @Queue", new { Queue }));
    }

    [Fact]
    public async Task A_pass_puts_back_only_rows_past_their_invisibility_and_says_which()
    {
        await using var db = await TestDatabase.CreateAsync("sr_requeue_pass");
        var storage = HangfireStorage.Create(db.Reporting, TimeSpan.FromSeconds(60));
        var client = new BackgroundJobClient(storage);
        var ids = Enumerable.Range(0, 4).Select(i => long.Parse(client.Create(Job.FromExpression(() => RecordingJob.Record("pass", "x", 0)), new EnqueuedState(Queue)), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        // never fetched; renewed 10 s ago (a live server); last renewed 61 s and 2 hours ago (dead servers)
        await conn.ExecuteAsync("""
            update hangfire.jobqueue set fetchedat = case jobid when @b then now() - interval '10 seconds'
                when @c then now() - interval '61 seconds' when @d then now() - interval '2 hours' end
            where jobid in (@b, @c, @d)
            """, new { b = ids[1], c = ids[2], d = ids[3] });
        var log = new ListLogger<AbandonedJobRequeue>();
        var pass = new AbandonedJobRequeue(db.Reporting, TimeSpan.FromSeconds(60), log);
        Assert.Equal(TimeSpan.FromSeconds(15), pass.Interval);
        Assert.Equal([ids[2], ids[3]], pass.Requeue().Order());
        Assert.Equal([(ids[0], false), (ids[1], true), (ids[2], false), (ids[3], false)],
            (await conn.QueryAsync<(long, bool)>("select jobid, fetchedat is not null from hangfire.jobqueue order by jobid")).ToList());
        Assert.Equal($"Requeued 2 job(s) whose server stopped renewing them for 60 s (a server died): {ids[2]}, {ids[3]}", Assert.Single(log.Messages));
        Assert.Empty(pass.Requeue());
        Assert.Single(log.Messages);
    }
}

/// <summary>The formatted messages logged, in order.</summary>
internal sealed class ListLogger<T> : Microsoft.Extensions.Logging.ILogger<T>
{
    public ConcurrentQueue<string> Messages { get; } = new();
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;
    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Messages.Enqueue(formatter(state, exception));
}

/// <summary>A job that records that it ran, in order, per test (a job names its test), and then takes its time.</summary>
public static class RecordingJob
{
    internal static readonly ConcurrentDictionary<string, ConcurrentQueue<string>> Runs = new(StringComparer.Ordinal);

    public static void Record(string test, string name, int seconds)
    {
        Runs.GetOrAdd(test, _ => new()).Enqueue(name);
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
    }
}
