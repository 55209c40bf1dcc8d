using System.CommandLine;
using System.Globalization;
using SalesReporting.Data.Actions;
using SalesReporting.Worker.Jobs;
using Spectre.Console;

namespace SalesReporting.Worker.Api;

/// <summary>`import actions`, `import reasons`, `follow-up --date`, `api-key create|list|revoke`.</summary>
public static class LoopCommands
{
    public delegate Task<int> Runner(Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken ct, bool needsMail);

    /// <summary>`--encoding NAME` of the import commands: the encoding of a .csv when detection cannot tell (docs/input.md).</summary>
    public static Option<string?> EncodingOption() =>
        new("--encoding") { Description = "Encoding of a .csv (UTF-8, UTF-16, GB18030, Big5, ...); detected when not given" };

    public static void Add(RootCommand root, Command import, Runner run)
    {
        var actionsEncoding = EncodingOption();
        var actionsFile = new Argument<string>("file") { Description = ".csv file: " + string.Join(",", ActionImport.Header) + "[,indicator]" };
        var importActions = new Command("actions", "Import improvement actions; the whole file is checked first, and the same (rep_id, period, problem) updates its action.") { actionsFile, actionsEncoding };
        importActions.SetAction((parse, ct) => run(async (sp, token) =>
        {
            // The actions and their follow-up jobs are one unit: both are kept or neither (docs/input.md).
            var (actions, scheduled) = await sp.GetRequiredService<ActionWrites>().ImportAsync(parse.GetValue(actionsFile)!, token,
                encoding: parse.GetValue(actionsEncoding));
            AnsiConsole.MarkupLine($"imported {actions.Count} actions; {scheduled} follow-up job(s) scheduled or moved");
            return 0;
        }, ct, false));
        import.Subcommands.Add(importActions);

        var reasonsEncoding = EncodingOption();
        var reasonsFile = new Argument<string>("file") { Description = ".csv file: " + string.Join(",", ReasonImport.Header) };
        var importReasons = new Command("reasons", "Import anomaly reasons written by people; they replace the automatic drafts on the forms.") { reasonsFile, reasonsEncoding };
        importReasons.SetAction((parse, ct) => run(async (sp, token) =>
        {
            var count = await sp.GetRequiredService<ReasonImport>().ImportAsync(parse.GetValue(reasonsFile)!, token, parse.GetValue(reasonsEncoding));
            AnsiConsole.MarkupLine($"imported {count} reasons");
            return 0;
        }, ct, false));
        import.Subcommands.Add(importReasons);

        var dateOption = new Option<string>("--date") { Description = "The day to scan as, YYYY-MM-DD (company time zone)", Required = true };
        var followUp = new Command("follow-up", "Run the daily follow-up scan as of a day: reminders, escalations, effectiveness verdicts. Sends nothing twice.") { dateOption };
        followUp.SetAction((parse, ct) => run(async (sp, token) =>
        {
            var text = parse.GetValue(dateOption)!;
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                throw new FormatException($"--date '{text}' is not a date: expected YYYY-MM-DD.");
            var result = await sp.GetRequiredService<FollowUpScan>().RunAsync(day, token);
            AnsiConsole.MarkupLine(Markup.Escape(result.ToString()));
            return result.Failed > 0 ? 2 : 0;
        }, ct, true));
        root.Subcommands.Add(followUp);

        var name = new Option<string>("--name") { Description = "Who or what uses the key", Required = true };
        var role = new Option<string>("--role") { Description = "admin | manager | rep", Required = true };
        var team = new Option<string?>("--team") { Description = "The team a manager key sees" };
        var rep = new Option<string?>("--rep") { Description = "The rep a rep key sees" };
        var create = new Command("create", "Create an API key and print it once (only its hash is kept).") { name, role, team, rep };
        create.SetAction((parse, ct) => run(async (sp, token) =>
        {
            var r = parse.GetValue(role)!;
            var scope = r switch { "manager" => parse.GetValue(team), "rep" => parse.GetValue(rep), _ => parse.GetValue(team) ?? parse.GetValue(rep) };
            try
            {
                var (id, key) = await sp.GetRequiredService<ApiKeys>().CreateAsync(parse.GetValue(name)!, r, scope, token);
                Console.Error.WriteLine($"api key {id} created; it is shown only now:");
                Console.WriteLine(key);
                return 0;
            }
            catch (ArgumentException ex)
            {
                Console.Error.WriteLine("error: " + ex.Message[..(ex.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var i and >= 0 ? i : ex.Message.Length)]);
                return 1;
            }
        }, ct, false));
        var list = new Command("list", "List API keys (never the keys themselves).");
        list.SetAction((_, ct) => run(async (sp, token) =>
        {
            var table = new Table().AddColumns("id", "name", "role", "scope", "created", "revoked");
            foreach (var k in await sp.GetRequiredService<ApiKeys>().ListAsync(token))
                table.AddRow(k.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(k.Name), k.Role, Markup.Escape(k.ScopeId ?? ""),
                    k.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), k.RevokedAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "");
            AnsiConsole.Write(table);
            return 0;
        }, ct, false));
        var idArg = new Argument<long>("id") { Description = "The key's id (from api-key list)" };
        var revoke = new Command("revoke", "Revoke an API key.") { idArg };
        revoke.SetAction((parse, ct) => run(async (sp, token) =>
        {
            var done = await sp.GetRequiredService<ApiKeys>().RevokeAsync(parse.GetValue(idArg), token);
            AnsiConsole.MarkupLine(done ? "revoked" : "no such active key");
            return done ? 0 : 1;
        }, ct, false));
        root.Subcommands.Add(new Command("api-key", "Manage the JSON API's keys.") { create, list, revoke });
    }
}
