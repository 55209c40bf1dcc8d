using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace SalesReporting.Tests.Workspace;

/// <summary>What the workspace writes reaches the documents: the spot check on the team summary, the rep's side on the form.</summary>
public sealed partial class WorkspaceTests
{
    /// <summary>A signed-in client's GET of a PDF, as its text (spaces dropped, as <see cref="PdfText"/>).</summary>
    private static async Task<string> PdfOfAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        return PdfText(await response.Content.ReadAsByteArrayAsync());
    }

    private static readonly Regex CheckCell = new("<td class=\"check\">(.*?)</td>", RegexOptions.Singleline);

    [Fact]
    public async Task The_spot_check_results_show_beside_the_sample_on_the_team_summary_on_screen_and_printed()
    {
        using var client = f.Client();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.50");
        await f.SignInAsync(client, WorkspaceFixture.Manager);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        // Two visits of the last rep of T01 (another test checks the first rep's first visit).
        var visits = (await conn.QueryAsync<string>("""
            select subject from reporting.finding where period = '2026-10-01' and team_id = 'T01' and kind = 'spot_check'
            order by rep_id desc, subject desc limit 2
            """)).ToList();
        Assert.Equal(2, visits.Count);
        var samples = await conn.ExecuteScalarAsync<int>(
            "select count(*) from reporting.finding where period = '2026-10-01' and team_id = 'T01' and kind = 'spot_check'");

        // Before any check: every sampled visit says not checked.
        var before = await client.GetStringAsync($"/app/teams/T01/{October}");
        Assert.Equal(samples, CheckCell.Matches(before).Count);

        foreach (var (activity, verified, note) in new[] { (visits[0], "true", "电话回访客户确认拜访属实"), (visits[1], "false", "客户称当天未见到销售") })
        {
            var page = await client.GetStringAsync($"/app/teams/T01/{October}");
            using var recorded = await client.PostAsync($"/app/teams/T01/{October}/spot-check", new FormUrlEncodedContent(
                [new("__af", WorkspaceFixture.Token(page)), new("activity_id", activity), new("verified", verified), new("note", note)]));
            Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        }

        // On screen: the summary's spot-check table (the same component as the printed one) has the mark and the note in its row.
        var html = WebUtility.HtmlDecode(await client.GetStringAsync($"/app/teams/T01/{October}"));
        var cells = CheckCell.Matches(html).Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>|\\s+", "")).ToList();
        Assert.Equal(samples, cells.Count);
        Assert.Contains("✓属实电话回访客户确认拜访属实", cells);
        Assert.Contains("✗不属实客户称当天未见到销售", cells);
        // Every other sampled visit: not checked, unless another test of this class checked it.
        var checkedVisits = await conn.ExecuteScalarAsync<int>(
            "select count(*) from reporting.spot_check_result s join staging.reps r using (rep_id) where s.period = '2026-10-01' and r.team_id = 'T01'");
        Assert.InRange(checkedVisits, 2, samples);
        Assert.Equal(samples - checkedVisits, cells.Count(c => c == "未核实"));

        // Printed: the same marks and notes in the summary PDF's text.
        var pdf = await PdfOfAsync(client, $"/app/teams/T01/{October}/summary.pdf");
        Assert.Contains("抽查结果", pdf, StringComparison.Ordinal);
        Assert.Contains("属实电话回访客户确认拜访属实", pdf, StringComparison.Ordinal);
        Assert.Contains("不属实客户称当天未见到销售", pdf, StringComparison.Ordinal);
        Assert.Contains("未核实", pdf, StringComparison.Ordinal);

        // Another team's summary shows none of it.
        using var other = f.Client();
        other.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.51");
        await f.SignInAsync(other, WorkspaceFixture.OtherManager);
        var otherPdf = await PdfOfAsync(other, $"/app/teams/T02/{October}/summary.pdf");
        Assert.DoesNotContain("电话回访客户确认拜访属实", otherPdf, StringComparison.Ordinal);
        Assert.DoesNotContain("客户称当天未见到销售", otherPdf, StringComparison.Ordinal);
    }
}

