using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Data.Teams;
using SalesReporting.Data.Targets;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;
using SalesReporting.Reports.Rendering;
using SalesReporting.Reports.Summary;
using SalesReporting.Worker.Api;
using SalesReporting.Worker.Jobs;
using SalesReporting.Worker.Workspace.Pages;

namespace SalesReporting.Worker.Workspace;

/// <summary>
/// The workspace's addresses. GETs render a page; POSTs are plain form posts (antiforgery checked by the framework for
/// every endpoint that reads a form), write, and redirect back to the page — or render it again with what was wrong.
/// Scope is checked here, on the server, for every read and write: outside it, the answer is 404.
/// </summary>
public static class WorkspacePages
{
    public static void MapWorkspacePages(this WebApplication app)
    {
        app.MapGet("/app/workspace.css", () => Results.Text(WorkspaceCss.Text, "text/css; charset=utf-8"));

        app.MapGet("/app", async (HttpContext http, People people, WorkspaceStore store, CancellationToken ct) =>
        {
            var person = await people.CurrentAsync(http);
            if (person is null) return Page<SignInPage>(new { Af = Af(http) });
            var teams = person.IsAdmin ? await store.TeamsAsync(null, ct) : await store.TeamsAsync(person.ManagedTeams, ct);
            return Page<HomePage>(new { Model = new HomeModel(person, teams, await store.PeriodsAsync(ct), Af(http)) });
        });

        app.MapPost("/app/signin", (HttpContext http, IFormCollection form, SignInMailer mailer) =>
        {
            var email = form["email"].ToString().Trim();
            if (email.Length is > 0 and <= 320) mailer.Request(email);
            var t = WorkspaceText.For("zh-CN");
            return Page<SignInPage>(new { Af = Af(http), Message = t.LinkSent + " / " + WorkspaceText.For("en").LinkSent });
        }).RequireRateLimiting(WorkspaceSetup.SignInPolicy);

        // An admin API key opens the workspace as admin. A manager's or a rep's key does not: those people sign in with
        // their own address, so every answer and signature in the workspace is a person's. Refused keys are answered alike.
        app.MapPost("/app/signin/key", async (HttpContext http, IFormCollection form, ApiKeys keys, CancellationToken ct) =>
        {
            if (await keys.FindKeyAsync(form["key"].ToString().Trim(), ct) is not { Role: "admin" } key)
                return Page<SignInPage>(new { Af = Af(http), Message = WorkspaceText.For("zh-CN").KeyRefused + " / " + WorkspaceText.For("en").KeyRefused, Bad = true }, 401);
            await WorkspaceSession.SignInWithKeyAsync(http, key.Id);
            return Results.Redirect("/app");
        }).RequireRateLimiting(WorkspaceSetup.SignInPolicy);

        app.MapGet("/app/signin/{token}", async (HttpContext http, string token, SignInLinks links, CancellationToken ct) =>
        {
            var state = await links.CheckAsync(token, ct);
            return state == SignInLinkState.Valid
                ? Page<SignInLinkPage>(new { Af = Af(http), Action = "/app/signin/" + Uri.EscapeDataString(token) })
                : LinkRefused(http, state);
        });

        app.MapPost("/app/signin/{token}", async (HttpContext http, string token, IFormCollection form, SignInLinks links, CancellationToken ct) =>
        {
            var (email, state) = await links.TakeAsync(token, ct);
            if (email is null) return LinkRefused(http, state);
            await WorkspaceSession.SignInAsync(http, email);
            return Results.Redirect("/app");
        });

        app.MapPost("/app/signout", async (HttpContext http, IFormCollection form) =>
        {
            await WorkspaceSession.SignOutAsync(http);
            return Results.Redirect("/app");
        });

        app.MapGet("/app/teams/{teamId}/{period}", (HttpContext http, string teamId, string period, string? done, int? rows, CancellationToken ct) =>
            WithTeam(http, teamId, period, (person, team, p) => TeamPageAsync(http, person, team, p,
                rows is { } n ? new Outcome(WorkspaceText.For(team.Locale).Uploaded(n), "upload") : Done(team.Locale, done), 200, ct), ct));

        app.MapGet("/app/teams/{teamId}/{period}/summary.pdf", (HttpContext http, string teamId, string period, SummaryQuery summaries,
            SummaryHtml html, IPdfRenderer pdf, CancellationToken ct) =>
            WithTeam(http, teamId, period, async (_, team, p) =>
            {
                var summary = await summaries.LoadAsync(p, team.TeamId, ct);
                return Results.File(await pdf.RenderAsync(await html.RenderAsync(summary), ct), "application/pdf", TeamSummary.FileName(p, team.TeamId));
            }, ct));

        app.MapPost("/app/teams/{teamId}/{period}/spot-check", (HttpContext http, string teamId, string period, IFormCollection form,
            WorkspaceStore store, CancellationToken ct) =>
            WithTeam(http, teamId, period, async (person, team, p) =>
            {
                var samples = await store.SpotChecksAsync(p, team.TeamId, ct);
                var sample = samples.FirstOrDefault(s => s.ActivityId == form["activity_id"].ToString());
                if (sample is null) return NotFound(http, person, team.Locale);
                var errors = new Dictionary<string, string>();
                var verified = form["verified"].ToString() switch { "true" => true, "false" => (bool?)false, _ => null };
                if (verified is null) errors["verified"] = "true | false";
                var note = Text(form, "note", errors, WorkspaceText.For(team.Locale), required: false);
                if (errors.Count > 0)
                    return await TeamPageAsync(http, person, team, p, new Outcome(Form: "spot_check", Errors: errors), 422, ct);
                await store.RecordSpotCheckAsync(person.Email, p, team.TeamId, sample, verified!.Value, note, ct);
                return Back($"/app/teams/{Uri.EscapeDataString(team.TeamId)}/{p}", "spot_check", "spot-check");
            }, ct));

        app.MapPost("/app/teams/{teamId}/{period}/upload", (HttpContext http, string teamId, string period, IFormCollection form,
            TargetImport targets, ActionWrites writes, WorkspaceStore store, CancellationToken ct) =>
            WithTeam(http, teamId, period, async (person, team, p) =>
            {
                var t = WorkspaceText.For(team.Locale);
                var kind = form["kind"].ToString();
                var file = form.Files.GetFile("file");
                var errors = new Dictionary<string, string>();
                if (kind is not ("targets" or "actions")) errors["kind"] = "targets | actions";
                var ext = Path.GetExtension(file?.FileName ?? "").ToLowerInvariant();
                if (file is null || file.Length == 0) errors["file"] = t.Required;
                else if (file.Length > MaxUpload) errors["file"] = t.UploadTooLarge;
                else if (ext is not (".csv" or ".xlsx")) errors["file"] = t.UploadType;
                if (errors.Count > 0) return await TeamPageAsync(http, person, team, p, new Outcome(Form: "upload", Errors: errors), 422, ct);

                // The person's file name is shown in the errors; the file itself lives in a folder of its own for the check.
                var dir = Directory.CreateTempSubdirectory("sr-upload-");
                var path = Path.Combine(dir.FullName, FileNames.Part(Path.GetFileNameWithoutExtension(file!.FileName)) + ext);
                // The errors and the history name the file as the person named it (十月措施.csv), not as it was saved (____.csv).
                var shownName = Path.GetFileName(file.FileName.Replace('\\', '/'));
                if (shownName.Length is 0 or > 200 || shownName.Any(char.IsControl)) shownName = Path.GetFileName(path);
                try
                {
                    await using (var stream = File.Create(path)) await file.CopyToAsync(stream, ct);
                    var scope = new TeamScope(team.TeamId, (await store.RepIdsAsync(team.TeamId, ct)).ToHashSet(StringComparer.Ordinal));
                    // The change-log row is written in the import's transaction.
                    Task Log(int rows, NpgsqlConnection conn, NpgsqlTransaction tx) =>
                        WorkspaceStore.LogAsync(conn, tx, person.Email, p, null, team.TeamId, kind + "_uploaded", shownName, null, new { rows }, ct);
                    int count;
                    if (kind == "targets") count = await targets.ImportAsync(path, ct, scope, alsoInTransaction: Log);
                    else count = (await writes.ImportAsync(path, ct, scope, alsoInTransaction: (rows, conn, tx) => Log(rows.Count, conn, tx))).Actions.Count;
                    return Results.Redirect($"/app/teams/{Uri.EscapeDataString(team.TeamId)}/{p}?done=upload&rows={count}#upload");
                }
                catch (ImportRejectedException ex)
                {
                    var errors2 = ex.Errors.Select(e => e.File == Path.GetFileName(path) ? e with { File = shownName } : e).ToList();
                    return await TeamPageAsync(http, person, team, p, new Outcome(Form: "upload", FileErrors: errors2), 422, ct);
                }
                finally
                {
                    dir.Delete(true);
                }
            }, ct));

        app.MapPost("/app/teams/{teamId}/{period}/release", (HttpContext http, string teamId, string period, IFormCollection form,
            ReleaseAfterReview review, CancellationToken ct) =>
            WithTeam(http, teamId, period, async (person, team, p) =>
            {
                await review.ReleaseAsync(p, team.TeamId, person.Email, ct, (conn, tx) =>
                    WorkspaceStore.LogAsync(conn, tx, person.Email, p, null, team.TeamId, "released", null, null, new { released = true }, ct));
                return Back($"/app/teams/{Uri.EscapeDataString(team.TeamId)}/{p}", "release", "release");
            }, ct));

        app.MapPost("/app/teams/{teamId}/{period}/settings", (HttpContext http, string teamId, string period, IFormCollection form,
            TeamSettings settings, CancellationToken ct) =>
            WithTeam(http, teamId, period, async (person, team, p) =>
            {
                var on = form["release_after_review"].ToString() == "true";
                if (!int.TryParse(form["release_after_days"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is < 1 or > 30)
                    return await TeamPageAsync(http, person, team, p, new Outcome(Form: "release", Errors: new Dictionary<string, string> { ["release_after_days"] = "1 … 30" }), 422, ct);
                var current = await settings.GetAsync(team.TeamId, ct);
                var before = new { current.ReleaseAfterReview, current.ReleaseAfterDays };
                var after = new { ReleaseAfterReview = on, ReleaseAfterDays = days };
                if (!before.Equals(after)) // anonymous types compare by value only through Equals
                {
                    await settings.SetReleaseAfterReviewAsync(team.TeamId, on, days, person.Email, ct, (conn, tx) =>
                        WorkspaceStore.LogAsync(conn, tx, person.Email, p, null, team.TeamId, "release_setting", null, before, after, ct));
                }
                return Back($"/app/teams/{Uri.EscapeDataString(team.TeamId)}/{p}", "release", "release");
            }, ct));

        app.MapPost("/app/teams/{teamId}/{period}/pacing", (HttpContext http, string teamId, string period, IFormCollection form,
            TeamSettings settings, CancellationToken ct) =>
            WithTeam(http, teamId, period, async (person, team, p) =>
            {
                var on = form["weekly_pacing"].ToString() == "true";
                var before = (await settings.GetAsync(team.TeamId, ct)).WeeklyPacing;
                if (before != on)
                {
                    await settings.SetWeeklyPacingAsync(team.TeamId, on, person.Email, ct, (conn, tx) =>
                        WorkspaceStore.LogAsync(conn, tx, person.Email, p, null, team.TeamId, "pacing_setting", null, new { weekly_pacing = before },
                            new { weekly_pacing = on }, ct));
                }
                return Back($"/app/teams/{Uri.EscapeDataString(team.TeamId)}/{p}", "pacing", "release");
            }, ct));

        app.MapGet("/app/reps/{repId}/{period}", (HttpContext http, string repId, string period, string? done, int? sent, CancellationToken ct) =>
            WithRep(http, repId, period, (person, rep, p) =>
            {
                var t = WorkspaceText.For(rep.Locale);
                var outcome = sent is { } revision ? new Outcome(t.Sent(revision)) : Done(rep.Locale, done);
                return RepPageAsync(http, person, rep, p, outcome, 200, ct);
            }, ct));

        app.MapGet("/app/reps/{repId}/{period}/form.pdf", (HttpContext http, string repId, string period, FormQuery forms, FormHtml html,
            IPdfRenderer pdf, CancellationToken ct) =>
            WithRep(http, repId, period, async (_, rep, p) =>
            {
                var form = (await forms.LoadAsync(p, [rep.RepId], ct)).Single();
                return Results.File(await pdf.RenderAsync(await html.RenderAsync(form), ct), "application/pdf", FormEmail.AttachmentName(form));
            }, ct));

        app.MapPost("/app/reps/{repId}/{period}/reasons", (HttpContext http, string repId, string period, IFormCollection form,
            WorkspaceStore store, CancellationToken ct) =>
            WithRep(http, repId, period, async (person, rep, p) =>
            {
                if (!person.CanManageRep(rep.TeamId)) return NotFound(http, person, rep.Locale);
                var flagged = await store.FlaggedAsync(p, rep.RepId, rep.Locale, ct);
                var indicator = form["indicator"].ToString();
                if (flagged.All(f => f.Code != indicator)) return NotFound(http, person, rep.Locale);
                var errors = new Dictionary<string, string>();
                var reason = form["clear"].ToString() == "1" ? null : Text(form, "reason", errors, WorkspaceText.For(rep.Locale), required: false);
                if (errors.Count > 0) return await RepPageAsync(http, person, rep, p, new Outcome(Form: "reason", Errors: errors), 422, ct);
                // An empty reason, or the draft itself saved unchanged, leaves the draft in charge.
                if (reason is not null && reason == flagged.Single(f => f.Code == indicator).Draft) reason = null;
                await store.SetReasonAsync(person.Email, p, rep.RepId, indicator, reason, ct);
                return Back(RepUrl(rep, p), "reason", "reasons");
            }, ct));

        app.MapPost("/app/reps/{repId}/{period}/actions", (HttpContext http, string repId, string period, IFormCollection form,
            ActionStore actions, ActionWrites writes, WorkspaceStore store, CancellationToken ct) =>
            WithRep(http, repId, period, async (person, rep, p) =>
            {
                if (!person.CanManageRep(rep.TeamId)) return NotFound(http, person, rep.Locale);
                var t = WorkspaceText.For(rep.Locale);
                var (fields, errors) = await CheckActionAsync(form, rep.RepId, p, actions, null, t, ct);
                var created = fields is null ? null : await writes.CreateAsync(fields, ct, (a, conn, tx) =>
                    WorkspaceStore.LogAsync(conn, tx, person.Email, p, rep.RepId, rep.TeamId, "action_created", Id(a.Id), null, Snapshot(a), ct));
                if (fields is not null && created is null) errors["problem"] = t.DuplicateProblem;
                if (created is null) return await RepPageAsync(http, person, rep, p, new Outcome(Form: "new-action", Errors: errors, Values: Values(form)), 422, ct);
                return Back(RepUrl(rep, p), "action", "actions");
            }, ct));

        app.MapPost("/app/actions/{id:long}", (HttpContext http, long id, IFormCollection form, ActionStore actions, ActionWrites writes,
            WorkspaceStore store, CancellationToken ct) =>
            WithAction(http, id, form, actions, store, async (person, rep, action, page) =>
            {
                var t = WorkspaceText.For(rep.Locale);
                var (fields, errors) = await CheckActionAsync(form, rep.RepId, Period.FromDate(action.Period), actions, action.Status, t, ct);
                var (outcome, updated) = fields is null ? (ActionStore.UpdateOutcome.NotFound, null) : await writes.UpdateAsync(AccessScope.Admin(person.Email), id, fields, ct,
                    (a, conn, tx) => WorkspaceStore.LogAsync(conn, tx, person.Email, Period.FromDate(action.Period), rep.RepId, rep.TeamId, "action_edited", Id(id),
                        Snapshot(action), Snapshot(a), ct));
                if (outcome == ActionStore.UpdateOutcome.Conflict) errors["problem"] = t.DuplicateProblemOther;
                if (updated is null) return await RepPageAsync(http, person, rep, page, new Outcome(Form: $"action-{id}", Errors: errors, Values: Values(form)), 422, ct);
                return Back(RepUrl(rep, page), "action", "actions");
            }, ct));

        app.MapPost("/app/actions/{id:long}/status", (HttpContext http, long id, IFormCollection form, ActionStore actions, ActionWrites writes,
            WorkspaceStore store, CancellationToken ct) =>
            WithAction(http, id, form, actions, store, async (person, rep, action, page) =>
            {
                var status = form["status"].ToString();
                if (!ActionRules.Statuses.Contains(status)) return NotFound(http, person, rep.Locale);
                var fields = new ActionFields(action.RepId, action.Period, action.Problem, action.RootCause, action.CauseCategory, action.Action,
                    action.OwnerName, action.OwnerEmail ?? "", action.DueOn, action.CheckpointOn, action.SupportNeeded, action.Indicator, status);
                var (_, updated) = await writes.UpdateAsync(AccessScope.Admin(person.Email), id, fields, ct, (a, conn, tx) =>
                    WorkspaceStore.LogAsync(conn, tx, person.Email, Period.FromDate(action.Period), rep.RepId, rep.TeamId,
                        status == "done" ? "action_closed" : "action_reopened", Id(id), new { action.Status }, new { a.Status }, ct));
                if (updated is null) return NotFound(http, person, rep.Locale);
                return Back(RepUrl(rep, page), "action", "actions");
            }, ct));

        app.MapPost("/app/reps/{repId}/{period}/review", (HttpContext http, string repId, string period, IFormCollection form,
            WorkspaceStore store, CancellationToken ct) =>
            WithRep(http, repId, period, async (person, rep, p) =>
            {
                if (!person.CanManageRep(rep.TeamId)) return NotFound(http, person, rep.Locale);
                var t = WorkspaceText.For(rep.Locale);
                var errors = new Dictionary<string, string>();
                DateOnly? heldOn = null;
                var held = form["held_on"].ToString().Trim();
                if (held.Length > 0)
                {
                    if (ActionRules.TryParseDate(held, out var d)) heldOn = d;
                    else errors["held_on"] = t.BadDate;
                }
                var notes = Text(form, "notes", errors, t, required: false);
                var agreed = Text(form, "agreed", errors, t, required: false);
                if (errors.Count > 0) return await RepPageAsync(http, person, rep, p, new Outcome(Form: "review", Errors: errors, Values: Values(form)), 422, ct);
                await store.SaveReviewAsync(person.Email, p, rep.RepId, heldOn, notes, agreed, ct);
                return Back(RepUrl(rep, p), "review", "review");
            }, ct));

        app.MapPost("/app/reps/{repId}/{period}/signoff", (HttpContext http, string repId, string period, IFormCollection form,
            WorkspaceStore store, CancellationToken ct) =>
            WithRep(http, repId, period, async (person, rep, p) =>
            {
                if (!person.CanManageRep(rep.TeamId)) return NotFound(http, person, rep.Locale);
                await store.SignOffAsync(person.Email, person.Name, p, rep.RepId, ct);
                return Back(RepUrl(rep, p), "review", "review");
            }, ct));

        app.MapPost("/app/reps/{repId}/{period}/acknowledge", (HttpContext http, string repId, string period, IFormCollection form,
            WorkspaceStore store, CancellationToken ct) =>
            WithRep(http, repId, period, async (person, rep, p) =>
            {
                if (!person.IsRep(rep.RepId)) return NotFound(http, person, rep.Locale);
                await store.AcknowledgeAsync(person.Email, p, rep.RepId, ct);
                return Back(RepUrl(rep, p), "acknowledge", "");
            }, ct));

        app.MapPost("/app/reps/{repId}/{period}/responses", (HttpContext http, string repId, string period, IFormCollection form,
            WorkspaceStore store, ActionStore actions, Hangfire.IBackgroundJobClient jobs, CancellationToken ct) =>
            WithRep(http, repId, period, async (person, rep, p) =>
            {
                if (!person.IsRep(rep.RepId)) return NotFound(http, person, rep.Locale);
                var t = WorkspaceText.For(rep.Locale);
                var errors = new Dictionary<string, string>();
                var kind = form["kind"].ToString();
                if (kind is not ("difficulty" or "support" or "action_comment" or "dispute")) errors["kind"] = "difficulty | support | action_comment | dispute";
                var body = Text(form, "body", errors, t, required: true);
                var progress = Text(form, "progress", errors, t, required: false);
                long? actionId = null;
                string? indicator = null;
                if (kind == "action_comment")
                {
                    var mine = await actions.ListAsync(new AccessScope("rep", rep.RepId, person.Email), rep.RepId, null, null, ct);
                    if (long.TryParse(form["action_id"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var aid) && mine.Any(a => a.Id == aid)) actionId = aid;
                    else errors["action_id"] = t.Required;
                }
                if (kind == "dispute")
                {
                    var known = await store.IndicatorsAsync(rep.Locale, ct);
                    indicator = form["indicator"].ToString();
                    if (known.All(i => i.Code != indicator)) errors["indicator"] = t.Required;
                }
                if (errors.Count > 0) return await RepPageAsync(http, person, rep, p, new Outcome(Form: "response", Errors: errors, Values: Values(form)), 422, ct);
                var id = await store.AddResponseAsync(person.Email, p, rep.RepId, kind, actionId, indicator, body!, progress, ct);
                // A dispute reaches the manager by email too: a job of its own, sent once through the delivery ledger and
                // retried by Hangfire while the mail server fails; the dispute is on the team page whatever the mail does.
                if (kind == "dispute") DisputeMail.Enqueue(jobs, id);
                return Back(RepUrl(rep, p), "response", "conversation");
            }, ct));

        app.MapPost("/app/responses/{id:long}/answer", async (HttpContext http, long id, IFormCollection form, People people, WorkspaceStore store, CancellationToken ct) =>
        {
            var person = await people.CurrentAsync(http);
            if (person is null) return Results.Redirect("/app");
            var response = await store.ResponseAsync(id, ct);
            var rep = response is null ? null : await store.RepAsync(response.RepId, ct);
            if (response is null || rep is null || !person.CanManageRep(rep.TeamId)) return NotFound(http, person, person.Locale);
            var period = Period.FromDate(await PeriodOfAsync(http, id, ct));
            var errors = new Dictionary<string, string>();
            var answer = Text(form, "answer", errors, WorkspaceText.For(rep.Locale), required: true);
            if (errors.Count > 0) return await RepPageAsync(http, person, rep, period, new Outcome(Form: "response", Errors: errors), 422, ct);
            await store.AnswerAsync(person.Email, response, period, answer!, ct);
            return Back(RepUrl(rep, period), "response", "conversation");
        });

        app.MapPost("/app/reps/{repId}/{period}/send", (HttpContext http, string repId, string period, IFormCollection form,
            FormQuery forms, FormHtml html, IPdfRenderer pdf, DeliveryLedger ledger, AcknowledgementLinks links, IOptions<MailOptions> mail,
            WorkspaceStore store, Databases db, CancellationToken ct) =>
            WithRep(http, repId, period, async (person, rep, p) =>
            {
                if (!person.CanManageRep(rep.TeamId)) return NotFound(http, person, rep.Locale);
                var form1 = (await forms.LoadAsync(p, [rep.RepId], ct)).Single();
                var bytes = await pdf.RenderAsync(await html.RenderAsync(form1), ct);
                await using var conn = await db.Reporting.OpenConnectionAsync(ct);
                // The month-end's send is revision 1; each update is the next one, a ledger row of its own.
                var revision = 2 + await conn.ExecuteScalarAsync<int>(new CommandDefinition("""
                    select count(*) from reporting.delivery where kind = 'rep_form_revision' and period = @period and subject_id like @prefix
                    """, new { period = p.Start, prefix = rep.RepId.Replace("%", "", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + ".r%" }, cancellationToken: ct));
                var key = new DeliveryKey("rep_form_revision", p, $"{rep.RepId}.r{revision}", rep.Email);
                var (outcome, error) = await ledger.DeliverAsync(key,
                    _ => FormEmail.Compose(form1, mail.Value.From, rep.Name, rep.Email, bytes, links.UrlFor(p, rep.RepId),
                        links.WorkspaceUrl($"/app/reps/{Uri.EscapeDataString(rep.RepId)}/{p}")), false, bytes, ct);
                await store.LogAsync(person.Email, p, rep.RepId, rep.TeamId, "form_sent", $"r{revision}", null, new { revision, outcome = outcome.ToString(), error }, ct);
                if (outcome == DeliveryOutcome.Failed)
                    return await RepPageAsync(http, person, rep, p, new Outcome(WorkspaceText.For(rep.Locale).SendFailed(error ?? "")), 502, ct);
                return Results.Redirect($"{RepUrl(rep, p)}?sent={revision}#review");
            }, ct));
    }

    /// <summary>An upload larger than this is refused before it is read.</summary>
    public const long MaxUpload = 5 * 1024 * 1024;

    // ---- scope ----

    private static async Task<IResult> WithRep(HttpContext http, string repId, string period, Func<Person, RepRef, Period, Task<IResult>> act, CancellationToken ct)
    {
        var person = await http.RequestServices.GetRequiredService<People>().CurrentAsync(http);
        if (person is null) return http.Request.Method == "GET" ? Page<SignInPage>(new { Af = Af(http) }, 401) : Results.Redirect("/app");
        var rep = await http.RequestServices.GetRequiredService<WorkspaceStore>().RepAsync(repId, ct);
        if (!Period.TryParse(period, out var p) || rep is null || !person.CanSeeRep(rep.RepId, rep.TeamId)) return NotFound(http, person, person.Locale);
        return await act(person, rep, p);
    }

    private static async Task<IResult> WithTeam(HttpContext http, string teamId, string period, Func<Person, TeamRef, Period, Task<IResult>> act, CancellationToken ct)
    {
        var person = await http.RequestServices.GetRequiredService<People>().CurrentAsync(http);
        if (person is null) return http.Request.Method == "GET" ? Page<SignInPage>(new { Af = Af(http) }, 401) : Results.Redirect("/app");
        var team = await http.RequestServices.GetRequiredService<WorkspaceStore>().TeamAsync(teamId, ct);
        if (!Period.TryParse(period, out var p) || team is null || !person.CanSeeTeam(team.TeamId)) return NotFound(http, person, person.Locale);
        return await act(person, team, p);
    }

    /// <summary>An action the person manages, and the period of the page the form was on (page_period; else the action's).</summary>
    private static async Task<IResult> WithAction(HttpContext http, long id, IFormCollection form, ActionStore actions, WorkspaceStore store,
        Func<Person, RepRef, ActionRecord, Period, Task<IResult>> act, CancellationToken ct)
    {
        var person = await http.RequestServices.GetRequiredService<People>().CurrentAsync(http);
        if (person is null) return Results.Redirect("/app");
        var action = await actions.GetAsync(AccessScope.Admin(person.Email), id, ct);
        var rep = action is null ? null : await store.RepAsync(action.RepId, ct);
        if (action is null || rep is null || !person.CanManageRep(rep.TeamId)) return NotFound(http, person, person.Locale);
        var page = Period.TryParse(form["page_period"].ToString(), out var pp) ? pp : Period.FromDate(action.Period);
        return await act(person, rep, action, page);
    }

    private static async Task<DateOnly> PeriodOfAsync(HttpContext http, long responseId, CancellationToken ct)
    {
        await using var conn = await http.RequestServices.GetRequiredService<Databases>().Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<DateOnly>(new CommandDefinition("select period from reporting.rep_response where id = @responseId",
            new { responseId }, cancellationToken: ct));
    }

    // ---- pages ----

    private static async Task<IResult> RepPageAsync(HttpContext http, Person person, RepRef rep, Period period, Outcome outcome, int status, CancellationToken ct)
    {
        var sp = http.RequestServices;
        var store = sp.GetRequiredService<WorkspaceStore>();
        var form = (await sp.GetRequiredService<FormQuery>().LoadAsync(period, [rep.RepId], ct)).Single();
        var scope = new AccessScope("rep", rep.RepId, person.Email);
        var actions = (await sp.GetRequiredService<ActionStore>().ListAsync(scope, rep.RepId, null, null, ct))
            .Where(a => a.Period <= period.Start && (a.Period == period.Start || a.Status == "open" || a.DueOn >= period.Start)).ToList();
        var model = new RepModel(person, rep, period, form,
            await store.FlaggedAsync(period, rep.RepId, rep.Locale, ct), actions, await store.ReviewAsync(period, rep.RepId, ct),
            await store.ResponsesAsync(period, [rep.RepId], ct), await store.HistoryAsync(period, rep.RepId, ct),
            await store.IndicatorsAsync(rep.Locale, ct), await store.PeriodsAsync(ct),
            sp.GetRequiredService<IOptions<CompanyOptions>>().Value.TimeZone, Af(http), outcome);
        return Page<RepPage>(new { Model = model }, status);
    }

    private static async Task<IResult> TeamPageAsync(HttpContext http, Person person, TeamRef team, Period period, Outcome outcome, int status, CancellationToken ct)
    {
        var sp = http.RequestServices;
        var store = sp.GetRequiredService<WorkspaceStore>();
        var summary = await sp.GetRequiredService<SummaryQuery>().LoadAsync(period, team.TeamId, ct);
        var model = new TeamModel(person, team, period, summary, await store.ResponsesAsync(period, summary.Reps.Select(r => r.RepId).ToList(), ct),
            await store.SpotChecksAsync(period, team.TeamId, ct), await store.PeriodsAsync(ct),
            sp.GetRequiredService<IOptions<CompanyOptions>>().Value.TimeZone, Af(http), outcome,
            await sp.GetRequiredService<TeamSettings>().GetAsync(team.TeamId, ct),
            await sp.GetRequiredService<ReleaseAfterReview>().StateAsync(period, team.TeamId, ct));
        return Page<TeamPage>(new { Model = model }, status);
    }

    private static IResult Page<T>(object parameters, int status = 200) where T : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<T>(parameters) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    private static IResult NotFound(HttpContext http, Person? person, string locale) =>
        Page<MessagePage>(new { Message = WorkspaceText.For(locale).NotFound, Locale = locale, Person = person, Af = Af(http) }, 404);

    private static IResult LinkRefused(HttpContext http, SignInLinkState state)
    {
        string Say(WorkspaceText t) => state switch { SignInLinkState.Expired => t.LinkExpired, SignInLinkState.Used => t.LinkUsed, _ => t.LinkInvalid };
        return Page<SignInPage>(new { Af = Af(http), Message = Say(WorkspaceText.For("zh-CN")) + " / " + Say(WorkspaceText.For("en")), Bad = true },
            state == SignInLinkState.Invalid ? 400 : 410);
    }

    private static Af Af(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return new Af(tokens.FormFieldName, tokens.RequestToken!);
    }

    private static Outcome Done(string locale, string? done) => done is null ? Outcome.None : new Outcome(WorkspaceText.For(locale).Saved);

    private static IResult Back(string url, string done, string anchor) =>
        Results.Redirect($"{url}?done={Uri.EscapeDataString(done)}" + (anchor.Length > 0 ? "#" + anchor : ""));

    private static string RepUrl(RepRef rep, Period period) => $"/app/reps/{Uri.EscapeDataString(rep.RepId)}/{period}";

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    // ---- fields ----

    /// <summary>A free-text field: trimmed, at most 2,000 characters, no control characters but line breaks; null when empty.</summary>
    private static string? Text(IFormCollection form, string field, Dictionary<string, string> errors, WorkspaceText t, bool required)
    {
        var value = form[field].ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
        if (value.Length == 0)
        {
            if (required) errors[field] = t.Required;
            return null;
        }
        if (value.Length > ActionRules.MaxText) errors[field] = t.TooLong;
        else if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\t')) errors[field] = t.ControlCharacters;
        return value;
    }

    private static Dictionary<string, string?> Values(IFormCollection form) =>
        form.Keys.Where(k => !k.StartsWith("__", StringComparison.Ordinal)).ToDictionary(k => k, k => (string?)form[k].ToString());

    /// <summary>The action's fields checked by the rules the API and the import obey; what is wrong said in <paramref name="t"/>'s language.</summary>
    private static async Task<(ActionFields? Fields, Dictionary<string, string> Errors)> CheckActionAsync(IFormCollection form, string repId, Period period,
        ActionStore actions, string? status, WorkspaceText t, CancellationToken ct)
    {
        string F(string name) => form[name].ToString();
        var (reps, indicators) = await actions.KnownAsync(ct, [repId]);
        var (fields, errors) = ActionRules.Check(new ActionDraft(repId, period.ToString(), F("problem"), F("root_cause"), F("cause_category"), F("action"),
            F("owner_name"), F("owner_email"), F("due_on"), F("checkpoint_on"), F("support_needed"), F("indicator"), status), reps, indicators, actions.Today);
        var byField = new Dictionary<string, string>();
        foreach (var e in errors) byField.TryAdd(e.Field, t.Reason(e));
        foreach (var name in new[] { "problem", "root_cause", "action", "owner_name", "support_needed" })
            if (F(name).Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) byField.TryAdd(name, t.ControlCharacters);
        return (byField.Count == 0 ? fields : null, byField);
    }

    private static object Snapshot(ActionRecord a) => new
    {
        a.Problem, root_cause = a.RootCause, cause_category = a.CauseCategory, a.Action, owner_name = a.OwnerName, owner_email = a.OwnerEmail,
        due_on = a.DueOn, checkpoint_on = a.CheckpointOn, support_needed = a.SupportNeeded, a.Indicator, a.Status,
    };
}
