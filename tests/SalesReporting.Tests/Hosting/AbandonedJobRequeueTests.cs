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

    /// <summary>
    /// A month-end's queue as a server dies: the one worker busy with a job for four times the invisibility; meanwhile a
    /// job fetched by a server that then died (fetched, never renewed), and two jobs never fetched, enqueued after it.
    /// Returns the order the jobs ran in.
    /// </summary>
    private static async Task<List<string>> RunAsync(TestDatabase db, JobStorage storage, string test, Func<Task<IAsyncDisposable>> startServer)
    {
        var client = new BackgroundJobClient(storage);
        string Enqueue(string name, int seconds) => client.Create(Job.FromExpression(() => RecordingJob.Record(test, name, seconds)), new EnqueuedState(Queue));
        Enqueue("busy", 4 * InvisibilitySeconds);
        await using var server = await startServer();
        await RunsAsync(test, 1);
        var abandoned = long.Parse(Enqueue("abandoned", 0), System.Globalization.CultureInfo.InvariantCulture);
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            Assert.Equal(1, await conn.ExecuteAsync("update hangfire.jobqueue set fetchedat = now() where jobid = @abandoned", new { abandoned }));
        Enqueue("fresh 1", 0);
        Enqueue("fresh 2", 0);
        await RunsAsync(test, 4);
        await Task.Delay(TimeSpan.FromSeconds(2)); // nothing runs twice
        return [.. RecordingJob.Runs.GetValueOrDefault(test) ?? []];
    }

    private static async Task<List<string>> RunsAsync(string test, int count)
    {
        var started = Stopwatch.StartNew();
        while ((RecordingJob.Runs.TryGetValue(test, out var runs) ? runs.Count : 0) < count && started.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100);
        return [.. RecordingJob.Runs.GetValueOrDefault(test) ?? []];
    }

    private sealed class Stopping(Func<ValueTask> stop) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => stop();
    }

    [Fact]
    public async Task The_storage_alone_runs_a_dead_servers_job_after_every_job_never_fetched()
    {
        await using var db = await TestDatabase.CreateAsync("sr_requeue_alone");
        var storage = HangfireStorage.Create(db.Reporting, TimeSpan.FromSeconds(InvisibilitySeconds));
        var runs = await RunAsync(db, storage, nameof(The_storage_alone_runs_a_dead_servers_job_after_every_job_never_fetched), () =>
        {
            // Its own activator: the global one may be a stopped `serve`'s (Hangfire.AspNetCore sets it).
            var server = new BackgroundJobServer(new BackgroundJobServerOptions { Queues = [Queue], WorkerCount = 1, Activator = new JobActivator() }, storage);
            return Task.FromResult<IAsyncDisposable>(new Stopping(() => { server.Dispose(); return ValueTask.CompletedTask; }));
        });
        Assert.Equal(["busy", "fresh 1", "fresh 2", "abandoned"], runs);
    }

    [Fact]
    public async Task Serve_runs_a_dead_servers_job_as_soon_as_its_invisibility_ran_out_before_the_jobs_enqueued_after_it()
    {
        await using var db = await TestDatabase.CreateAsync("sr_requeue_serve");
        const string test = nameof(Serve_runs_a_dead_servers_job_as_soon_as_its_invisibility_ran_out_before_the_jobs_enqueued_after_it);
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
        Assert.Equal(TimeSpan.FromSeconds(60), requeue.HeartbeatSilence);
        var runs = await RunAsync(db, HangfireStorage.Create(db.Reporting, TimeSpan.FromSeconds(InvisibilitySeconds)), test, async () =>
        {
            await app.StartAsync();
            return new Stopping(async () => await app.StopAsync());
        });
        // The busy job, then the dead server's job as soon as the worker is free, before the fresh ones.
        Assert.Equal(["busy", "abandoned", "fresh 1", "fresh 2"], runs);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from hangfire.jobqueue where queue = @Queue", new { Queue }));
    }

    [Fact]
    public async Task A_pass_puts_back_only_rows_past_their_invisibility_whose_server_is_silent_and_says_which()
    {
        await using var db = await TestDatabase.CreateAsync("sr_requeue_pass");
        var storage = HangfireStorage.Create(db.Reporting, TimeSpan.FromSeconds(60));
        var client = new BackgroundJobClient(storage);
        var ids = Enumerable.Range(0, 6).Select(i => long.Parse(client.Create(Job.FromExpression(() => RecordingJob.Record("pass", "x", 0)), new EnqueuedState(Queue)), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        // 0 never fetched; 1 renewed 10 s ago (a live server); 2 last renewed 61 s ago, still Enqueued (its server died
        // before it began); 3 last renewed 2 hours ago, Processing on a server silent for 2 minutes; 4 last renewed 90 s
        // ago, Processing on a server that beat 5 s ago (alive, its renewals late); 5 the same on a server no longer listed.
        await conn.ExecuteAsync("""
            update hangfire.jobqueue set fetchedat = now() - case jobid when @j1 then interval '10 seconds' when @j2 then interval '61 seconds'
                when @j3 then interval '2 hours' else interval '90 seconds' end
            where jobid in (@j1, @j2, @j3, @j4, @j5);
            insert into hangfire.server(id, data, lastheartbeat) values
                ('test:1:silent', '{}', now() - interval '2 minutes'), ('test:2:alive', '{}', now() - interval '5 seconds');
            with processing as (
                insert into hangfire.state(jobid, name, createdat, data)
                select jobid, 'Processing', now(), jsonb_build_object('ServerId', server, 'WorkerId', 'w')
                from (values (@j3, 'test:1:silent'), (@j4, 'test:2:alive'), (@j5, 'test:3:gone')) v(jobid, server)
                returning id, jobid)
            update hangfire.job j set stateid = p.id, statename = 'Processing' from processing p where j.id = p.jobid;
            """, new { j1 = ids[1], j2 = ids[2], j3 = ids[3], j4 = ids[4], j5 = ids[5] });
        var log = new ListLogger<AbandonedJobRequeue>();
        var pass = new AbandonedJobRequeue(db.Databases, TimeSpan.FromSeconds(60), log);
        Assert.Equal(TimeSpan.FromSeconds(15), pass.Interval);
        Assert.Equal([ids[2], ids[3], ids[5]], pass.Requeue());
        Assert.Equal([(ids[0], false), (ids[1], true), (ids[2], false), (ids[3], false), (ids[4], true), (ids[5], false)],
            (await conn.QueryAsync<(long, bool)>("select jobid, fetchedat is not null from hangfire.jobqueue order by jobid")).ToList());
        Assert.Equal($"Requeued 3 job(s) not renewed for 60 s, whose server's heartbeat is silent or gone: {ids[2]}, {ids[3]}, {ids[5]}", Assert.Single(log.Messages));
        Assert.Empty(pass.Requeue());
        Assert.Single(log.Messages);
        // A longer invisibility is also the heartbeat's allowance.
        Assert.Equal(TimeSpan.FromSeconds(300), new AbandonedJobRequeue(db.Databases, TimeSpan.FromSeconds(300), log).HeartbeatSilence);
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