public sealed partial class WorkspaceTests
{
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pagePath, string action, params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync(pagePath);
        return await client.PostAsync(action, new FormUrlEncodedContent(
            fields.Select(x => new KeyValuePair<string, string>(x.Name, x.Value)).Prepend(new("__af", WorkspaceFixture.Token(page)))));
    }

    [Fact]
    public async Task The_reps_side_of_the_conversation_and_the_managers_answers_are_on_the_reps_form_on_screen_and_printed_and_on_no_other_form()
    {
        var repPage = $"/app/reps/R005/{October}";
        using var manager = f.Client();
        manager.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.52");
        await f.SignInAsync(manager, WorkspaceFixture.Manager);
        // An action to comment on, agreed by the manager.
        using (var created = await PostFormAsync(manager, repPage, $"{repPage}/actions",
            ("problem", "拜访量不足-双向"), ("root_cause", "区域客户分散"), ("cause_category", "market"), ("action", "按片区排定每周拜访路线"),
            ("owner_name", "杨帆"), ("owner_email", "r005@demo.example"), ("due_on", "2027-01-25"), ("checkpoint_on", "2027-01-15"), ("indicator", "visits")))
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var actionId = await conn.ExecuteScalarAsync<long>("select id from reporting.improvement_action where rep_id = 'R005' and problem = '拜访量不足-双向'");

        using var rep = f.Client();
        rep.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.53");
        await f.SignInAsync(rep, "r005@demo.example");
        foreach (var fields in new[]
        {
            new[] { ("kind", "difficulty"), ("body", "客户D采购流程冗长，决策人难以约见") },
            new[] { ("kind", "support"), ("body", "希望总部提供行业案例资料") },
            new[] { ("kind", "action_comment"), ("action_id", actionId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("body", "已按片区排好第一周路线"), ("progress", "完成30%") },
            new[] { ("kind", "dispute"), ("indicator", "visits"), ("body", "10月15日三次拜访未同步到CRM") },
        })
            using (var written = await PostFormAsync(rep, repPage, $"{repPage}/responses", fields))
                Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        Assert.Equal([("difficulty", null, null), ("support", null, null), ("action_comment", (long?)actionId, "完成30%"), ("dispute", null, null)],
            (await conn.QueryAsync<(string, long?, string?)>("select kind, action_id, progress from reporting.rep_response where rep_id = 'R005' order by id")).ToList());

        // The manager answers the difficulty and the dispute; the support request waits.
        var answers = new Dictionary<string, string> { ["difficulty"] = "下周陪同拜访客户D", ["dispute"] = "已请CRM管理员补录" };
        foreach (var (kind, answer) in answers)
        {
            var id = await conn.ExecuteScalarAsync<long>("select id from reporting.rep_response where rep_id = 'R005' and kind = @kind", new { kind });
            using var answered = await PostFormAsync(manager, repPage, $"/app/responses/{id}/answer", ("answer", answer));
            Assert.Equal(HttpStatusCode.Redirect, answered.StatusCode);
        }

        string[] texts = ["双向沟通", "客户D采购流程冗长，决策人难以约见", "下周陪同拜访客户D", "希望总部提供行业案例资料", "待回复",
            "已按片区排好第一周路线", "进展：完成30%", "拜访量不足-双向", "10月15日三次拜访未同步到CRM", "已请CRM管理员补录", "对数据有异议"];
        // On screen: the form's section 反馈与确认 (the printed component) on the rep's own page.
        var html = WebUtility.HtmlDecode(await rep.GetStringAsync(repPage));
        var twoWay = Regex.Match(html, "<table class=\"two-way\">(.*?)</table>", RegexOptions.Singleline).Groups[1].Value;
        Assert.All(texts.Skip(1), t => Assert.Contains(t, Regex.Replace(twoWay, "<[^>]+>|\\s+", ""), StringComparison.Ordinal));
        // Printed: in the PDF the rep gets, in the order written, each answer after its entry.
        var pdf = await PdfOfAsync(rep, $"{repPage}/form.pdf");
        Assert.All(texts, t => Assert.Contains(t, pdf, StringComparison.Ordinal));
        Assert.True(pdf.IndexOf("客户D采购流程冗长", StringComparison.Ordinal) < pdf.IndexOf("下周陪同拜访客户D", StringComparison.Ordinal));
        Assert.True(pdf.IndexOf("下周陪同拜访客户D", StringComparison.Ordinal) < pdf.IndexOf("希望总部提供行业案例资料", StringComparison.Ordinal));
        Assert.True(pdf.IndexOf("反馈与确认", StringComparison.Ordinal) < pdf.IndexOf("双向沟通", StringComparison.Ordinal));

        // Another rep's form, printed for the same manager: none of it.
        var other = await PdfOfAsync(manager, $"/app/reps/R006/{October}/form.pdf");
        Assert.Contains("反馈与确认", other, StringComparison.Ordinal);
        Assert.All(texts.Skip(1).Where(t => t is not ("待回复" or "对数据有异议")), t => Assert.DoesNotContain(t, other, StringComparison.Ordinal));
        Assert.DoesNotContain("双向沟通", other, StringComparison.Ordinal);
    }
}

