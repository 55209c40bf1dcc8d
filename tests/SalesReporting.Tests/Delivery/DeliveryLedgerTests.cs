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

    [Fact]
    public async Task Many_messages_are_pipelined_and_a_transient_failure_stops_them_without_losing_or_doubling_one()
    {
        var ledger = host.Services.GetRequiredService<DeliveryLedger>();
        var reps = Enumerable.Range(1, 10).Select(i => (Rep: $"R{i}", To: i == 3 ? "bad@x.example" : $"r{i}@x.example")).ToList();
        List<DeliveryLedger.Outgoing> Outgoing() => [.. reps.Select(r => new DeliveryLedger.Outgoing(new DeliveryKey("rep_form", October, r.Rep, r.To), _ => Message(r.To), null))];
        var database = new Npgsql.NpgsqlConnectionStringBuilder(db.Reporting).Database!;
        var openTransactions = 0;
        var r7Down = true;
        smtp.Answer = m =>
        {
            // While a message is on the server, how many deliveries hold a transaction: the next one is already claimed.
            using (var admin = new Npgsql.NpgsqlConnection(Templates.Admin))
            {
                admin.Open();
                var open = admin.ExecuteScalar<int>("select count(*)::int from pg_stat_activity where datname = @database and xact_start is not null and pid <> pg_backend_pid()", new { database });
                openTransactions = Math.Max(openTransactions, open);
            }
            var to = m.To.Mailboxes.Single().Address;
            if (to == "bad@x.example") return new SmtpResponse(SmtpReplyCode.MailboxNameNotAllowed, "no such user");
            return to == "r7@x.example" && r7Down ? new SmtpResponse((SmtpReplyCode)451, "try later") : null;
        };

        var told = new List<(int, DeliveryOutcome)>();
        var failure = await Assert.ThrowsAsync<TransientMailException>(() => ledger.DeliverManyAsync(Outgoing(), (i, o, _) => told.Add((i, o)), default));
        Assert.Contains("rep_form 2026-10 R7 to r7@x.example still failing after 3 attempts", failure.Message, StringComparison.Ordinal);
        Assert.True(openTransactions >= 2, $"the next delivery was not claimed while one was being sent ({openTransactions} transaction(s) open at most)");
        // Everything before R7 is out (R3 refused for good); R7 waits for the retry. The messages after it that were
        // started while R7 was retried went out and are marked; none was started after R7 failed for this run.
        Assert.Equal([0, 1, 2, 3, 4, 5], told.Where(t => t.Item1 < 6).Select(t => t.Item1).Order());
        Assert.Equal(DeliveryOutcome.Failed, told.Single(t => t.Item1 == 2).Item2);
        Assert.DoesNotContain(told, t => t.Item1 == 6);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var rows = (await conn.QueryAsync<(string, string)>("select subject_id, status from reporting.delivery")).ToDictionary(r => r.Item1, r => r.Item2);
        Assert.Equal("pending", rows["R7"]);
        foreach (var (i, outcome) in told) Assert.Equal(outcome == DeliveryOutcome.Sent ? "sent" : "failed", rows[reps[i].Rep]);
        Assert.Equal(told.Count + 1, rows.Count); // no other delivery was begun
        Assert.Equal(told.Count(t => t.Item2 == DeliveryOutcome.Sent), smtp.Messages.Count);

        // The retry: the server is back; everything not yet sent goes out once, nothing twice.
        r7Down = false;
        told.Clear();
        var results = await ledger.DeliverManyAsync(Outgoing(), (i, o, _) => told.Add((i, o)), default);
        Assert.Equal(10, told.Count);
        Assert.Equal(DeliveryOutcome.Failed, results[2].Outcome);
        Assert.All(results.Where((_, i) => i != 2), r => Assert.True(r.Outcome is DeliveryOutcome.Sent or DeliveryOutcome.AlreadySent));
        var sent = smtp.Messages.Select(m => m.To.Mailboxes.Single().Address).ToList();
        Assert.Equal(9, sent.Count);
        Assert.Equal(reps.Where(r => r.Rep != "R3").Select(r => r.To).Order(), sent.Order());
        Assert.Equal(9, await conn.ExecuteScalarAsync<int>("select count(*)::int from reporting.delivery where status = 'sent'"));
    }

    [Fact]
    public async Task The_reporting_database_keeps_a_statement_run_again_and_again_prepared_unless_its_connection_string_says_not_to()
    {
        Assert.Equal(Databases.DefaultMaxAutoPrepare, new Npgsql.NpgsqlConnectionStringBuilder(db.Databases.Reporting.ConnectionString).MaxAutoPrepare);
        Assert.Equal(0, new Npgsql.NpgsqlConnectionStringBuilder(Databases.Prepared(db.Reporting + ";Max Auto Prepare=0")).MaxAutoPrepare);
        Assert.Equal(10, new Npgsql.NpgsqlConnectionStringBuilder(Databases.Prepared(db.Reporting + ";maxautoprepare=10")).MaxAutoPrepare);
        Assert.Equal(0, new Npgsql.NpgsqlConnectionStringBuilder(db.Databases.Crm.ConnectionString).MaxAutoPrepare); // the sources are not ours

        // A statement run as often as the ledger runs its own, on one connection: PostgreSQL holds it prepared (Npgsql
        // prepares a statement from its fifth use), with the parameter in place of the value.
        static async Task<string[]> PreparedAfterSixRunsAsync(Npgsql.NpgsqlDataSource source)
        {
            await using var conn = await source.OpenConnectionAsync();
            for (var i = 0; i < 6; i++)
                await conn.QueryAsync<string>("select status from reporting.delivery where subject_id = @s", new { s = "R" + i });
            return [.. await conn.QueryAsync<string>("select statement from pg_prepared_statements where statement like '%from reporting.delivery where%'")];
        }
        Assert.Equal(["select status from reporting.delivery where subject_id = $1"], await PreparedAfterSixRunsAsync(db.Databases.Reporting));
        await using var off = Npgsql.NpgsqlDataSource.Create(Databases.Prepared(db.Reporting + ";Max Auto Prepare=0"));
        Assert.Empty(await PreparedAfterSixRunsAsync(off));
    }
}
