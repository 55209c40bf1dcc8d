using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SmtpServer.Protocol;

namespace SalesReporting.Tests.Delivery;

/// <summary>The delivery ledger against a real SMTP server that refuses on cue.</summary>
public sealed class DeliveryLedgerTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private readonly SmtpSink smtp = new();
    private IHost host = null!;
    private static readonly Period October = new(2026, 10);

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_delivery");
        host = db.BuildHost(new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail:Attempts"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        host.Dispose();
        await smtp.DisposeAsync();
        await db.DisposeAsync();
    }

    private static MimeMessage Message(string to)
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse("reports@salesreporting.local"));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = "test";
        m.Body = new TextPart("plain") { Text = "hello" };
        return m;
    }

    private Task<(DeliveryOutcome, string?)> Deliver(string rep, string to, bool force = false) =>
        host.Services.GetRequiredService<DeliveryLedger>().DeliverAsync(new DeliveryKey("rep_form", October, rep, to), _ => Message(to), force, default);

    [Fact]
    public async Task A_server_answering_451_twice_then_accepting_gets_the_message_exactly_once()
    {
        var refusals = 0;
        smtp.Answer = _ => Interlocked.Increment(ref refusals) <= 2 ? new SmtpResponse((SmtpReplyCode)451, "try later") : null;
        var (outcome, _) = await Deliver("R1", "r1@x.example");
        Assert.Equal(DeliveryOutcome.Sent, outcome);
        Assert.Single(smtp.Messages);
        Assert.Equal((DeliveryOutcome.AlreadySent, (string?)null), await Deliver("R1", "r1@x.example"));
        Assert.Single(smtp.Messages);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(("sent", 3), await conn.QuerySingleAsync<(string, int)>("select status, attempts from reporting.delivery where subject_id = 'R1'"));
    }

    [Fact]
    public async Task A_550_for_one_address_is_recorded_and_not_retried_while_the_others_go_through()
    {
        smtp.Answer = m => m.To.Mailboxes.Any(a => a.Address == "bad@x.example") ? new SmtpResponse(SmtpReplyCode.MailboxNameNotAllowed, "no such user") : null;
        Assert.Equal(DeliveryOutcome.Sent, (await Deliver("R1", "r1@x.example")).Item1);
        var (outcome, error) = await Deliver("R2", "bad@x.example");
        Assert.Equal(DeliveryOutcome.Failed, outcome);
        Assert.Contains("553", error, StringComparison.Ordinal);
        Assert.Contains("no such user", error, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Sent, (await Deliver("R3", "r3@x.example")).Item1);
        Assert.Equal(DeliveryOutcome.Failed, (await Deliver("R2", "bad@x.example")).Item1); // a rerun does not try again
        Assert.Equal(["r1@x.example", "r3@x.example"], smtp.Messages.Select(m => m.To.Mailboxes.Single().Address).Order());
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(("failed", 1), await conn.QuerySingleAsync<(string, int)>("select status, attempts from reporting.delivery where subject_id = 'R2'"));
    }

    [Fact]
    public async Task Resend_sends_again_with_the_same_Message_Id()
    {
        await Deliver("R1", "r1@x.example");
        Assert.Equal(DeliveryOutcome.Sent, (await Deliver("R1", "r1@x.example", force: true)).Item1);
        var ids = smtp.Messages.Select(m => m.MessageId).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
        Assert.StartsWith("rep_form.2026-10.R1.", ids[0], StringComparison.Ordinal);
    }
}
