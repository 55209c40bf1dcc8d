using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Demo;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;
using UglyToad.PdfPig;

namespace SalesReporting.Tests.Pipeline;

/// <summary>The demo organisation through the whole month-end: real PostgreSQL, real Chromium, a real SMTP server.</summary>
public sealed class MonthEndFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public SmtpSink Smtp { get; } = new();
    public IHost Host { get; private set; } = null!;
    public MonthEndResult First { get; private set; } = null!;
    public List<MimeMessage> FirstMessages { get; private set; } = [];
    /// <summary>What the first run reported, in order.</summary>
    public List<MonthEndProgress> FirstProgress { get; } = [];
    public string OutDir { get; } = Path.Combine(Path.GetTempPath(), "sr-pipeline-" + Guid.NewGuid().ToString("N"));
    public static readonly Period October = new(2026, 10);

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync("sr_pipeline");
        Host = Db.BuildHost(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Forms:OutputDirectory"] = Path.Combine(OutDir, "forms"),
            ["Acknowledgement:Secret"] = "pipeline-test-secret-0123456789-abcdefghij",
            ["Acknowledgement:PublicBaseUrl"] = "https://reports.example.test",
        }, new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))));
        var demo = await DemoOrganisation.GenerateAsync(Db.Databases, OutDir, default);
        await Host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await Host.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
        First = await Host.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(October, false, new Recorder(FirstProgress), default);
        FirstMessages = Smtp.Messages.ToList();
    }

    private sealed class Recorder(List<MonthEndProgress> reports) : IProgress<MonthEndProgress>
    {
        public void Report(MonthEndProgress value) { lock (reports) reports.Add(value); }
    }

    public async Task DisposeAsync()
    {
        Host.Dispose();
        await Smtp.DisposeAsync();
        await Db.DisposeAsync();
        if (Directory.Exists(OutDir)) Directory.Delete(OutDir, true);
    }
}

public sealed class MonthEndPipelineTests(MonthEndFixture f) : IClassFixture<MonthEndFixture>
{
    private sealed record Row(string Indicator, decimal? Actual, decimal? Target, decimal? Completion);

    private static string PdfText(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        // Without white space: a cell wraps its text over lines, which splits words apart.
        return string.Concat(doc.GetPages().SelectMany(p => p.Letters).Select(l => l.Value)).Replace(" ", "", StringComparison.Ordinal);
    }

    private static byte[] Attachment(MimeMessage m)
    {
        var part = m.Attachments.OfType<MimePart>().First(); // the PDF; a summary also carries the team workbook after it
        using var ms = new MemoryStream();
        part.Content!.DecodeTo(ms);
        return ms.ToArray();
    }

    [Fact]
    public void Month_end_reports_its_stages_then_every_form_and_team_as_it_finishes_in_order()
    {
        var reports = f.FirstProgress;
        Assert.Equal([MonthEndStage.Sync, MonthEndStage.Compute], reports.Take(2).Select(r => r.Stage));
        var forms = reports.Skip(2).ToList();
        Assert.All(forms, r => Assert.Equal((MonthEndStage.Forms, 3, 21), (r.Stage, r.TeamsTotal, r.FormsTotal)));
        // 21 forms and 3 team summaries after the start of the forms, one step at a time, never backwards.
        Assert.Equal(1 + 21 + 3, forms.Count);
        Assert.Equal((0, 0), (forms[0].TeamsDone, forms[0].FormsDone));
        Assert.All(forms.Zip(forms.Skip(1)), p => Assert.Equal(1, p.Second.TeamsDone + p.Second.FormsDone - p.First.TeamsDone - p.First.FormsDone));
        Assert.Equal((3, 21), (forms[^1].TeamsDone, forms[^1].FormsDone));
    }