public sealed partial class WorkspaceTests
{
    [Fact]
    public async Task Two_serve_processes_on_one_database_send_one_address_the_limit_of_sign_in_mails_once_not_twice()
    {
        const string address = "r010@demo.example";
        var second = WorkspaceFixture.NewBaseUrl();
        var app = f.BuildServe(second);
        await app.StartAsync();
        try
        {
            async Task AskAsync(string baseUrl, int i)
            {
                using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(baseUrl) };
                client.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{60 + i % 2}");
                var page = await client.GetStringAsync("/app");
                using var response = await client.PostAsync("/app/signin", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page)), new("email", address)]));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            // Each process alone would allow the limit; they take turns, more than the limit each.
            for (var i = 0; i < WorkspaceFixture.MailsPerAddress + 4; i++)
            {
                await AskAsync(f.BaseUrl, i);
                await AskAsync(second, i);
            }
            await f.NextLinkAsync(address, WorkspaceFixture.MailsPerAddress - 1);
            await Task.Delay(1500); // the last requests' turn in each process's mail queue
            Assert.Equal(WorkspaceFixture.MailsPerAddress, f.SignInLinks(address).Count);
            await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
            Assert.Equal(WorkspaceFixture.MailsPerAddress, await conn.ExecuteScalarAsync<int>(
                "select count(*) from reporting.signin_link where mailed and email = @address", new { address }));
            // Both processes mailed some: the count was shared, not one process doing all the work.
            var mailer = app.Services.GetRequiredService<SalesReporting.Worker.Workspace.SignInMailer>();
            Assert.InRange(mailer.Sent, 1, WorkspaceFixture.MailsPerAddress - 1);

            // The window slides: once the oldest mail is older than 15 minutes, one more goes out (from either process), and only one.
            await conn.ExecuteAsync("update reporting.signin_link set created_at = created_at - interval '16 minutes' where id_hash = (select id_hash from reporting.signin_link where mailed and email = @address order by created_at limit 1)", new { address });
            var before = f.SignInLinks(address).Count;
            await AskAsync(second, 0);
            await f.NextLinkAsync(address, before);
            await AskAsync(f.BaseUrl, 1);
            await Task.Delay(1500);
            Assert.Equal(before + 1, f.SignInLinks(address).Count);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }
}

