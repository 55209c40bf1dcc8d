using System.CommandLine;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Hosting;
using SalesReporting.Worker.Jobs;
using Spectre.Console;

namespace SalesReporting.Worker;

/// <summary>The worker's commands (the README's table). Each one-shot command builds the same services `serve` uses.</summary>
public static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Every command by name: a mistyped one, an unknown option or an extra argument is an error with the usage, never a default.
        var root = new RootCommand("SalesReporting: month-end sales performance forms, delivered. Start the server with `serve`.");

        var serve = new Command("serve", "Run the Hangfire server, the dashboard at /hangfire, /health and the recurring jobs.");
        serve.TreatUnmatchedTokensAsErrors = false; // ASP.NET Core's own switches (--urls ...) pass through, and nothing else:
        serve.Validators.Add(r => { foreach (var problem in ServeArguments.Problems(args.Skip(1).ToArray())) r.AddError(problem); });
        serve.SetAction((_, ct) => Serve.RunAsync(args.Skip(1).ToArray(), ct));
        root.Subcommands.Add(serve);

        var migrate = new Command("migrate", "Apply the new sql/migrations scripts and the changed sql/definitions to the reporting database.");
        migrate.SetAction((_, ct) => Run(async (sp, _) =>
        {
            var applied = Migrator.Migrate(sp.GetRequiredService<IConfiguration>().GetConnectionString("Reporting")!);
            AnsiConsole.MarkupLine(applied.Count == 0 ? "reporting database is up to date" : $"applied {applied.Count} script(s): {Markup.Escape(string.Join(", ", applied))}");
            return 0;
        }, ct, needsMail: false));
        root.Subcommands.Add(migrate);

        var sync = new Command("sync", "Pull every source table into staging now (the sync-sources job).");
        sync.SetAction((_, ct) => Run(async (sp, token) =>
        {
            var r = await sp.GetRequiredService<SourceSync>().RunAsync(token);
            AnsiConsole.MarkupLine(Markup.Escape(r.ToString()));
            return 0;
        }, ct, needsMail: false));
        root.Subcommands.Add(sync);

        var fileArg = new Argument<string>("file") { Description = ".csv file in the layout rep_id,period,indicator,target" };
        var encodingOption = Api.LoopCommands.EncodingOption();
        var importTargets = new Command("targets", "Import targets; the whole file is checked first and one bad row rejects it.") { fileArg, encodingOption };
        importTargets.SetAction((parse, ct) => Run(async (sp, token) =>
        {
            var count = await sp.GetRequiredService<TargetImport>().ImportAsync(parse.GetValue(fileArg)!, token, encoding: parse.GetValue(encodingOption));
            AnsiConsole.MarkupLine($"imported {count} targets");
            return 0;
        }, ct, needsMail: false));
        var import = new Command("import", "Import a file.");
        import.Subcommands.Add(importTargets);
        root.Subcommands.Add(import);
        Api.LoopCommands.Add(root, import, Run);

        var periodOption = new Option<string>("--period") { Description = "The month to close, YYYY-MM; or a quarter YYYY-Qn or a year YYYY (its review forms and summaries)", Required = true };
        var resendOption = new Option<bool>("--resend") { Description = "Send again even what was already sent (same Message-Ids)" };
        var teamOption = new Option<string?>("--team") { Description = "Only this team: its reps' forms and its summary" };
        var repOption = new Option<string?>("--rep") { Description = "Only this rep's form" };
        var openOption = new Option<bool>("--allow-open-period") { Description = "Run for a month that has not ended yet" };
        var enqueueOption = new Option<bool>("--enqueue") { Description = "Queue month-end-close on the scheduler (the serve processes run it) instead of running it here" };
        var waitOption = new Option<bool>("--wait") { Description = "With --enqueue: show its progress until it is done or has failed" };
        var monthEnd = new Command("month-end", "Close a month: sync, compute, render and deliver every rep's form.")
            { periodOption, resendOption, teamOption, repOption, openOption, enqueueOption, waitOption };
        monthEnd.Validators.Add(r =>
        {
            if (r.GetValue(waitOption) && !r.GetValue(enqueueOption)) r.AddError("--wait goes with --enqueue (an in-process run always waits).");
            if (r.GetValue(periodOption) is { } text && !Period.TryParse(text, out _) && !Data.Indicators.RollupPeriod.TryParse(text, out _))
                r.AddError($"--period '{text}' is not a month: expected YYYY-MM, e.g. 2026-10. A quarter is YYYY-Qn (2026-Q3), a year YYYY (2026).");
            else if (r.GetValue(periodOption) is { } rollup && Data.Indicators.RollupPeriod.TryParse(rollup, out _) && r.GetValue(waitOption))
                r.AddError("--wait follows a month's team jobs; a quarter or a year runs as one job: follow it on the dashboard, or run it here without --enqueue.");
        });
        monthEnd.SetAction((parse, ct) => Run(async (sp, token) =>
        {
            if (Data.Indicators.RollupPeriod.TryParse(parse.GetValue(periodOption), out var rollup))
                return await PeriodEndAsync(sp, rollup, parse.GetValue(resendOption), parse.GetValue(teamOption), parse.GetValue(repOption),
                    parse.GetValue(openOption), parse.GetValue(enqueueOption), token);
            var request = new MonthEndRequest(Period.Parse(parse.GetValue(periodOption)!), parse.GetValue(resendOption), parse.GetValue(teamOption), parse.GetValue(repOption));
            if (!parse.GetValue(openOption) && RefuseOpen(sp, request.Period.ToString(), request.Period, "month-end closes a month that is over")) return 1;
            return parse.GetValue(enqueueOption)
                ? await MonthEndQueue.EnqueueAsync(sp, request, parse.GetValue(waitOption), token)
                : await MonthEndAsync(sp, request, token);
        }, ct, needsMail: !parse.GetValue(enqueueOption)));
        root.Subcommands.Add(monthEnd);
        var dateOption = new Option<string?>("--date") { Description = "The day it runs as, YYYY-MM-DD (default today, company time zone): the month to date through the day before" };
        var pacingTeamOption = new Option<string?>("--team") { Description = "Only this team" };
        var pacing = new Command("pacing", "Send each manager the weekly pacing email (the weekly-pacing job): month to date against the pro-rated target, the projection, the reps projected under the line. Once per team and week.")
            { dateOption, pacingTeamOption };
        pacing.Validators.Add(r =>
        {
            if (r.GetValue(dateOption) is { } text && !DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
                r.AddError($"--date '{text}' is not a date: expected YYYY-MM-DD, e.g. 2026-11-23.");
        });
        pacing.SetAction((parse, ct) => Run(async (sp, token) =>
        {
            var day = parse.GetValue(dateOption) is { } text
                ? DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)
                : sp.GetRequiredService<IOptions<CompanyOptions>>().Value.Today(sp.GetRequiredService<TimeProvider>());
            var run = await sp.GetRequiredService<WeeklyPacing>().RunAsync(day, parse.GetValue(pacingTeamOption), token);
            // Plain lines (not wrapped to the terminal), one per team, for a log as much as for a person.
            foreach (var t in run.Teams)
                Console.WriteLine($"{t.TeamId} {t.TeamName} → {t.ManagerEmail}: {t.Reps} reps, {t.AtRisk} projected under the line; " + t.Outcome switch
                {
                    DeliveryOutcome.Sent => "sent",
                    DeliveryOutcome.AlreadySent => "already sent this week",
                    _ => "failed: " + t.Error,
                });
            Console.WriteLine(run.ToString());
            return run.Teams.Any(t => t.Outcome == DeliveryOutcome.Failed) ? 2 : 0;
        }, ct, needsMail: true));
        root.Subcommands.Add(pacing);
        DeliveryCommands.Add(root, Run);
        IndicatorCommands.Add(root, Run);

        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> MonthEndAsync(IServiceProvider sp, MonthEndRequest request, CancellationToken ct)
    {
        var job = sp.GetRequiredService<MonthEndJob>();
        var period = request.Period;
        MonthEndResult? result = null;
        await AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx => result = await job.RunInProcessAsync(request, new MonthEndBars(ctx, period), ct));
        var r = result!;
        AnsiConsole.MarkupLine(Markup.Escape(r.Sync.ToString()));
        foreach (var c in r.Compute.Where(c => c.Errors.Count > 0)) AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(c.ToString()) + "[/]");
        if (r.Compute.Count > 0 && r.Compute[^1].Derived is { } derived)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"{period}: {derived.RepScores} rep scores, {derived.Anomalies} anomalies, {derived.TeamIssues} team-wide issues"));
            foreach (var w in derived.Warnings) AnsiConsole.MarkupLine("[yellow]configuration warning: " + Markup.Escape(w.ToString()) + "[/]");
        }

        // The first three key indicators: the catalog's summary_order, as in the email and the team summary.
        var keys = Reports.Forms.KeyIndicators.Of(r.Deliveries.SelectMany(d => d.Indicators).DistinctBy(i => i.Code)).Take(3).Select(i => i.Code).ToList();
        var table = new Table().AddColumns(["rep", "name", .. keys.Select(Markup.Escape), "score", "delivery", "PDF"]);
        foreach (var d in r.Deliveries)
        {
            string Completion(string code) => Reports.Forms.Format.Completion(d.Indicators.FirstOrDefault(i => i.Code == code)?.Completion);
            table.AddRow([Markup.Escape(d.RepId), Markup.Escape(d.RepName), .. keys.Select(Completion),
                d.Score is { } s ? Reports.Forms.Format.Score(s) : "—",
                d.Outcome switch { DeliveryOutcome.Sent => "[green]sent[/]", DeliveryOutcome.AlreadySent => "already sent", DeliveryOutcome.Held => "[yellow]held for review[/]", _ => "[red]failed[/]: " + Markup.Escape(d.Error ?? "") },
                Markup.Escape(d.PdfPath is null ? "" : Path.GetFileName(d.PdfPath))]);
        }
        AnsiConsole.Write(table);
        foreach (var summary in r.Summaries ?? [])
            AnsiConsole.MarkupLine($"team summary {Markup.Escape(summary.TeamId)} {Markup.Escape(summary.TeamName)}: " + summary.Outcome switch
            {
                DeliveryOutcome.Sent => "[green]sent[/]",
                DeliveryOutcome.AlreadySent => "already sent",
                _ => "[red]not sent[/]: " + Markup.Escape(summary.Error ?? ""),
            });
        var options = sp.GetRequiredService<IOptions<FormsOptions>>().Value;
        var mail = sp.GetRequiredService<IOptions<MailOptions>>().Value;
        var smtp = sp.GetRequiredService<IOptions<SmtpOptions>>().Value;
        AnsiConsole.MarkupLine($"forms: {Markup.Escape(options.OutputDirectory ?? "(not kept)")}");
        AnsiConsole.MarkupLine($"mail:  {Markup.Escape(string.IsNullOrWhiteSpace(smtp.Host) ? mail.PickupDirectory ?? "" : $"smtp://{smtp.Host}:{smtp.Port}")}");
        var failed = r.Deliveries.Count(d => d.Outcome == DeliveryOutcome.Failed);
        if (failed > 0) AnsiConsole.MarkupLine($"[red]{failed} delivery(ies) failed permanently[/]");
        return failed > 0 ? 2 : 0;
    }

    /// <summary>A period whose last month has not ended in the company time zone is refused, in one line saying why.</summary>
    private static bool RefuseOpen(IServiceProvider sp, string name, Period last, string why)
    {
        var company = sp.GetRequiredService<IOptions<CompanyOptions>>().Value;
        var today = company.Today(sp.GetRequiredService<TimeProvider>());
        if (last.CompareTo(Period.FromDate(today)) < 0) return false;
        Console.Error.WriteLine($"error: {name} has not ended yet (today is {today:yyyy-MM-dd} in {company.TimeZone}); {why}. Add --allow-open-period to run it anyway.");
        return true;
    }

    /// <summary>`month-end --period 2026-Q3 | 2026`: the quarter's or the year's reviews, here or queued on the scheduler.</summary>
    private static async Task<int> PeriodEndAsync(IServiceProvider sp, Data.Indicators.RollupPeriod period, bool resend, string? team, string? rep,
        bool allowOpen, bool enqueue, CancellationToken ct)
    {
        if (!allowOpen && RefuseOpen(sp, period.ToString(), period.Last, "its review closes a quarter or a year that is over")) return 1;
        if (enqueue)
        {
            if (team is not null || rep is not null)
            {
                Console.Error.WriteLine("error: --team and --rep run here; a queued quarter or year closes every team.");
                return 1;
            }
            var client = new Hangfire.BackgroundJobClient(HangfireStorage.Create(sp.GetRequiredService<IConfiguration>().GetConnectionString("Reporting")!));
            var id = Hangfire.BackgroundJobClientExtensions.Enqueue<PeriodEndJob>(client, j => j.CloseAsync(period.ToString(), resend, CancellationToken.None));
            Console.WriteLine($"period-end-close {period} queued as job {id} (dashboard: /hangfire/jobs/details/{id})");
            return 0;
        }
        var result = await sp.GetRequiredService<PeriodEndJob>().RunAsync(period, resend, team, rep, ct);
        foreach (var s in result.Sent)
            Console.WriteLine($"{s.Kind} {s.SubjectId}: {s.Outcome?.ToString() ?? "not sent"}{(s.Error is null ? "" : " (" + s.Error + ")")}");
        Console.WriteLine(result.ToString());
        return result.Sent.Any(s => s.Kind.EndsWith("_form", StringComparison.Ordinal) && s.Outcome == DeliveryOutcome.Failed) ? 2 : 0;
    }

    /// <summary>month-end's progress as bars: the stage, then the forms. Reported synchronously and in order by the job.</summary>
    private sealed class MonthEndBars(ProgressContext ctx, Period period) : IProgress<MonthEndProgress>
    {
        private readonly ProgressTask stage = ctx.AddTask($"month-end {period}: sync", maxValue: 1);
        private ProgressTask? forms;

        public void Report(MonthEndProgress value)
        {
            if (value.Stage != MonthEndStage.Forms)
            {
                stage.Description = $"month-end {period}: {value.Stage.ToString().ToLowerInvariant()}";
                return;
            }
            if (forms is null)
            {
                stage.Description = $"month-end {period}: computed";
                stage.Value = 1;
                forms = ctx.AddTask("render and deliver", maxValue: value.FormsTotal);
            }
            forms.Value = value.FormsDone;
        }
    }

    /// <summary>Builds the services, runs one command, and turns a failure into a message and an exit code.</summary>
    private static async Task<int> Run(Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken ct, bool needsMail)
    {
        IConfiguration? configuration = null;
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            configuration = builder.Configuration;
            // One-shot commands print their own summary; the log shows only what went wrong.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:SalesReporting"] = "Warning" });
            // A failure is told in one line by Failures (the detail in its log file), not once more by the host's log.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.Extensions.Hosting"] = "None" });
            if (!needsMail && string.IsNullOrWhiteSpace(builder.Configuration["Smtp:Host"]) && string.IsNullOrWhiteSpace(builder.Configuration["Mail:PickupDirectory"]))
                builder.Configuration["Mail:PickupDirectory"] = Path.Combine("out", "mail"); // commands that send nothing need no destination
            builder.AddSalesReporting();
            using var host = builder.Build();
            await host.StartAsync(ct); // runs the ValidateOnStart checks
            var code = await action(host.Services, ct);
            await host.StopAsync(CancellationToken.None);
            return code;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
#pragma warning disable CA1031 // every failure a person sees is one line (Failures); the detail goes to its log file
        catch (Exception ex)
        {
            return Failures.Report(ex, configuration);
        }
#pragma warning restore CA1031
    }
}