    [Fact]
    public async Task The_example_rep_reproduces_the_template_figures_from_source_rows()
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<Row>(
            "select indicator, actual, target, completion from reporting.indicator_result where period = '2026-10-01' and rep_id = 'R001'"))
            .ToDictionary(r => r.Indicator);
        void Check(string code, decimal actual, decimal target, decimal completion)
        {
            Assert.Equal(actual, Math.Round(rows[code].Actual!.Value, 4));
            Assert.Equal(target, rows[code].Target);
            Assert.Equal(completion, Scoring.Round1(rows[code].Completion!.Value));
        }
        Check("revenue", 85m, 100m, 85.0m);
        Check("collection_rate", 75m, 90m, 83.3m);
        Check("new_customers", 12m, 15m, 80.0m);
        Check("visits", 100m, 120m, 83.3m);
        Check("lead_conversion", 18m, 25m, 72.0m);
        Check("proposals", 25m, 30m, 83.3m);
    }

    [Fact]
    public void The_example_reps_PDF_shows_the_completion_rates_and_key_actions()
    {
        var message = f.FirstMessages.Single(m => m.To.Mailboxes.Single().Address == "r001@demo.example");
        var text = PdfText(Attachment(message));
        foreach (var expected in new[] { "85.0%", "83.3%", "80.0%", "72.0%", "李明", "客户A", "签订年度框架合同", "客户反馈价格偏高，需优化报价", "业绩指标跟踪表", "反馈与确认" })
            Assert.Contains(expected, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_rep_gets_exactly_one_email_with_their_own_PDF_and_nobody_elses()
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var reps = (await conn.QueryAsync<(string Id, string Name, string Email)>("select rep_id, name, email from staging.reps where active order by rep_id")).ToList();
        Assert.Equal(21, reps.Count);
        var forms = f.FirstMessages.Where(m => m.Attachments.OfType<MimePart>().Any(a => a.FileName?.StartsWith("2026-10_R", StringComparison.Ordinal) == true)).ToList();
        Assert.Equal(reps.Count, forms.Count);
        Assert.Equal(reps.Count + 3, f.FirstMessages.Count); // and one team summary per team
        foreach (var rep in reps)
        {
            var mine = f.FirstMessages.Where(m => m.To.Mailboxes.Any(a => a.Address == rep.Email)).ToList();
            var message = Assert.Single(mine);
            Assert.Single(message.To.Mailboxes);
            Assert.Equal($"2026-10_{rep.Id}.pdf", message.Attachments.OfType<MimePart>().Single().FileName);
            var text = PdfText(Attachment(message));
            Assert.Contains(rep.Name, text, StringComparison.Ordinal);
            foreach (var other in reps.Where(o => o.Id != rep.Id))
                Assert.DoesNotContain(other.Name, text, StringComparison.Ordinal);
        }
        Assert.Equal(reps.Count, forms.Select(m => m.MessageId).Distinct().Count());
        Assert.All(f.First.Deliveries, d => Assert.Equal(DeliveryOutcome.Sent, d.Outcome));
        Assert.Equal(reps.Count, Directory.GetFiles(Path.Combine(f.OutDir, "forms"), "2026-10_R*.pdf").Length);
    }

    [Fact]
    public void Every_demo_form_printed_in_its_teams_batch_is_at_most_150_KB()
    {
        var pdfs = Directory.GetFiles(Path.Combine(f.OutDir, "forms"), "2026-10_R*.pdf");
        Assert.Equal(21, pdfs.Length);
        Assert.All(pdfs, path => Assert.InRange(new FileInfo(path).Length, 1, 150 * 1024));
    }

    [Fact]
    public async Task Each_manager_gets_one_team_summary_after_the_teams_forms_naming_every_rep_of_the_team_only()
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var teams = (await conn.QueryAsync<(string Id, string Name, string Email)>("select team_id, name, manager_email from staging.teams order by team_id")).ToList();
        var reps = (await conn.QueryAsync<(string Team, string Name, string Id)>("select team_id, name, rep_id from staging.reps where active")).ToList();
        Assert.Equal(3, teams.Count);
        Assert.Equal(3, f.First.Summaries!.Count);
        Assert.All(f.First.Summaries!, s => Assert.Equal(DeliveryOutcome.Sent, s.Outcome));
        foreach (var team in teams)
        {
            var message = Assert.Single(f.FirstMessages, m => m.To.Mailboxes.Single().Address == team.Email);
            Assert.Contains(team.Name, message.Subject, StringComparison.Ordinal);
            Assert.Equal([$"2026-10_team_{team.Id}.pdf", $"2026-10_team_{team.Id}.xlsx"], message.Attachments.OfType<MimePart>().Select(a => a.FileName));
            var text = PdfText(Attachment(message));
            // The team workbook: the team's sheet, then a sheet per rep of the team, built from the forms the job printed.
            using (var xlsx = new MemoryStream())
            {
                message.Attachments.OfType<MimePart>().Single(a => a.FileName?.EndsWith(".xlsx", StringComparison.Ordinal) == true).Content!.DecodeTo(xlsx);
                var sheets = Infrastructure.WorkbookReader.Read(xlsx.ToArray()).Sheets.Select(x => x.Name).ToList();
                Assert.Equal(team.Name, sheets[0]);
                Assert.Equal(reps.Where(r => r.Team == team.Id).Select(r => $"{r.Name} {r.Id}").Order(StringComparer.Ordinal), sheets.Skip(1).Order(StringComparer.Ordinal));
            }
            foreach (var rep in reps)
            {
                if (rep.Team == team.Id) Assert.Contains(rep.Name, text, StringComparison.Ordinal);
                else Assert.DoesNotContain(rep.Name, text, StringComparison.Ordinal);
            }
            // The summary leaves after every form of its team: the ledger marked it sent last.
            var order = await conn.QuerySingleAsync<bool>("""
                select max(d.sent_at) filter (where d.kind = 'rep_form') <= max(d.sent_at) filter (where d.kind = 'team_summary')
                from reporting.delivery d left join staging.reps r on r.rep_id = d.subject_id
                where d.period = '2026-10-01' and (r.team_id = @team or d.subject_id = @team)
                """, new { team = team.Id });
            Assert.True(order);
        }
    }

    [Fact]
    public async Task Running_month_end_again_sends_nothing_new()
    {
        var again = await f.Host.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(MonthEndFixture.October, false, null, default);
        Assert.Equal(21, again.Deliveries.Count);
        Assert.All(again.Deliveries, d => Assert.Equal(DeliveryOutcome.AlreadySent, d.Outcome));
        Assert.Equal(f.FirstMessages.Count, f.Smtp.Messages.Count);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(21L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.delivery where period = '2026-10-01' and status = 'sent' and kind = 'rep_form'"));
        Assert.Equal(3L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.delivery where period = '2026-10-01' and status = 'sent' and kind = 'team_summary'"));
        Assert.All(again.Summaries!, s => Assert.Equal(DeliveryOutcome.AlreadySent, s.Outcome));
    }

    [Fact]
    public void Each_form_email_carries_a_signed_acknowledgement_link_for_its_own_rep_only()
    {
        var links = f.Host.Services.GetRequiredService<Worker.Api.AcknowledgementLinks>();
        var forms = f.FirstMessages.Where(m => System.Text.RegularExpressions.Regex.IsMatch(m.Attachments.OfType<MimePart>().First().FileName!, @"^2026-10_R\d{3}\.pdf$")).ToList();
        Assert.Equal(21, forms.Count);
        foreach (var message in forms)
        {
            var rep = message.To.Mailboxes.Single().Address.Split('@')[0].ToUpperInvariant();
            var match = System.Text.RegularExpressions.Regex.Match(message.HtmlBody!,
                @"href=""https://reports\.example\.test/ack/2026-10/(?<rep>[^?""]+)\?exp=(?<exp>\d+)&amp;sig=(?<sig>[A-Za-z0-9_-]+)""");
            Assert.True(match.Success, $"no acknowledgement link in the email to {rep}");
            Assert.Equal(rep, match.Groups["rep"].Value);
            Assert.Contains($"https://reports.example.test/ack/2026-10/{rep}?exp={match.Groups["exp"].Value}&sig={match.Groups["sig"].Value}", message.TextBody, StringComparison.Ordinal);
            Assert.Equal(Worker.Api.LinkCheck.Valid, links.Check("2026-10", rep, match.Groups["exp"].Value, match.Groups["sig"].Value));
            // The same signature does not confirm for another rep or another month.
            Assert.Equal(Worker.Api.LinkCheck.Invalid, links.Check("2026-10", rep == "R001" ? "R002" : "R001", match.Groups["exp"].Value, match.Groups["sig"].Value));
            Assert.Equal(Worker.Api.LinkCheck.Invalid, links.Check("2026-09", rep, match.Groups["exp"].Value, match.Groups["sig"].Value));
        }
    }
}
