using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data.Actions;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Api;

namespace SalesReporting.Tests.Loop;

/// <summary>The actions API on the worker's web app: API keys, scopes, validation, and the follow-ups it schedules.</summary>
public sealed class ActionApiTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private WebApplication app = null!;
    private HttpClient client = null!;
    private string admin = null!, manager1 = null!, rep1 = null!, rep2 = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_loop_api");
        await LoopSetup.SeedAsync(db);
        app = await LoopSetup.StartWebAsync(db, new FixedClock(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero)));
        client = app.GetTestClient();
        var keys = app.Services.GetRequiredService<ApiKeys>();
        admin = (await keys.CreateAsync("ops", "admin", null, default)).Key;
        manager1 = (await keys.CreateAsync("王经理", "manager", "T1", default)).Key;
        rep1 = (await keys.CreateAsync("李明", "rep", "R1", default)).Key;
        rep2 = (await keys.CreateAsync("张伟", "rep", "R2", default)).Key;
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
        await db.DisposeAsync();
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string url, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        if (body is not null) request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        return await client.SendAsync(request);
    }

    private static Dictionary<string, object?> ActionBody(string rep = "R1", string problem = "回款慢", string due = "2026-11-10") => new()
    {
        ["rep_id"] = rep, ["period"] = "2026-10", ["problem"] = problem, ["root_cause"] = "客户B 付款流程长", ["cause_category"] = "market",
        ["action"] = "每周跟进客户B财务", ["owner_name"] = "李明", ["owner_email"] = "r1@x.example", ["due_on"] = due,
        ["checkpoint_on"] = "2026-11-05", ["support_needed"] = "财务协助对账", ["indicator"] = "collection_rate",
    };

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task No_key_a_wrong_key_and_a_revoked_key_are_all_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/actions", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/actions", "srk_" + new string('A', 43))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/api/actions", rep1[..^1] + (rep1[^1] == 'A' ? 'B' : 'A'))).StatusCode);
        var keys = app.Services.GetRequiredService<ApiKeys>();
        var (id, key) = await keys.CreateAsync("temp", "admin", null, default);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/api/actions", key)).StatusCode);
        Assert.True(await keys.RevokeAsync(id, default));
        var revoked = await Send(HttpMethod.Get, "/api/actions", key);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal("application/problem+json", revoked.Content.Headers.ContentType?.MediaType);
        // Bearer works as well as X-Api-Key.
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/actions");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(bearer)).StatusCode);
    }

    [Fact]
    public async Task Keys_are_stored_only_as_hashes()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var hashes = (await conn.QueryAsync<byte[]>("select key_hash from reporting.api_key")).ToList();
        Assert.Equal(4, hashes.Count);
        Assert.All(hashes, h => Assert.Equal(32, h.Length));
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from reporting.api_key where encode(key_hash, 'escape') like '%srk_%'"));
    }

    [Fact]
    public async Task A_rep_key_never_sees_another_reps_action_and_a_manager_sees_only_their_team()
    {
        var r1 = await Json(await Send(HttpMethod.Post, "/api/actions", admin, ActionBody("R1")));
        var r2 = await Send(HttpMethod.Post, "/api/actions", admin, ActionBody("R2", "线索少"));
        Assert.Equal(HttpStatusCode.Created, r2.StatusCode);
        var r2Id = (await Json(r2)).GetProperty("id").GetInt64();
        var r3Body = ActionBody("R3", "客单价低");
        var r3Id = (await Json(await Send(HttpMethod.Post, "/api/actions", admin, r3Body))).GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, $"/api/actions/{r2Id}", rep1)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Put, $"/api/actions/{r2Id}", rep1, ActionBody("R2", "线索少"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Post, $"/api/actions/{r2Id}/notes", rep1, new { note = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/api/actions/{r1.GetProperty("id").GetInt64()}", rep1)).StatusCode);
        var mine = await Json(await Send(HttpMethod.Get, "/api/actions", rep1));
        Assert.Equal(["R1"], mine.EnumerateArray().Select(a => a.GetProperty("rep_id").GetString()));
        var team = await Json(await Send(HttpMethod.Get, "/api/actions", manager1));
        Assert.Equal(["R1", "R2"], team.EnumerateArray().Select(a => a.GetProperty("rep_id").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, $"/api/actions/{r3Id}", manager1)).StatusCode);
        var all = await Json(await Send(HttpMethod.Get, "/api/actions", admin));
        Assert.Equal(3, all.GetArrayLength());

        // A rep cannot write an action for someone else either; the answer does not say whether that rep exists.
        var foreign = await Send(HttpMethod.Post, "/api/actions", rep1, ActionBody("R2", "别人的问题"));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal("unknown rep, or not one this key may see", (await Json(foreign)).GetProperty("errors").GetProperty("rep_id")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Put, "/api/reasons/2026-10/R2/revenue", rep1, new { reason = "x" })).StatusCode);
    }

    [Fact]
    public async Task Text_PostgreSQL_cannot_store_is_answered_400_naming_the_field_and_nothing_is_written()
    {
        async Task<HttpResponseMessage> Raw(HttpMethod method, string url, byte[] body)
        {
            using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
            request.Headers.Add("X-Api-Key", admin);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return await client.SendAsync(request);
        }
        async Task<(HttpStatusCode, string)> Error(HttpResponseMessage r, string field) =>
            (r.StatusCode, (await Json(r)).GetProperty("errors").GetProperty(field)[0].GetString()!);

        var nul = ActionBody();
        nul["problem"] = "回款\0慢";
        Assert.Equal((HttpStatusCode.BadRequest, "contains a NUL character (U+0000), which text cannot hold; remove it"),
            await Error(await Send(HttpMethod.Post, "/api/actions", admin, nul), "problem"));

        var json = JsonSerializer.Serialize(ActionBody()).Replace("\"problem\":\"", "\"problem\":\"\\ud800", StringComparison.Ordinal);
        Assert.Contains("\\ud800", json, StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.BadRequest, "contains a lone UTF-16 surrogate (such as \\ud800 without its pair), which is no character; expected Unicode text"),
            await Error(await Raw(HttpMethod.Post, "/api/actions", Encoding.UTF8.GetBytes(json)), "problem"));

        var latin1 = Encoding.UTF8.GetBytes("{\"note\":\"caf").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        var created = await Send(HttpMethod.Post, "/api/actions", admin, ActionBody(problem: "好的"));
        var id = (await Json(created)).GetProperty("id").GetInt64();
        Assert.Equal((HttpStatusCode.BadRequest, "not valid UTF-8: byte 12 is 0xE9; expected JSON in UTF-8"),
            await Error(await Raw(HttpMethod.Post, $"/api/actions/{id}/notes", latin1), "body"));
        Assert.Equal((HttpStatusCode.BadRequest, "contains a NUL character (U+0000), which text cannot hold; remove it"),
            await Error(await Send(HttpMethod.Post, $"/api/actions/{id}/notes", admin, new { note = "a\0b" }), "note"));
        Assert.Equal((HttpStatusCode.BadRequest, "contains a NUL character (U+0000), which text cannot hold; remove it"),
            await Error(await Send(HttpMethod.Put, "/api/reasons/2026-10/R1/revenue", admin, new { reason = "\0" }), "reason"));

        var query = await Send(HttpMethod.Get, "/api/actions?rep_id=R1%00", admin);
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        Assert.Equal("The query parameter 'rep_id' contains a NUL character (U+0000), which text cannot hold; remove it.", (await Json(query)).GetProperty("detail").GetString());

        Assert.Equal(["好的"], await conn.QueryAsync<string>("select problem from reporting.improvement_action"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.action_note"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.anomaly_reason"));
    }

    [Fact]
    public async Task Validation_errors_are_400_problem_details_naming_each_field()
    {
        var body = ActionBody();
        body["due_on"] = "2026/11/10";
        body["cause_category"] = "weather";
        body["owner_email"] = "not-an-email";
        body["problem"] = "  ";
        var response = await Send(HttpMethod.Post, "/api/actions", rep1, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Equal(["cause_category", "due_on", "owner_email", "problem"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("expected a date YYYY-MM-DD", errors.GetProperty("due_on")[0].GetString());
        Assert.Equal("required", errors.GetProperty("problem")[0].GetString());

        var typo = ActionBody();
        typo["dueOn"] = "2026-11-10";
        typo["period"] = 202610;
        var typoErrors = (await Json(await Send(HttpMethod.Post, "/api/actions", rep1, typo))).GetProperty("errors");
        Assert.StartsWith("unknown field", typoErrors.GetProperty("dueOn")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("expected a string", typoErrors.GetProperty("period")[0].GetString());

        var late = ActionBody();
        late["checkpoint_on"] = "2026-11-20";
        Assert.Equal("after the due date", (await Json(await Send(HttpMethod.Post, "/api/actions", rep1, late))).GetProperty("errors").GetProperty("checkpoint_on")[0].GetString());
        Assert.Equal("body", (await Json(await Send(HttpMethod.Post, "/api/actions", rep1, "{not json"))).GetProperty("errors").EnumerateObject().Single().Name);

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from reporting.improvement_action"));
    }

    [Fact]
    public async Task Creating_and_changing_an_action_schedules_its_follow_ups_and_a_duplicate_is_409()
    {
        var created = await Send(HttpMethod.Post, "/api/actions", rep1, ActionBody());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var a = await Json(created);
        var id = a.GetProperty("id").GetInt64();
        Assert.Equal("2026-10", a.GetProperty("period").GetString());
        Assert.Equal("open", a.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Post, "/api/actions", rep1, ActionBody())).StatusCode);

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        async Task<List<(string, DateOnly)>> Jobs() => (await conn.QueryAsync<(string, DateOnly)>(
            "select kind, scheduled_for from reporting.follow_up_job where action_id = @id order by kind", new { id })).ToList();
        Assert.Equal([("checkpoint", new DateOnly(2026, 11, 5)), ("due", new DateOnly(2026, 11, 10))], await Jobs());

        var change = ActionBody(due: "2026-11-20");
        change["status"] = null;
        var changed = await Json(await Send(HttpMethod.Put, $"/api/actions/{id}", manager1, change));
        Assert.Equal("2026-11-20", changed.GetProperty("due_on").GetString());
        Assert.Equal([("checkpoint", new DateOnly(2026, 11, 5)), ("due", new DateOnly(2026, 11, 20))], await Jobs());

        change["status"] = "done";
        Assert.Equal("done", (await Json(await Send(HttpMethod.Put, $"/api/actions/{id}", rep1, change))).GetProperty("status").GetString());
        Assert.Empty(await Jobs());

        var note = await Send(HttpMethod.Post, $"/api/actions/{id}/notes", rep1, new { note = "客户B 已付 10 万" });
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);
        var notes = await Json(await Send(HttpMethod.Get, $"/api/actions/{id}/notes", manager1));
        Assert.Equal("客户B 已付 10 万", notes[0].GetProperty("note").GetString());
        Assert.Equal("key 3 (李明)", notes[0].GetProperty("written_by").GetString());
    }

    [Fact]
    public async Task When_scheduling_the_follow_ups_fails_the_action_is_not_kept_or_changed_without_them()
    {
        // The app's own job client, made to fail as a job storage that went away would, part-way through an action's two jobs.
        var jobs = new FailingJobClient(app.Services.GetRequiredService<Hangfire.JobStorage>());
        await using var failing = await LoopSetup.StartWebAsync(db, new FixedClock(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero)),
            services: s => s.AddSingleton<Hangfire.IBackgroundJobClient>(jobs));
        using var web = failing.GetTestClient();
        async Task<HttpResponseMessage> Call(HttpMethod method, string url, object body)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Add("X-Api-Key", admin);
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
            return await web.SendAsync(request);
        }
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        async Task<List<(long, string, DateOnly, string)>> Rows() => (await conn.QueryAsync<(long, string, DateOnly, string)>("""
            select a.id, a.status, a.due_on, coalesce(string_agg(f.kind || ' ' || f.scheduled_for || ' ' || f.job_id, ', ' order by f.kind), '')
            from reporting.improvement_action a left join reporting.follow_up_job f on f.action_id = a.id
            group by a.id order by a.id
            """)).ToList();

        // POST: the checkpoint's job is made, the due date's fails: no action, no follow-up row.
        jobs.FailAfter = 1;
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Call(HttpMethod.Post, "/api/actions", ActionBody()));
        Assert.Equal("the job storage went away", refused.Message);
        Assert.Single(jobs.Created);
        Assert.Empty(await Rows());

        // The same request once the storage is back: the action and both jobs.
        jobs.FailAfter = null;
        var created = await Call(HttpMethod.Post, "/api/actions", ActionBody());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json(created)).GetProperty("id").GetInt64();
        var (checkpointJob, dueJob) = (jobs.Created[1], jobs.Created[2]);
        var kept = new List<(long, string, DateOnly, string)> { (id, "open", new DateOnly(2026, 11, 10), $"checkpoint 2026-11-05 {checkpointJob}, due 2026-11-10 {dueJob}") };
        Assert.Equal(kept, await Rows());

        // PUT moving the due date, failing to schedule the new job: the action keeps its date and its jobs, the old job is not deleted.
        jobs.FailAfter = 0;
        var change = ActionBody(due: "2026-11-20");
        await Assert.ThrowsAsync<InvalidOperationException>(() => Call(HttpMethod.Put, $"/api/actions/{id}", change));
        Assert.Equal(kept, await Rows());
        Assert.Equal("Scheduled", JobState(dueJob));

        // The workspace's new actions, edits and status changes go through the same unit (ActionWrites): an edit that fails
        // to schedule leaves the action as it was, with its jobs.
        var writes = failing.Services.GetRequiredService<SalesReporting.Worker.Jobs.ActionWrites>();
        var moved = LoopSetup.Action(due: "2026-11-20", indicator: "collection_rate", owner: "r1@x.example");
        await Assert.ThrowsAsync<InvalidOperationException>(() => writes.UpdateAsync(AccessScope.Admin("test"), id, moved, default));
        Assert.Equal(kept, await Rows());

        jobs.FailAfter = null;
        var (outcome, updated) = await writes.UpdateAsync(AccessScope.Admin("test"), id, moved, default);
        Assert.Equal(ActionStore.UpdateOutcome.Updated, outcome);
        Assert.Equal(new DateOnly(2026, 11, 20), updated!.DueOn);
        Assert.Equal([(id, "open", new DateOnly(2026, 11, 20), $"checkpoint 2026-11-05 {checkpointJob}, due 2026-11-20 {jobs.Created[^1]}")], await Rows());
        Assert.Equal("Deleted", JobState(dueJob));
    }

    private string? JobState(string jobId)
    {
        using var storage = app.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        return storage.GetStateData(jobId)?.Name;
    }

    [Fact]
    public async Task A_reason_set_through_the_API_is_what_the_form_shows_instead_of_the_draft()
    {
        var put = await Send(HttpMethod.Put, "/api/reasons/2026-10/R1/collection_rate", rep1, new { reason = "客户B 年底集中付款" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var bad = await Json(await Send(HttpMethod.Put, "/api/reasons/2026-13/R1/nonsense", rep1, new { reason = "" }));
        Assert.Equal(["indicator", "period", "reason"], bad.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        await new Seed(db.Databases).Value("2026-10-01", "R1", "collection_rate", 75).Target("R1", "2026-10-01", "collection_rate", 90).WriteAsync();
        var form = (await app.Services.GetRequiredService<SalesReporting.Reports.Forms.FormQuery>().LoadAsync(new(2026, 10), ["R1"], default)).Single();
        Assert.Equal("客户B 年底集中付款", form.Indicators.Single(i => i.Code == "collection_rate").AnomalyReason);

        var list = await Json(await Send(HttpMethod.Get, "/api/reasons?period=2026-10", manager1));
        Assert.Equal("key 3 (李明)", list[0].GetProperty("written_by").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Delete, "/api/reasons/2026-10/R1/collection_rate", rep1)).StatusCode);
        Assert.Equal(0, await conn.ExecuteScalarAsync<int>("select count(*) from reporting.anomaly_reason"));
    }
}
