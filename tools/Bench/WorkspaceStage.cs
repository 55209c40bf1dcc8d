using Hangfire;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Summary;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Workspace;

namespace SalesReporting.Bench;

/// <summary>
/// The workspace stage: `serve` (the real app of <see cref="Serve.Build"/>) on a port of 127.0.0.1 over the bench
/// databases, a team's manager signed in through a sign-in link (created by <see cref="SignInLinks"/>, opened and taken
/// as the mailed one is), then the team page of a 50-rep team and a rep page of that team, each fetched in turn with the
/// floors: <c>/health</c> on the same server (a request that opens a pooled connection and runs <c>select 1</c>), and
/// the page's main query (SummaryQuery / FormQuery) called in-process without HTTP or HTML.
/// </summary>
internal sealed partial class WorkspaceStage(BenchContext bench)
{
    public const int TeamSize = 50;
    public const int WarmUp = 20;

    public async Task RunAsync(CancellationToken ct)
    {
        var (teamId, teamReps, manager, repId) = await TeamAsync(ct);
        if (teamReps != TeamSize) bench.Notes.Add($"workspace: no team of {TeamSize} reps at this size; measured team {teamId} of {teamReps}");
        var period = bench.Period;
        var config = bench.Services.GetRequiredService<IConfiguration>();
        var mail = Directory.CreateTempSubdirectory("sr-bench-mail-");
        var app = Serve.Build(
        [
            "--urls", "http://127.0.0.1:0", "--environment", "Production",
            $"--ConnectionStrings:Crm={config.GetConnectionString("Crm")}", $"--ConnectionStrings:Finance={config.GetConnectionString("Finance")}",
            $"--ConnectionStrings:Reporting={config.GetConnectionString("Reporting")}",
            $"--Mail:PickupDirectory={mail.FullName}", "--Acknowledgement:Secret=" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            "--Acknowledgement:PublicBaseUrl=http://127.0.0.1", "--Hangfire:Server=false",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
        ], c => c.UseLogProvider(new SilentHangfireLog())); // Hangfire's log provider is process-wide: not this app's, disposed with it
        try
        {
            await app.StartAsync(ct);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true })
                { BaseAddress = new Uri(address) };
            await SignInAsync(app, client, manager, ct);

            var teamPath = $"/app/teams/{Uri.EscapeDataString(teamId)}/{period}";
            var repPath = $"/app/reps/{Uri.EscapeDataString(repId)}/{period}";
            var summaries = app.Services.GetRequiredService<SummaryQuery>();
            var forms = app.Services.GetRequiredService<FormQuery>();
            var requests = bench.Settings.PageRequests;
            var task = bench.Progress.Start($"workspace: {WarmUp} warm-up + {requests} × (team page, rep page, /health, their queries)", requests + WarmUp);
            var team = new List<double>(requests);
            var rep = new List<double>(requests);
            var health = new List<double>(requests);
            var teamQuery = new List<double>(requests);
            var repQuery = new List<double>(requests);
            long teamBytes = 0, repBytes = 0;
            // Interleaved, so whatever else the machine does falls on the pages and the floors alike.
            for (var i = 0; i < WarmUp + requests; i++)
            {
                var measured = i >= WarmUp;
                var (t, tb) = await GetAsync(client, teamPath, $"/app/reps/{Uri.EscapeDataString(repId)}/", ct);
                var (r, rb) = await GetAsync(client, repPath, null, ct);
                var (h, _) = await GetAsync(client, "/health", null, ct);
                var sw = Stopwatch.StartNew();
                await summaries.LoadAsync(period, teamId, ct);
                var tq = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                await forms.LoadAsync(period, [repId], ct);
                var rq = sw.Elapsed.TotalMilliseconds;
                if (measured)
                {
                    team.Add(t); rep.Add(r); health.Add(h); teamQuery.Add(tq); repQuery.Add(rq);
                    teamBytes = tb; repBytes = rb;
                }
                task.Increment(1);
            }
            task.Complete($"workspace: {requests} requests of each page");
            var floor = LatencySeries.Of("GET /health (same server, select 1)", health);
            bench.Latencies.Add(new BenchLatency(LatencySeries.Of($"team page {teamId} ({teamReps} reps, {teamBytes / 1024:N0} KB)", team), floor,
                LatencySeries.Of("SummaryQuery.LoadAsync", teamQuery)));
            bench.Latencies.Add(new BenchLatency(LatencySeries.Of($"rep page {repId} ({repBytes / 1024:N0} KB)", rep), floor,
                LatencySeries.Of("FormQuery.LoadAsync", repQuery)));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            mail.Delete(true);
        }
    }

    /// <summary>The team closest to 50 active reps (the first of them), its manager, and its first rep.</summary>
    private async Task<(string Team, int Reps, string Manager, string Rep)> TeamAsync(CancellationToken ct)
    {
        await using var conn = await bench.Db.Reporting.OpenConnectionAsync(ct);
        var team = await conn.QueryFirstAsync<(string TeamId, long Reps, string Manager)>(new CommandDefinition("""
            select t.team_id, count(*), t.manager_email
            from staging.teams t join staging.reps r using (team_id)
            where r.active and t.manager_email is not null
            group by t.team_id, t.manager_email
            order by abs(count(*) - @size), t.team_id
            limit 1
            """, new { size = TeamSize }, cancellationToken: ct));
        var rep = await conn.ExecuteScalarAsync<string>(new CommandDefinition(
            "select min(rep_id) from staging.reps where team_id = @team and active", new { team = team.TeamId }, cancellationToken: ct));
        return (team.TeamId, (int)team.Reps, team.Manager, rep!);
    }

    /// <summary>The emailed link's flow without the mail: the link made as the mailer makes it, opened, and its button pressed.</summary>
    private static async Task SignInAsync(WebApplication app, HttpClient client, string email, CancellationToken ct)
    {
        var token = await app.Services.GetRequiredService<SignInLinks>().CreateAsync(email, ct);
        var page = await client.GetStringAsync($"/app/signin/{token}", ct);
        using var form = new FormUrlEncodedContent([new("__af", Antiforgery().Match(page).Groups[1].Value)]);
        using var signedIn = await client.PostAsync($"/app/signin/{token}", form, ct);
        if (signedIn.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"workspace: signing {email} in answered {(int)signedIn.StatusCode}, not a redirect");
    }

    /// <summary>One GET read to its end: milliseconds and bytes. Anything but 200 (or a page without its mark) stops the bench.</summary>
    private static async Task<(double Ms, long Bytes)> GetAsync(HttpClient client, string path, string? mark, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var ms = sw.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK || (mark is not null && !body.Contains(mark, StringComparison.Ordinal)))
            throw new InvalidOperationException($"workspace: GET {path} answered {(int)response.StatusCode}");
        return (ms, System.Text.Encoding.UTF8.GetByteCount(body));
    }

    [GeneratedRegex("name=\"__af\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}

/// <summary>Hangfire logging nowhere: the bench's web app must not leave its (disposed) logger factory as Hangfire's
/// process-wide log provider for the stages after it.</summary>
internal sealed class SilentHangfireLog : Hangfire.Logging.ILogProvider, Hangfire.Logging.ILog
{
    public Hangfire.Logging.ILog GetLogger(string name) => this;
    public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
}
