using System.CommandLine;
using System.Globalization;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;
using Spectre.Console;

namespace SalesReporting.Worker.Api;

/// <summary>`deliveries`: the delivery audit on the command line — who got what and when, and the PDFs that were sent.</summary>
public static class DeliveryCommands
{
    public static void Add(RootCommand root, LoopCommands.Runner run)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(run);
        var period = new Option<string>("--period") { Description = "The month, YYYY-MM", Required = true };
        var rep = new Option<string?>("--rep") { Description = "One rep's forms (and their revisions)" };
        var team = new Option<string?>("--team") { Description = "One team's forms and summary" };
        var status = new Option<string?>("--status") { Description = "pending | sent | failed" };
        status.AcceptOnlyFromAmong(DeliveryFilter.Statuses);
        var save = new Option<string?>("--save") { Description = "Also write the PDFs that were sent into this folder" };
        var command = new Command("deliveries", "The delivery audit: who got what and when, the Message-Id, attempts, the server's last answer, the PDF's SHA-256.")
            { period, rep, team, status, save };
        command.Validators.Add(r =>
        {
            if (r.GetValue(period) is { } text && !Period.TryParse(text, out _)) r.AddError($"--period '{text}' is not a month: expected YYYY-MM, e.g. 2026-10.");
        });
        command.SetAction((parse, ct) => run(async (sp, token) =>
        {
            var audit = sp.GetRequiredService<DeliveryAudit>();
            var filter = new DeliveryFilter(Period.Parse(parse.GetValue(period)!), parse.GetValue(rep), parse.GetValue(team), parse.GetValue(status));
            var rows = await audit.ListAsync(filter, token);
            string[] header = ["kind", "subject", "recipient", "status", "sent at (UTC)", "attempts", "sends", "Message-Id", "PDF SHA-256", "server's last answer"];
            static string[] Cells(DeliveryRecord d) =>
                [d.Kind, d.SubjectId, d.Recipient, d.Status, d.SentAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                 d.Attempts.ToString(CultureInfo.InvariantCulture), d.Sends.ToString(CultureInfo.InvariantCulture), d.MessageId, d.DocumentSha256 ?? "",
                 (d.LastAnswer ?? "").ReplaceLineEndings(" ")];
            if (Console.IsOutputRedirected)
            {
                // Into a file or a pipe: one tab-separated line per delivery, whole values, nothing wrapped.
                Console.WriteLine(string.Join('\t', header));
                foreach (var d in rows) Console.WriteLine(string.Join('\t', Cells(d).Select(c => c.Replace('\t', ' '))));
            }
            else
            {
                var table = new Table().AddColumns(header);
                foreach (var d in rows)
                {
                    var cells = Cells(d).Select(Markup.Escape).ToArray();
                    cells[3] = d.Status switch { "sent" => "[green]sent[/]", "failed" => "[red]failed[/]", _ => "pending" };
                    if (d.DocumentSha256 is { } sha) cells[8] = sha[..12];
                    table.AddRow(cells);
                }
                AnsiConsole.Write(table);
            }
            AnsiConsole.MarkupLine(Markup.Escape($"{rows.Count} deliveries: {rows.Count(d => d.Status == "sent")} sent, {rows.Count(d => d.Status == "failed")} failed, {rows.Count(d => d.Status == "pending")} pending"));
            if (parse.GetValue(save) is { } dir)
            {
                Directory.CreateDirectory(dir);
                var saved = 0;
                foreach (var d in rows.Where(d => d.DocumentSha256 is not null))
                {
                    var bytes = await audit.DocumentAsync(d.DocumentSha256!, token) ?? throw new InvalidOperationException($"The PDF {d.DocumentSha256} is not kept.");
                    await File.WriteAllBytesAsync(FileNames.Within(dir, $"{filter.Period}_{d.Kind}_{FileNames.Part(d.SubjectId)}_{d.DocumentSha256![..12]}.pdf"), bytes, token);
                    saved++;
                }
                AnsiConsole.MarkupLine(Markup.Escape($"{saved} PDF(s) written to {dir}"));
            }
            return 0;
        }, ct, false));
        root.Subcommands.Add(command);
    }
}