/// <summary>The manager's paths the other tests do not walk: editing, closing and reopening an action, clearing a reason,
/// an actions file on the team page.</summary>
public sealed partial class WorkspaceTests
{
    /// <summary>The action's follow-up jobs: kind, date, job id and the job's state in Hangfire's storage.</summary>
    private async Task<List<(string Kind, DateOnly On, string JobId, string State)>> FollowUpsAsync(long actionId)
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, DateOnly, string, string)>("""
            select f.kind, f.scheduled_for, f.job_id, j.statename from reporting.follow_up_job f join hangfire.job j on j.id::text = f.job_id
            where f.action_id = @actionId order by f.kind
            """, new { actionId })).ToList();
    }

    private async Task<List<string>> JobStatesAsync(IEnumerable<string> jobIds)
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<string>("select statename from hangfire.job where id::text = any(@ids) order by id",
            new { ids = jobIds.ToArray() })).ToList();
    }

    private static (string, string)[] ActionFields(string problem, string action, string due, string checkpoint) =>
    [
        ("problem", problem), ("root_cause", "新区域客户分散"), ("cause_category", "market"), ("action", action), ("owner_name", "赵磊"),
        ("owner_email", "r006@demo.example"), ("due_on", due), ("checkpoint_on", checkpoint), ("support_needed", "区域地图"), ("indicator", "visits"),
        ("page_period", October),
    ];

    [Fact]
    public async Task A_manager_edits_an_action_and_closes_and_reopens_it_and_its_follow_up_jobs_move_go_and_come_back()
    {
        const string problem = "拜访覆盖不足-编辑";
        var repPage = $"/app/reps/R006/{October}";
        using var manager = f.Client();
        manager.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.70");
        await f.SignInAsync(manager, WorkspaceFixture.Manager);
        using (var created = await PostFormAsync(manager, repPage, $"{repPage}/actions", ActionFields(problem, "每周拜访8家", "2027-01-20", "2027-01-10")))
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var id = await conn.ExecuteScalarAsync<long>("select id from reporting.improvement_action where rep_id = 'R006' and problem = @problem", new { problem });
        var first = await FollowUpsAsync(id);
        Assert.Equal([("checkpoint", new DateOnly(2027, 1, 10), "Scheduled"), ("due", new DateOnly(2027, 1, 20), "Scheduled")],
            first.Select(x => (x.Kind, x.On, x.State)));

        // Edited: new dates and wording; the jobs move (the old ones deleted, new ones at the new dates).
        using (var edited = await PostFormAsync(manager, repPage, $"/app/actions/{id}", ActionFields(problem, "每周拜访10家，周五复盘", "2027-02-20", "2027-02-10")))
        {
            Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
            Assert.Equal($"{repPage}?done=action#actions", edited.Headers.Location!.ToString());
        }
        Assert.Equal(("每周拜访10家，周五复盘", new DateOnly(2027, 2, 20), new DateOnly(2027, 2, 10), "open"),
            await conn.QuerySingleAsync<(string, DateOnly, DateOnly, string)>("select action, due_on, checkpoint_on, status from reporting.improvement_action where id = @id", new { id }));
        var moved = await FollowUpsAsync(id);
        Assert.Equal([("checkpoint", new DateOnly(2027, 2, 10), "Scheduled"), ("due", new DateOnly(2027, 2, 20), "Scheduled")],
            moved.Select(x => (x.Kind, x.On, x.State)));
        Assert.Equal(["Deleted", "Deleted"], await JobStatesAsync(first.Select(x => x.JobId)));
        Assert.Equal(("2027-01-20", "2027-02-20"), await conn.QuerySingleAsync<(string, string)>(
            "select before->>'due_on', after->>'due_on' from reporting.change_log where what = 'action_edited' and subject = @s", new { s = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        // Closed: no follow-up left, its jobs deleted; the form says done.
        using (var closed = await PostFormAsync(manager, repPage, $"/app/actions/{id}/status", ("status", "done"), ("page_period", October)))
            Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        Assert.Equal("done", await conn.ExecuteScalarAsync<string>("select status from reporting.improvement_action where id = @id", new { id }));
        Assert.Empty(await FollowUpsAsync(id));
        Assert.Equal(["Deleted", "Deleted"], await JobStatesAsync(moved.Select(x => x.JobId)));
        var closedPdf = await PdfOfAsync(manager, $"{repPage}/form.pdf");
        Assert.Contains("每周拜访10家，周五复盘", closedPdf, StringComparison.Ordinal);
        Assert.DoesNotContain("已完成", closedPdf[..closedPdf.IndexOf("每周拜访10家，周五复盘", StringComparison.Ordinal)][^0..], StringComparison.Ordinal);
        Assert.StartsWith("已完成", closedPdf[(closedPdf.IndexOf("每周拜访10家，周五复盘", StringComparison.Ordinal) + "每周拜访10家，周五复盘".Length)..]
            .Replace("赵磊", "", StringComparison.Ordinal).Replace("2027-02-20", "", StringComparison.Ordinal).Replace("2027-02-10", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Reopened: the jobs come back at the action's dates, new ones.
        using (var reopened = await PostFormAsync(manager, repPage, $"/app/actions/{id}/status", ("status", "open"), ("page_period", October)))
            Assert.Equal(HttpStatusCode.Redirect, reopened.StatusCode);
        var back = await FollowUpsAsync(id);
        Assert.Equal([("checkpoint", new DateOnly(2027, 2, 10), "Scheduled"), ("due", new DateOnly(2027, 2, 20), "Scheduled")],
            back.Select(x => (x.Kind, x.On, x.State)));
        Assert.Empty(back.Select(x => x.JobId).Intersect(moved.Select(x => x.JobId)));
        Assert.Equal(["action_created", "action_edited", "action_closed", "action_reopened"], await conn.QueryAsync<string>(
            "select what from reporting.change_log where subject = @s and what like 'action%' order by id", new { s = id.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        // Another team's manager cannot touch it.
        using var other = f.Client();
        other.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.71");
        await f.SignInAsync(other, WorkspaceFixture.OtherManager);
        using (var refused = await PostFormAsync(other, $"/app/teams/T02/{October}", $"/app/actions/{id}/status", ("status", "done")))
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("open", await conn.ExecuteScalarAsync<string>("select status from reporting.improvement_action where id = @id", new { id }));
    }

    [Fact]
    public async Task Clearing_a_written_reason_or_saving_the_draft_unchanged_brings_the_automatic_draft_back_on_the_form()
    {
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var (repId, indicator, draft) = await conn.QueryFirstAsync<(string, string, string)>("""
            select a.rep_id, a.indicator, a.draft from reporting.anomaly a join staging.reps r using (rep_id)
            where a.period = '2026-10-01' and r.team_id = 'T01' and a.rep_id not in ('R001', 'R005', 'R006') order by a.rep_id desc, a.indicator limit 1
            """);
        var repPage = $"/app/reps/{repId}/{October}";
        static string Flat(string s) => Regex.Replace(s, "\\s+", "");
        using var manager = f.Client();
        manager.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.72");
        await f.SignInAsync(manager, WorkspaceFixture.Manager);

        using (var written = await PostFormAsync(manager, repPage, $"{repPage}/reasons", ("indicator", indicator), ("reason", "渠道调整导致本月波动（人工说明）")))
            Assert.Equal(HttpStatusCode.Redirect, written.StatusCode);
        var pdf = await PdfOfAsync(manager, $"{repPage}/form.pdf");
        Assert.Contains("渠道调整导致本月波动（人工说明）", pdf, StringComparison.Ordinal);
        Assert.DoesNotContain(Flat(draft), pdf, StringComparison.Ordinal);

        using (var cleared = await PostFormAsync(manager, repPage, $"{repPage}/reasons", ("indicator", indicator), ("reason", "渠道调整导致本月波动（人工说明）"), ("clear", "1")))
            Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.anomaly_reason where period = '2026-10-01' and rep_id = @repId and indicator = @indicator", new { repId, indicator }));
        pdf = await PdfOfAsync(manager, $"{repPage}/form.pdf");
        Assert.Contains(Flat(draft), pdf, StringComparison.Ordinal);
        Assert.DoesNotContain("渠道调整导致本月波动（人工说明）", pdf, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(draft), await manager.GetStringAsync(repPage), StringComparison.Ordinal);
        Assert.Equal(("渠道调整导致本月波动（人工说明）", (string?)null), await conn.QuerySingleAsync<(string, string?)>(
            "select before->>'reason', after->>'reason' from reporting.change_log where what = 'reason_cleared' and rep_id = @repId and subject = @indicator", new { repId, indicator }));

        // The draft saved as it stands is no reason of a person's: nothing is written, the draft stays in charge.
        using (var same = await PostFormAsync(manager, repPage, $"{repPage}/reasons", ("indicator", indicator), ("reason", draft)))
            Assert.Equal(HttpStatusCode.Redirect, same.StatusCode);
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.anomaly_reason where period = '2026-10-01' and rep_id = @repId and indicator = @indicator", new { repId, indicator }));
    }

    [Fact]
    public async Task An_actions_file_on_the_team_page_with_bad_rows_lists_them_all_and_writes_nothing_and_a_good_one_writes_the_actions_and_their_follow_ups()
    {
        using var manager = f.Client();
        manager.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.73");
        await f.SignInAsync(manager, WorkspaceFixture.Manager);
        const string header = "rep_id,period,problem,root_cause,cause_category,action,owner_name,owner_email,due_on,checkpoint_on,support_needed,indicator\n";
        async Task<HttpResponseMessage> UploadAsync(string csv)
        {
            var page = await manager.GetStringAsync($"/app/teams/T01/{October}");
            var content = new MultipartFormDataContent
            {
                { new StringContent(WorkspaceFixture.Token(page)), "__af" },
                { new StringContent("actions"), "kind" },
                { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv)), "file", "十月措施.csv" },
            };
            return await manager.PostAsync($"/app/teams/T01/{October}/upload", content);
        }
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        async Task<(long Actions, long FollowUps)> CountAsync() => await conn.QuerySingleAsync<(long, long)>("""
            select (select count(*) from reporting.improvement_action), (select count(*) from reporting.follow_up_job)
            """);
        var before = await CountAsync();

        using (var rejected = await UploadAsync(header +
            "R007,2026-10,上传-客户流失,竞品降价,market,大客户季度回访,黄丽,r007@demo.example,2027-01-31,2027-01-15,,revenue\n" +
            "R008,2026-10,上传-他组,x,people,x,林晨,r008@demo.example,2027-01-31,,,\n" +
            "R007,2026-10,上传-分类错,x,weather,x,黄丽,r007@demo.example,2027-01-31,,,\n" +
            "R007,2026-10,上传-日期错,x,people,x,黄丽,r007@demo.example,2026-09-30,,,\n"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
            var html = WebUtility.HtmlDecode(await rejected.Content.ReadAsStringAsync());
            Assert.Contains("什么都没有写入", html, StringComparison.Ordinal);
            Assert.Contains("not a rep of team T01", html, StringComparison.Ordinal);
            Assert.Contains("expected people, product or market", html, StringComparison.Ordinal);
            Assert.Contains("before the action's period 2026-10", html, StringComparison.Ordinal);
            Assert.Contains("十月措施.csv", html, StringComparison.Ordinal);
        }
        Assert.Equal(before, await CountAsync());

        using (var accepted = await UploadAsync(header +
            "R007,2026-10,上传-客户流失,竞品降价,market,大客户季度回访,黄丽,r007@demo.example,2027-01-31,2027-01-15,,revenue\n" +
            "R007,2026-10,上传-报价慢,审批链长,product,报价模板化,王建国,wang.jianguo@demo.example,2027-02-28,,法务支持,\n"))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
            Assert.EndsWith("rows=2#upload", accepted.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal((before.Actions + 2, before.FollowUps + 3), await CountAsync());
        async Task<long> IdAsync(string problem) => await conn.ExecuteScalarAsync<long>(
            "select id from reporting.improvement_action where rep_id = 'R007' and period = '2026-10-01' and problem = @problem", new { problem });
        // 上传-报价慢 (no checkpoint): its due date; 上传-客户流失: checkpoint and due — each a job waiting in Hangfire.
        Assert.Equal([("due", new DateOnly(2027, 2, 28), "Scheduled")], (await FollowUpsAsync(await IdAsync("上传-报价慢"))).Select(x => (x.Kind, x.On, x.State)));
        Assert.Equal([("checkpoint", new DateOnly(2027, 1, 15), "Scheduled"), ("due", new DateOnly(2027, 1, 31), "Scheduled")],
            (await FollowUpsAsync(await IdAsync("上传-客户流失"))).Select(x => (x.Kind, x.On, x.State)));
        Assert.Equal(("竞品降价", "market", "revenue", (string?)null), await conn.QuerySingleAsync<(string, string, string, string?)>(
            "select root_cause, cause_category, indicator, support_needed from reporting.improvement_action where id = @id", new { id = await IdAsync("上传-客户流失") }));
        Assert.Equal(("十月措施.csv", "{\"rows\": 2}"), await conn.QuerySingleAsync<(string, string)>(
            "select subject, after::text from reporting.change_log where what = 'actions_uploaded' and team_id = 'T01'"));
    }
}
