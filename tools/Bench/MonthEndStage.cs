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

    public async Task RunAsync(CancellationToken ct)
    {
        if (!File.Exists(Worker)) throw new FileNotFoundException($"The worker is built beside the bench: {Worker}", Worker);
        var reporting = bench.Services.GetRequiredService<IConfiguration>().GetConnectionString("Reporting")!;
        var storage = HangfireStorage.Create(reporting);
        TimeSpan? one = null;
        foreach (var processes in new[] { 1, 2 })
        {
            var (time, forms, summaries, peakMb) = await RunOnceAsync(storage, processes, ct);
            one ??= time;
            var (floorName, floorTime) = Floor(forms, summaries) is { } f ? f : ("the month-end with one process", one.Value);
            bench.Figures.Add(new BenchFigure($"month-end under the scheduler, {processes} serve process(es)", "forms", forms, time, floorName, forms, floorTime,
                string.Create(CultureInfo.InvariantCulture, $"{forms:N0} forms and {summaries} summaries sent; worker peak resident memory {peakMb:N0} MB (largest process)")));
        }
    }

    /// <summary>The sum of this run's floors for this many forms and summaries, when compute, render and deliver ran.</summary>
    private (string, TimeSpan)? Floor(long forms, long summaries)
    {
        var compute = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("compute", StringComparison.Ordinal));
        var render = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("render", StringComparison.Ordinal));
        var deliver = bench.Figures.FirstOrDefault(f => f.Stage.StartsWith("deliver", StringComparison.Ordinal));
        if (compute is null || render is null || deliver is null) return null;
        var documents = forms + summaries;
        var time = compute.FloorTime + TimeSpan.FromSeconds(documents / render.FloorRate + documents / deliver.FloorRate);
        return ("Σ floors: compute + bare Chromium + bare MailKit", time);
    }

    private async Task<(TimeSpan Time, long Forms, long Summaries, long PeakMb)> RunOnceAsync(JobStorage storage, int processes, CancellationToken ct)
    {
        await using (var conn = await bench.Db.Reporting.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition("delete from reporting.delivery where period = @p", new { p = bench.Period.Start }, commandTimeout: 0, cancellationToken: ct));
        var task = bench.Progress.Start($"month-end under the scheduler, {processes} serve process(es): starting", 1);
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
            task.Description = $"month-end under the scheduler, {processes} serve process(es)";
            var sw = Stopwatch.StartNew();
            var close = new BackgroundJobClient(storage).Enqueue<MonthEndJob>(j => j.RunAsync(bench.Period.ToString(), false, null, null, null, CancellationToken.None));
            long peak = 0;
            while (true)
            {
                await Task.Delay(1000, ct);
                peak = Math.Max(peak, servers.Max(PeakResidentKb));
                var (forms, summaries) = await SentAsync(ct);
                task.Value = forms;
                var state = monitor.JobDetails(close)?.History.FirstOrDefault()?.StateName;
                if (state is "Failed" or "Deleted") throw new InvalidOperationException($"month-end-close {state}");
                if (state != "Succeeded") continue;
                using var connection = storage.GetConnection();
                var queued = SerializationHelper.Deserialize<MonthEndQueued>(connection.GetJobParameter(close, MonthEndQueued.Parameter), SerializationOption.User)!;
                var states = queued.TeamJobIds.Select(id => monitor.JobDetails(id)?.History.FirstOrDefault()?.StateName).ToList();
                if (states.Any(s => s is "Failed" or "Deleted")) throw new InvalidOperationException("a team job failed");
                if (states.All(s => s == "Succeeded"))
                {
                    var time = sw.Elapsed;
                    task.Complete($"month-end under the scheduler, {processes} serve process(es): {forms:N0} forms, {summaries} summaries in {time.TotalSeconds:N1} s");
                    return (time, forms, summaries, peak / 1024);
                }
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

    /// <summary>The process's peak resident set (VmHWM), in KB; 0 when it cannot be read.</summary>
    private static long PeakResidentKb(Process p)
    {
        try
        {
            var line = File.ReadLines($"/proc/{p.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return 0; }
    }

    private Process Start()
    {
        var config = bench.Services.GetRequiredService<IConfiguration>();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Worker, "serve", "--urls", "http://127.0.0.1:0" }) start.ArgumentList.Add(a);
        foreach (var key in new[] { "ConnectionStrings:Crm", "ConnectionStrings:Finance", "ConnectionStrings:Reporting", "Smtp:Host", "Smtp:Port", "Smtp:UseTls", "Company:TimeZone", "Mail:From" })
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
