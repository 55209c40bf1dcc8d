using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Demo;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Tests.Loop;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Delivery;

/// <summary>
/// The delivery audit: who got what and when, with the Message-Id, the attempts, the server's answer and the PDF that
/// was sent, kept by its hash — also after a resend of one rep or one team and a correction of the data in between.
/// </summary>
public sealed class DeliveryAuditTests : IAsyncLifetime
{
    private static readonly Period October = new(2026, 10);
    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8)));
    private TestDatabase db = null!;
    private SmtpSink smtp = null!;
    private WebApplication app = null!;
    private string outDir = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_audit");
        smtp = new SmtpSink();
        outDir = Directory.CreateTempSubdirectory("sr-audit-").FullName;
        var demo = await DemoOrganisation.GenerateAsync(db.Databases, outDir, default);
        app = await LoopSetup.StartWebAsync(db, Clock, new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Mail:PickupDirectory"] = null,
        });
        await app.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await app.Services.GetRequiredService<TargetImport>().ImportAsync(demo.TargetsFile, default);
        await app.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(October, false, null, default);
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
        await db.DisposeAsync();
        Directory.Delete(outDir, true);
    }

    private static string Attachment(MimeMessage m) => m.Attachments.OfType<MimePart>().First().FileName!;

    private static byte[] Bytes(MimeMessage m)
    {
        using var stream = new MemoryStream();
        m.Attachments.OfType<MimePart>().First().Content!.DecodeTo(stream);
        return stream.ToArray();
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private Task<IReadOnlyList<DeliveryRecord>> AuditAsync(string? rep = null, string? team = null, string? status = null) =>
        app.Services.GetRequiredService<DeliveryAudit>().ListAsync(new DeliveryFilter(October, rep, team, status), default);

    [Fact]
    public async Task Every_form_and_summary_sent_is_on_record_with_its_message_id_the_servers_answer_and_the_exact_pdf()
    {
        var all = await AuditAsync();
        Assert.Equal(24, all.Count); // 21 reps' forms, 3 managers' summaries
        Assert.All(all, d => Assert.Equal("sent", d.Status));
        Assert.Equal(21, all.Count(d => d.Kind == "rep_form"));
        Assert.Equal(["T01", "T02", "T03"], all.Where(d => d.Kind == "team_summary").Select(d => d.SubjectId));
        var audit = app.Services.GetRequiredService<DeliveryAudit>();
        foreach (var message in smtp.Messages)
        {
            var to = message.To.Mailboxes.Single().Address;
            var row = Assert.Single(all, d => d.Recipient == to);
            Assert.Equal(message.MessageId, row.MessageId);
            Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]); // RFC 3834: no out-of-office reply to it
            Assert.Equal("All", message.Headers["X-Auto-Response-Suppress"]);
            Assert.Equal(1, row.Attempts);
            Assert.Equal(1, row.Sends);
            Assert.Equal("Ok", row.LastAnswer); // what the SMTP server answered to the message
            var bytes = Bytes(message);
            Assert.Equal(Sha(bytes), row.DocumentSha256);
            Assert.Equal(bytes, await audit.DocumentAsync(row.DocumentSha256!, default));
        }
        Assert.Empty(await AuditAsync(status: "failed"));
        var r001 = Assert.Single(await AuditAsync(rep: "R001"));
        Assert.Equal(("rep_form", "R001", "r001@demo.example"), (r001.Kind, r001.SubjectId, r001.Recipient));
        var t02 = await AuditAsync(team: "T02");
        Assert.Equal(["R008", "R009", "R010", "R011", "R012", "R013", "R014", "T02"], t02.Select(d => d.SubjectId));
    }

    [Fact]
    public async Task Resending_one_rep_sends_only_their_form_again_with_the_same_message_id_and_keeps_both_sends_on_record()
    {
        var first = smtp.Messages.Single(m => Attachment(m) == "2026-10_R001.pdf");
        var result = await app.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(new MonthEndRequest(October, Resend: true, RepId: "R001"), null, default);

        Assert.Equal(25, smtp.Messages.Count);
        var again = smtp.Messages.Last();
        Assert.Equal("2026-10_R001.pdf", Attachment(again));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal([("R001", DeliveryOutcome.Sent)], result.Deliveries.Select(d => (d.RepId, d.Outcome)));
        Assert.Equal(DeliveryOutcome.AlreadySent, Assert.Single(result.Summaries!).Outcome);
        Assert.Equal(2, Assert.Single(await AuditAsync(rep: "R001")).Sends);
        Assert.All((await AuditAsync()).Where(d => d.SubjectId != "R001"), d => Assert.Equal(1, d.Sends));
    }

    [Fact]
    public async Task After_a_correction_a_team_resend_sends_the_new_forms_and_what_was_sent_first_stays_retrievable()
    {
        var before = Bytes(smtp.Messages.Single(m => Attachment(m) == "2026-10_R002.pdf"));
        await using (var crm = await db.Databases.Crm.OpenConnectionAsync())
            Assert.Equal(1, await crm.ExecuteAsync("update crm.reps set name = '王小明', updated_at = now() where rep_id = 'R002'"));

        var result = await app.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(new MonthEndRequest(October, Resend: true, TeamId: "T01"), null, default);

        Assert.Equal(7, result.Deliveries.Count);
        Assert.All(result.Deliveries, d => Assert.Equal(DeliveryOutcome.Sent, d.Outcome));
        Assert.Equal(DeliveryOutcome.Sent, Assert.Single(result.Summaries!).Outcome);
        Assert.Equal(24 + 8, smtp.Messages.Count);
        var after = Bytes(smtp.Messages.Last(m => Attachment(m) == "2026-10_R002.pdf"));
        Assert.NotEqual(Sha(before), Sha(after));

        var row = Assert.Single(await AuditAsync(rep: "R002"));
        Assert.Equal((2, Sha(after)), (row.Sends, row.DocumentSha256));
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var sends = (await conn.QueryAsync<string>(
            "select document_sha256 from reporting.delivery_send where delivery_id = @Id order by id", new { row.Id })).ToList();
        Assert.Equal([Sha(before), Sha(after)], sends);
        Assert.Equal(before, await app.Services.GetRequiredService<DeliveryAudit>().DocumentAsync(Sha(before), default));
        Assert.All((await AuditAsync(team: "T02")).Concat(await AuditAsync(team: "T03")), d => Assert.Equal(1, d.Sends));
    }

    [Fact]
    public async Task The_api_shows_the_audit_and_the_pdf_to_admins_and_refuses_other_keys()
    {
        var keys = app.Services.GetRequiredService<ApiKeys>();
        var admin = (await keys.CreateAsync("ops", "admin", null, default)).Key;
        var manager = (await keys.CreateAsync("mgr", "manager", "T01", default)).Key;
        using var client = app.GetTestClient();

        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/deliveries?period=2026-10&rep_id=R003");
        list.Headers.Add("X-Api-Key", admin);
        using var answer = await client.SendAsync(list);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var row = Assert.Single(json.RootElement.EnumerateArray());
        var message = smtp.Messages.Single(m => Attachment(m) == "2026-10_R003.pdf");
        Assert.Equal(message.MessageId, row.GetProperty("message_id").GetString());
        Assert.Equal("r003@demo.example", row.GetProperty("recipient").GetString());
        Assert.Equal("sent", row.GetProperty("status").GetString());

        using var pdf = new HttpRequestMessage(HttpMethod.Get, row.GetProperty("document").GetString());
        pdf.Headers.Add("X-Api-Key", admin);
        using var document = await client.SendAsync(pdf);
        Assert.Equal("application/pdf", document.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Bytes(message), await document.Content.ReadAsByteArrayAsync());

        using var refused = new HttpRequestMessage(HttpMethod.Get, "/api/deliveries?period=2026-10");
        refused.Headers.Add("X-Api-Key", manager);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(refused)).StatusCode);
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/deliveries?period=October&status=lost");
        bad.Headers.Add("X-Api-Key", admin);
        using var badAnswer = await client.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, badAnswer.StatusCode);
        var problem = await badAnswer.Content.ReadAsStringAsync();
        Assert.Contains("expected YYYY-MM", problem, StringComparison.Ordinal);
        Assert.Contains("expected pending, sent, failed", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deliveries_command_lists_one_reps_delivery_and_saves_the_pdf_that_was_sent()
    {
        var env = WorkerProcess.Environment(db, new Dictionary<string, string> { ["Mail__PickupDirectory"] = Path.Combine(outDir, "mail") });
        var save = Path.Combine(outDir, "saved");
        var (code, stdout, stderr) = await WorkerProcess.RunAsync(["deliveries", "--period", "2026-10", "--rep", "R005", "--save", save], env);
        Assert.True(code == 0, stderr + stdout);
        var message = smtp.Messages.Single(m => Attachment(m) == "2026-10_R005.pdf");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("kind\tsubject\trecipient\tstatus\tsent at (UTC)\tattempts\tsends\tMessage-Id\tPDF SHA-256\tserver's last answer", lines[0]);
        var cells = lines[1].Split('\t');
        Assert.Equal(["rep_form", "R005", "r005@demo.example", "sent"], cells[..4]);
        Assert.Equal(["1", "1", message.MessageId!, Sha(Bytes(message)), "Ok"], cells[5..]);
        Assert.Equal("1 deliveries: 1 sent, 0 failed, 0 pending", lines[2]);
        var file = Assert.Single(Directory.GetFiles(save));
        Assert.Equal($"2026-10_rep_form_R005_{Sha(Bytes(message))[..12]}.pdf", Path.GetFileName(file));
        Assert.Equal(Bytes(message), await File.ReadAllBytesAsync(file));

        var (badCode, _, badErr) = await WorkerProcess.RunAsync(["deliveries", "--period", "2026-10", "--status", "lost"], env);
        Assert.Equal(1, badCode);
        Assert.Contains("Argument 'lost' not recognized. Must be one of:", badErr, StringComparison.Ordinal);
    }
}
