using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Dapper;
using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Bench;

/// <summary>
/// The whole month-end as a company waits for it: the bench organisation's month-end queued on the scheduler and run
/// by real `serve` processes (the worker beside the bench), from month-end-close to the last team job done, once with
/// one worker process and once with two. Its floor is the sum of the stages' floors measured in this run, scaled to
/// every rep: compute's GROUP BY scans, bare Chromium's rate for the forms and the summaries, a bare MailKit loop's
/// rate for their messages (when those stages ran; otherwise the one-process run is the floor of the two-process one).
/// </summary>
internal sealed class MonthEndStage(BenchContext bench)
{
    private static readonly string Worker = Path.Combine(AppContext.BaseDirectory, "SalesReporting.Worker.dll");

    /// <param name="passes">the month-end passes before the takeover, by serve processes (1 and 2 by default); none, only the takeover</param>
    /// <param name="takeover">whether the pass with a process killed runs after them</param>
    public async Task RunAsync(IReadOnlyList<int> passes, bool takeover, CancellationToken ct)
    {
        if (!File.Exists(Worker)) throw new FileNotFoundException($"The worker is built beside the bench: {Worker}", Worker);
        var reporting = bench.Services.GetRequiredService<IConfiguration>().GetConnectionString("Reporting")!;
        var storage = HangfireStorage.Create(reporting);
        // A bench stopped half-way leaves its team jobs queued in the bench's own storage; they are not this run's.
        await using (var conn = await bench.Db.Reporting.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition("delete from hangfire.jobqueue", cancellationToken: ct));
        TimeSpan? one = null;
        foreach (var processes in passes)
        {
            var run = await RunOnceAsync(storage, processes, kill: false, ct);
            one ??= run.Time;
            var (floorName, floorTime) = Floor(run.Forms, run.Summaries) is { } f ? f : ("the month-end with one process", one.Value);
            bench.Figures.Add(new BenchFigure($"month-end under the scheduler, {processes} serve process(es)", "forms", run.Forms, run.Time, floorName, run.Forms, floorTime,
                string.Create(CultureInfo.InvariantCulture, $"{run.Forms:N0} forms and {run.Summaries} summaries sent; peak resident memory: worker {run.PeakWorkerMb:N0} MB (the largest serve process's VmHWM), its Chromium {run.PeakChromiumMb:N0} MB (the largest sum over one serve process's Chromium processes, sampled each second){run.FailedNote}")));
        }
        if (!takeover) return;
        var killed = await RunOnceAsync(storage, 2, kill: true, ct);
        var invisibility = TimeSpan.FromSeconds(bench.Services.GetRequiredService<IConfiguration>().GetValue("Hangfire:InvisibilityTimeoutSeconds", HangfireServerOptions.DefaultInvisibilityTimeoutSeconds));
        bench.Figures.Add(new BenchFigure("takeover after a SIGKILL, 2 serve processes", "team job", 1, killed.Takeover!.Value, "the storage's invisibility timeout (Hangfire:InvisibilityTimeoutSeconds)", 1, invisibility,
            string.Create(CultureInfo.InvariantCulture, $"a serve process killed while running a team job, {killed.FormsAtKill:N0} forms out; the other took the job over after {killed.Takeover.Value.TotalSeconds:N1} s; the month then finished in {killed.Time.TotalSeconds:N1} s: {killed.Forms:N0} forms, one per rep, each with its own Message-Id; {killed.ReceivedTwice} message(s) arrived twice with the same Message-Id (sent by the killed process, not yet marked sent){killed.FailedNote}")));
    }

