using System.Diagnostics;
using Dapper;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;

namespace SalesReporting.Bench;

/// <summary>The forms the deliver stage sent (printed by the render stage, or by itself untimed when that did not run)
/// and the messages the SMTP server received from the ledger and from the floor.</summary>
internal sealed record Delivered(IReadOnlyList<(FeedbackForm Form, byte[] Pdf)> Printed, long LedgerMessages, long BareMessages);

/// <summary>The deliver stage: the printed forms through DeliveryLedger and MailKit to the bench's SMTP server,
/// against a bare MailKit loop sending the same messages on one connection.</summary>
internal sealed class DeliverStage(BenchContext bench)
{
    private readonly Databases db = bench.Db;
    private readonly Period period = bench.Period;

    public async Task<Delivered> RunAsync(IReadOnlyList<(FeedbackForm Form, byte[] Pdf)> rendered, CancellationToken ct)
    {
        var printed = rendered.ToList();
        if (printed.Count == 0)
        {
            var repIds = await bench.RepsAsync(bench.Settings.Forms, ct);
            await bench.UntimedAsync($"deliver needs PDFs: printing {repIds.Count} forms first (not timed)", async () =>
            {
                var forms = await bench.Services.GetRequiredService<FormQuery>().LoadAsync(period, repIds, ct);
                var html = bench.Services.GetRequiredService<FormHtml>();
                var docs = new List<string>();
                foreach (var f in forms) docs.Add(await html.RenderAsync(f));
                printed.AddRange(forms.Zip(await bench.Services.GetRequiredService<IPdfRenderer>().RenderManyAsync(docs, ct)));
            });
        }
        var smtp = bench.Services.GetRequiredService<BenchSmtpServer>();
        var ledger = bench.Services.GetRequiredService<DeliveryLedger>();
        var from = bench.Services.GetRequiredService<IOptions<MailOptions>>().Value.From;
        var recipients = (await bench.Services.GetRequiredService<FormQuery>().ActiveRepsAsync(ct)).ToDictionary(r => r.RepId);
        // Three rounds of both, each on a cleared ledger, and the best of each side: the first pass of either pays for
        // warming up (the JIT, the SMTP server's buffers, the connections) and took up to twice as long as a later one.
        TimeSpan ledgerTime = TimeSpan.MaxValue, bareTime = TimeSpan.MaxValue;
        long ledgerMessages = 0, bareMessages = 0;
        var sent = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            await ClearAsync(ct);
            var task = bench.Progress.Start($"deliver round {round}/{Rounds}: {printed.Count} forms through the ledger", printed.Count);
            var before = smtp.Messages;
            sent = 0;
            var (c0, p0) = Cpu();
            var sw = Stopwatch.StartNew();
            // As a team job sends its printed forms: pipelined through the ledger, each PDF kept as month-end keeps it.
            var outgoing = printed.Select(p =>
            {
                var to = recipients[p.Form.Rep.RepId];
                return new DeliveryLedger.Outgoing(new DeliveryKey("rep_form", period, to.RepId, to.Email),
                    _ => FormEmail.Compose(p.Form, from, to.Name, to.Email, p.Pdf, null), p.Pdf);
            }).ToList();
            await ledger.DeliverManyAsync(outgoing, (_, outcome, _) =>
            {
                if (outcome == DeliveryOutcome.Sent) sent++;
                task.Increment(1);
            }, ct);
            if (sw.Elapsed < ledgerTime) ledgerTime = sw.Elapsed;
            ledgerMessages = smtp.Messages - before;
            var (c1, p1) = Cpu();
            task.Complete($"deliver round {round}/{Rounds}: {sent} sent through the ledger in {sw.Elapsed.TotalSeconds:N1} s; cpu bench {c1 - c0:F2} s, postgres {p1 - p0:F2} s");

            task = bench.Progress.Start($"deliver floor round {round}/{Rounds}: bare MailKit loop, {printed.Count} messages", printed.Count);
            before = smtp.Messages;
            (c0, p0) = Cpu();
            sw.Restart();
            using (var client = new SmtpClient())
            {
                // With TCP_NODELAY, as SmtpTransport connects: with Nagle on, a message's last small write waits for the
                // server's delayed ACK (40 ms) every few messages, and the floor would measure that stall.
                await client.ConnectAsync(await SmtpTransport.ConnectSocketAsync("127.0.0.1", smtp.Port, 30, ct), "127.0.0.1", smtp.Port, SecureSocketOptions.None, ct);
                foreach (var (form, pdf) in printed)
                {
                    var to = recipients[form.Rep.RepId];
                    await client.SendAsync(FormEmail.Compose(form, from, to.Name, to.Email, pdf, null), ct);
                    task.Increment(1);
                }
                await client.DisconnectAsync(true, ct);
            }
            if (sw.Elapsed < bareTime) bareTime = sw.Elapsed;
            bareMessages = smtp.Messages - before;
            (c1, p1) = Cpu();
            task.Complete($"deliver floor round {round}/{Rounds}: {bareMessages} messages in {sw.Elapsed.TotalSeconds:N1} s; cpu bench {c1 - c0:F2} s, postgres {p1 - p0:F2} s");
        }
        bench.Figures.Add(new BenchFigure("deliver (ledger + MailKit)", "messages", sent, ledgerTime, "bare MailKit loop", bareMessages, bareTime,
            $"best of {Rounds} rounds each; {smtp.Bytes / 1024 / 1024:N0} MiB received in all"));
        return new Delivered(printed, ledgerMessages, bareMessages);
    }

    private const int Rounds = 3;

    /// <summary>CPU seconds used so far by this process and by every PostgreSQL process on the machine, those that exited
    /// included (Linux, /proc), printed per round beside the wall time: whether a side waits or computes.</summary>
    private static (double Bench, double Postgres) Cpu()
    {
        double pg = 0;
        foreach (var d in OperatingSystem.IsLinux() ? Directory.GetDirectories("/proc") : [])
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(d), out _)) continue;
                if (File.ReadAllText(Path.Combine(d, "comm")).Trim() != "postgres") continue;
                var f = File.ReadAllText(Path.Combine(d, "stat")).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                // utime, stime, and cutime, cstime: the postmaster's include its backends that have exited (reaped).
                pg += f.Skip(11).Take(4).Sum(v => long.Parse(v, System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (IOException) { }
        }
        return (Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, pg);
    }

    /// <summary>The month's form deliveries and the documents only they kept, gone: each round sends and keeps everything anew.</summary>
    private async Task ClearAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("delete from reporting.delivery where period = @p and kind = 'rep_form'", new { p = period.Start }, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            delete from reporting.sent_document d
            where not exists (select 1 from reporting.delivery x where x.document_sha256 = d.sha256)
              and not exists (select 1 from reporting.delivery_send x where x.document_sha256 = d.sha256)
            """, commandTimeout: 0, cancellationToken: ct));
        await VacuumLedgerAsync(conn, ct);
    }

    /// <summary>The ledger's tables vacuumed, untimed, after the bench deleted from them to start a round or a month-end
    /// pass afresh: the product never deletes them, so what is measured must not run beside autovacuum reclaiming the
    /// last round's 50 MB of documents (it did: autovacuum was seen on sent_document's TOAST during a round, and the CPU
    /// printed as PostgreSQL's counts autovacuum's).</summary>
    internal static Task VacuumLedgerAsync(Npgsql.NpgsqlConnection conn, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("vacuum reporting.delivery, reporting.delivery_send, reporting.sent_document",
            commandTimeout: 0, cancellationToken: ct));
}