    /// <summary>The sum of this run's floors for this many forms and summaries, when compute, render and deliver ran.</summary>
    private (string, TimeSpan)? Floor(long forms, long summaries)
    {
        var compute = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("compute", StringComparison.Ordinal));
        var render = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("render (RenderManyAsync", StringComparison.Ordinal));
        var summary = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("render summaries", StringComparison.Ordinal));
        var deliver = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("deliver", StringComparison.Ordinal));
        if (compute is null || render is null || deliver is null) return null;
        var documents = forms + summaries;
        // Forms at bare Chromium's rate for forms, summaries (many pages each) at its rate for summaries.
        var time = compute.FloorTime + TimeSpan.FromSeconds(forms / render.FloorRate + summaries / (summary ?? render).FloorRate + documents / deliver.FloorRate);
        // The day's changes the month-end's sync pulls, when the sync stage measured the COPY of such a day.
        var sync = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("sync (SourceSync, incremental", StringComparison.Ordinal));
        return sync is null
            ? ("Σ floors: compute + bare Chromium + bare MailKit", time)
            : ("Σ floors: COPY of a day's changes + compute + bare Chromium + bare MailKit", time + sync.FloorTime);
    }

    private sealed record Run(TimeSpan Time, long Forms, long Summaries, long PeakWorkerMb, long PeakChromiumMb, TimeSpan? Takeover, int ReceivedTwice,
        long FormsAtKill, IReadOnlyList<string> Failed)
    {
        /// <summary>"", or the deliveries that failed for good (the bench's mail server refused them), to print beside the figure.</summary>
        public string FailedNote => Failed.Count == 0 ? "" : $"; {Failed.Count} delivery(ies) failed permanently: {string.Join(", ", Failed.Take(5))}" + Faults;

        /// <summary>The bench SMTP server's own faults, or that there were none (the refusals came from reading the messages).</summary>
        public string Faults { get; init; } = "";
    }

    /// <summary>The deliveries of this month that failed for good, as "kind subject (last error)".</summary>
    private async Task<List<string>> FailedAsync(CancellationToken ct)
    {
        await using var conn = await bench.Db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<string>(new CommandDefinition("""
            select kind || ' ' || subject_id || ' (' || coalesce(last_error, '') || ')' from reporting.delivery
            where period = @p and status = 'failed' order by kind, subject_id
            """, new { p = bench.Period.Start }, cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// One month-end under the scheduler with this many `serve` processes, the month's ledger cleared first. With
    /// <paramref name="kill"/>, the process running a team job once some forms are out is killed (SIGKILL) and the time
    /// until the other process runs that job is measured; the month still runs to its end, and every rep must then
    /// have exactly one form sent.
    /// </summary>
    private async Task<Run> RunOnceAsync(JobStorage storage, int processes, bool kill, CancellationToken ct)
    {
        await using (var conn = await bench.Db.Reporting.OpenConnectionAsync(ct))
        {
            await conn.ExecuteAsync(new CommandDefinition("delete from reporting.delivery where period = @p", new { p = bench.Period.Start }, commandTimeout: 0, cancellationToken: ct));
            await DeliverStage.VacuumLedgerAsync(conn, ct);
        }
        var what = kill ? $"month-end under the scheduler, {processes} serve processes, one killed" : $"month-end under the scheduler, {processes} serve process(es)";
        // A day's changes in the sources, which month-end-close's sync pulls (issue 14: the month-end from an incremental sync).
        var touched = await BenchData.TouchAsync(bench.Db, 0.01, $"month-end {processes} {kill}", ct);
        var task = bench.Progress.Start($"{what}: starting ({touched:N0} source rows edited for its sync)", 1);
        var smtp = bench.Services.GetRequiredService<BenchSmtpServer>();
        smtp.ForgetMessageIds();
        var servers = Enumerable.Range(0, processes).Select(_ => Start()).ToList();
        try
        {
            var monitor = storage.GetMonitoringApi();
            var ready = Stopwatch.StartNew();
            while (Live(monitor, servers) < processes)
            {
                if (ready.Elapsed > TimeSpan.FromMinutes(2) || servers.Any(s => s.HasExited))
                    throw new InvalidOperationException($"{processes} serve process(es) did not come up as Hangfire servers");
                await Task.Delay(200, ct);
            }
            var reps = (await bench.Services.GetRequiredService<Reports.Forms.FormQuery>().ActiveRepsAsync(ct)).Count;
            task.MaxValue = reps;
            task.Description = what;
            var sw = Stopwatch.StartNew();
            var close = new BackgroundJobClient(storage).Enqueue<MonthEndJob>(j => j.RunAsync(bench.Period.ToString(), false, null, null, null, CancellationToken.None));
            long peakWorker = 0, peakChromium = 0;
            (string JobId, Process Killed, DateTime At)? victim = null;
            long formsAtKill = 0;
            TimeSpan? takeover = null;
            var again = 0;
            Queue<string>? unfinished = null; // the team jobs not yet seen done, once month-end-close has queued them
            while (true)
            {
                await Task.Delay(kill && victim is null ? 100 : 1000, ct);
                foreach (var s in servers.Where(s => !s.HasExited))
                {
                    peakWorker = Math.Max(peakWorker, ResidentKb(s.Id, "VmHWM"));
                    peakChromium = Math.Max(peakChromium, Descendants(s.Id).Sum(pid => ResidentKb(pid, "VmRSS")));
                }
                var (forms, summaries) = await SentAsync(ct);
                task.Value = forms;
                if (kill && victim is null && forms > 0
                    && monitor.ProcessingJobs(0, 50).FirstOrDefault(j => j.Value.Job?.Method.Name == nameof(RenderAndDeliverJob.RunTeamAsync)) is { Value: not null } running)
                {
                    var killed = servers.Single(s => s.Id == int.Parse(running.Value.ServerId.Split(':')[1], CultureInfo.InvariantCulture));
                    killed.Kill(entireProcessTree: true); // SIGKILL, no goodbye
                    victim = (running.Key, killed, DateTime.UtcNow);
                    formsAtKill = forms;
                    task.Description = $"{what}: killed {killed.Id} while it ran team job {running.Key}, waiting for the takeover";
                }
                if (victim is { } v && takeover is null
                    && (monitor.JobDetails(v.JobId)?.History ?? []).Where(h => h.StateName == "Processing" && h.CreatedAt > v.At).Select(h => (DateTime?)h.CreatedAt).Min() is { } resumed)
                {
                    takeover = resumed - v.At;
                    task.Description = $"{what}: team job {v.JobId} taken over after {takeover.Value.TotalSeconds:N1} s";
                }
                if (unfinished is null)
                {
                    var state = monitor.JobDetails(close)?.History.FirstOrDefault()?.StateName;
                    if (state is "Failed" or "Deleted") throw new InvalidOperationException($"month-end-close {state}");
                    if (state != "Succeeded") continue;
                    using var connection = storage.GetConnection();
                    unfinished = new Queue<string>(SerializationHelper.Deserialize<MonthEndQueued>(
                        connection.GetJobParameter(close, MonthEndQueued.Parameter), SerializationOption.User)!.TeamJobIds);
                }
                // The team jobs' states, read in the order they were queued from the first one not yet seen done: one or two
                // reads a second. Reading all 200 every second was 56,000 reads in a 10,000-rep month-end, on the same two
                // cores as the month-end it measured.
                while (unfinished.TryPeek(out var teamJob))
                {
                    var state = monitor.JobDetails(teamJob)?.History.FirstOrDefault()?.StateName;
                    if (state is "Failed" or "Deleted") throw new InvalidOperationException($"team job {teamJob} {state}");
                    if (state != "Succeeded") break;
                    unfinished.Dequeue();
                }
                if (unfinished.Count > 0) continue;
                var time = sw.Elapsed;
                // Counted again now that every team job is done: the count above was read before their states, and the
                // last summary may have been marked sent in between.
                (forms, summaries) = await SentAsync(ct);
                task.Value = forms;
                var failed = await FailedAsync(ct);
                if (kill)
                {
                    if (takeover is null) throw new InvalidOperationException("no team job was killed and taken over: the month ended before one was caught running");
                    var once = await OncePerRepAsync(ct);
                    if (once != (forms, forms) || once.Reps + failed.Count(f => f.StartsWith("rep_form ", StringComparison.Ordinal)) != reps)
                        throw new InvalidOperationException($"after the kill, {once.Reps} of {reps} reps have {once.Messages} forms sent ({failed.Count} failed): not exactly one each; the takeover took {takeover.Value.TotalSeconds:N1} s");
                    // A message the bench's server refused (a textless 554 while it read the message) may have reached its store.
                    if (smtp.MessageIds.Count < forms + summaries || smtp.MessageIds.Count > forms + summaries + failed.Count)
                        throw new InvalidOperationException($"after the kill, the SMTP server received {smtp.MessageIds.Count} distinct Message-Ids for {forms + summaries} documents");
                    again = smtp.MessageIds.Count(m => m.Value > 1);
                }
                task.Complete($"{what}: {forms:N0} forms, {summaries} summaries in {time.TotalSeconds:N1} s" + (takeover is { } t ? $"; takeover after {t.TotalSeconds:N1} s" : ""));
                return new Run(time, forms, summaries, peakWorker / 1024, peakChromium / 1024, takeover, again, formsAtKill, failed)
                {
                    Faults = smtp.StoreFaults.IsEmpty ? " (none in the bench SMTP server's store: refused while the library read the message)"
                        : $" (the bench SMTP server's store: {string.Join("; ", smtp.StoreFaults.Distinct().Take(3))})",
                };
            }
        }
        finally
        {
            foreach (var s in servers)
            {
                if (!s.HasExited) s.Kill(entireProcessTree: true);
                await s.WaitForExitAsync(CancellationToken.None);
                s.Dispose();
            }
        }
    }

    /// <summary>How many reps have a form sent this month, and how many distinct Message-Ids those sends carry.</summary>
    private async Task<(long Reps, long Messages)> OncePerRepAsync(CancellationToken ct)
    {
        await using var conn = await bench.Db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<(long, long)>(new CommandDefinition("""
            select count(distinct subject_id), count(distinct message_id)
            from reporting.delivery where period = @p and kind = 'rep_form' and status = 'sent'
            """, new { p = bench.Period.Start }, cancellationToken: ct));
    }

    private async Task<(long Forms, long Summaries)> SentAsync(CancellationToken ct)
    {
        await using var conn = await bench.Db.Reporting.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<(long, long)>(new CommandDefinition("""
            select count(*) filter (where kind = 'rep_form'), count(*) filter (where kind = 'team_summary')
            from reporting.delivery where period = @p and status = 'sent'
            """, new { p = bench.Period.Start }, cancellationToken: ct));
    }

    private static int Live(Hangfire.Storage.IMonitoringApi monitor, List<Process> servers) =>
        monitor.Servers().Count(s => servers.Any(p => s.Name.Split(':').ElementAtOrDefault(1) == p.Id.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A /proc status field of a process (VmHWM: peak resident set, VmRSS: resident now), in KB; 0 when it cannot be read.</summary>
    private static long ResidentKb(int pid, string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return 0; }
    }

    /// <summary>Every process descended from this one (the worker's Chromium and its helpers), from /proc's parent links.</summary>
    private static IEnumerable<int> Descendants(int root)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (!parents.TryGetValue(ppid, out var children)) parents[ppid] = children = [];
                children.Add(pid);
            }
            catch (IOException) { }
        }
        var stack = new Stack<int>([root]);
        while (stack.TryPop(out var pid))
            foreach (var child in parents.GetValueOrDefault(pid) ?? [])
            {
                yield return child;
                stack.Push(child);
            }
    }

    private Process Start()
    {
        var config = bench.Services.GetRequiredService<IConfiguration>();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Worker, "serve", "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(a);
        foreach (var key in new[] { "ConnectionStrings:Crm", "ConnectionStrings:Finance", "ConnectionStrings:Reporting", "Smtp:Host", "Smtp:Port", "Smtp:UseTls", "Company:TimeZone", "Mail:From", "Hangfire:InvisibilityTimeoutSeconds" })
            if (config[key] is { Length: > 0 } value) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["Forms__OutputDirectory"] = "";
        start.Environment["Acknowledgement__Secret"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        start.Environment["Acknowledgement__PublicBaseUrl"] = "https://reports.example.com";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
