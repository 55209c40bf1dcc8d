using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PuppeteerSharp;
using UglyToad.PdfPig;

namespace SalesReporting.Tests.Workspace;

/// <summary>The workspace as its people use it: in the system Chromium, through the emailed sign-in link, with plain forms.</summary>
public sealed partial class WorkspaceTests(WorkspaceFixture f) : IClassFixture<WorkspaceFixture>
{
    private const string October = "2026-10";

    private async Task<IPage> SignedInPageAsync(IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        var before = f.SignInLinks(email).Count;
        await page.GoToAsync(f.BaseUrl + "/app");
        await page.TypeAsync("input[name=email]", email);
        await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("form[action='/app/signin'] button"));
        Assert.Contains("15", await page.EvaluateExpressionAsync<string>("document.body.innerText"), StringComparison.Ordinal);
        var link = await f.NextLinkAsync(email, before);
        await page.GoToAsync(link);
        // Opening the link signs nobody in; the button does.
        await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync("form button.primary"));
        Assert.Equal(f.BaseUrl + "/app", page.Url);
        return page;
    }

    private static Task<string> TextAsync(IPage page) => page.EvaluateExpressionAsync<string>("document.body.innerText");

    private static async Task SubmitAsync(IPage page, string selector) =>
        await Task.WhenAll(page.WaitForNavigationAsync(), page.ClickAsync(selector));

    private async Task<byte[]> DownloadAsync(IPage page, string path)
    {
        var cookies = await page.GetCookiesAsync(f.BaseUrl);
        using var client = f.Client();
        client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string PdfText(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        return string.Concat(doc.GetPages().SelectMany(p => p.Letters).Select(l => l.Value)).Replace(" ", "", StringComparison.Ordinal);
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = WorkspaceFixture.ScreenshotDir;
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
        await page.ScreenshotAsync(Path.Combine(dir, $"workspace-{name}-desktop.png"), new ScreenshotOptions { FullPage = true });
        await page.SetViewportAsync(new ViewPortOptions { Width = 390, Height = 844, DeviceScaleFactor = 2, IsMobile = true });
        await page.ScreenshotAsync(Path.Combine(dir, $"workspace-{name}-phone.png"), new ScreenshotOptions { FullPage = false });
        await page.SetViewportAsync(new ViewPortOptions { Width = 1280, Height = 900 });
    }

    [Fact]
    public async Task A_manager_signs_in_from_the_emailed_link_writes_a_reason_and_an_action_and_the_reps_printed_form_shows_both()
    {
        await using var context = await f.Browser.CreateBrowserContextAsync();
        var page = await SignedInPageAsync(context, WorkspaceFixture.Manager);
        Assert.Contains("华东区域销售一组", await TextAsync(page), StringComparison.Ordinal);

        await page.GoToAsync($"{f.BaseUrl}/app/reps/R001/{October}");
        var text = await TextAsync(page);
        Assert.Contains("异常原因说明", text, StringComparison.Ordinal);

        // The reason of the revenue line: the draft is the starting text; saving replaces it.
        var form = "form.reason:has(input[name=indicator][value=revenue])";
        var draft = await page.EvaluateExpressionAsync<string>($"document.querySelector(\"{form} textarea\").value");
        Assert.False(string.IsNullOrWhiteSpace(draft));
        await page.EvaluateExpressionAsync($"document.querySelector(\"{form} textarea\").value = ''");
        await page.TypeAsync($"{form} textarea", "大客户A订单延迟交付，11月补回");
        await SubmitAsync(page, $"{form} button[type=submit]");
        Assert.Contains("已保存", await TextAsync(page), StringComparison.Ordinal);

        // A new action with dates ahead, so its follow-ups are scheduled.
        await page.EvaluateExpressionAsync("document.querySelector('details.new').open = true");
        var create = "details.new form";
        await page.TypeAsync($"{create} input[name=problem]", "新客户转化率低-工作台");
        await page.TypeAsync($"{create} input[name=root_cause]", "对产品技术参数不熟悉");
        await page.SelectAsync($"{create} select[name=cause_category]", "people");
        await page.TypeAsync($"{create} textarea[name=action]", "安排产品经理一对一培训，每日模拟演练");
        await page.EvaluateExpressionAsync($"document.querySelector('{create} input[name=due_on]').value = '2027-01-20'");
        await page.EvaluateExpressionAsync($"document.querySelector('{create} input[name=checkpoint_on]').value = '2027-01-10'");
        await page.SelectAsync($"{create} select[name=indicator]", "new_customers");
        await SubmitAsync(page, $"{create} button[type=submit]");
        text = await TextAsync(page);
        Assert.Contains("已保存", text, StringComparison.Ordinal);
        Assert.Contains("新客户转化率低-工作台", text, StringComparison.Ordinal);

        // The 1:1 and the sign-off.
        await page.EvaluateExpressionAsync("document.querySelector('#review input[name=held_on]').value = '2026-11-03'");
        await page.TypeAsync("#review textarea[name=notes]", "复盘回款与新客户");
        await page.TypeAsync("#review textarea[name=agreed]", "每周跟进客户B财务");
        await SubmitAsync(page, "form[action$='/review'] button");
        await SubmitAsync(page, "form[action$='/signoff'] button");
        Assert.Contains("王建国 已于", await TextAsync(page), StringComparison.Ordinal);

        var pdf = PdfText(await DownloadAsync(page, $"/app/reps/R001/{October}/form.pdf"));
        Assert.Contains("大客户A订单延迟交付，11月补回", pdf, StringComparison.Ordinal);
        Assert.Contains("新客户转化率低-工作台", pdf, StringComparison.Ordinal);
        Assert.Contains("安排产品经理一对一培训，每日模拟演练", pdf, StringComparison.Ordinal);
        Assert.Contains("销售经理签字：王建国", pdf, StringComparison.Ordinal);
        Assert.Contains("约定事项：每周跟进客户B财务", pdf, StringComparison.Ordinal);

        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var id = await conn.ExecuteScalarAsync<long>("select id from reporting.improvement_action where problem = '新客户转化率低-工作台'");
        Assert.Equal([("checkpoint", new DateOnly(2027, 1, 10)), ("due", new DateOnly(2027, 1, 20))],
            await conn.QueryAsync<(string, DateOnly)>("select kind, scheduled_for from reporting.follow_up_job where action_id = @id order by kind", new { id }));
        // Each follow-up is a job waiting in Hangfire's storage for its date.
        Assert.Equal(2L, await conn.ExecuteScalarAsync<long>("""
            select count(*) from hangfire.job j join reporting.follow_up_job f on f.job_id = j.id::text
            where f.action_id = @id and j.statename = 'Scheduled'
            """, new { id }));
        // Who changed what, before and after: the history on the rep page.
        Assert.Equal(["reason", "action_created", "one_on_one", "sign_off"],
            await conn.QueryAsync<string>("select what from reporting.change_log where rep_id = 'R001' and actor = @m order by id", new { m = WorkspaceFixture.Manager }));
        Assert.Equal("大客户A订单延迟交付，11月补回", await conn.ExecuteScalarAsync<string>(
            "select after->>'reason' from reporting.change_log where what = 'reason' and rep_id = 'R001'"));
        Assert.Contains("action_created", await TextAsync(page), StringComparison.Ordinal);

        await ScreenshotAsync(page, "rep");
        await page.GoToAsync($"{f.BaseUrl}/app/teams/T01/{October}");
        Assert.Contains("团队成员", await TextAsync(page), StringComparison.Ordinal);
        await ScreenshotAsync(page, "team");
    }

    [Fact]
    public async Task A_rep_signs_in_answers_and_disputes_and_the_manager_sees_it_on_the_team_page_and_by_mail()
    {
        await using var repContext = await f.Browser.CreateBrowserContextAsync();
        var rep = await SignedInPageAsync(repContext, WorkspaceFixture.Rep);
        await rep.GoToAsync($"{f.BaseUrl}/app/reps/R001/{October}");
        // The manager's panels are not the rep's: no reason, action, 1:1 or sign-off form on the rep's own page.
        Assert.Equal(0, await rep.EvaluateExpressionAsync<int>("document.querySelectorAll('#reasons, #actions, #review, form[action$=\"/signoff\"]').length"));

        await rep.SelectAsync("select[name=kind]", "dispute");
        await rep.SelectAsync("form[action$='/responses'] select[name=indicator]", "revenue");
        await rep.TypeAsync("form[action$='/responses'] textarea[name=body]", "10月28日客户C的5万元回款未计入");
        await SubmitAsync(rep, "form[action$='/responses'] button.primary");
        await rep.SelectAsync("select[name=kind]", "difficulty");
        await rep.TypeAsync("form[action$='/responses'] textarea[name=body]", "客户B财务流程长，需要总部协助");
        await SubmitAsync(rep, "form[action$='/responses'] button.primary");
        var text = await TextAsync(rep);
        Assert.Contains("10月28日客户C的5万元回款未计入", text, StringComparison.Ordinal);
        Assert.Contains("待回复", text, StringComparison.Ordinal);

        // Acknowledgement from the workspace.
        await SubmitAsync(rep, "form[action$='/acknowledge'] button");
        Assert.Contains("确认收到", await TextAsync(rep), StringComparison.Ordinal);

        // Another rep's page, another team, a made-up rep: all the same 404.
        foreach (var path in new[] { $"/app/reps/R002/{October}", $"/app/teams/T01/{October}", $"/app/reps/R404/{October}", $"/app/reps/R002/{October}/form.pdf" })
        {
            var response = await rep.GoToAsync(f.BaseUrl + path);
            Assert.Equal(HttpStatusCode.NotFound, response.Status);
        }

        // The dispute reaches the manager by mail: a job queued on the scheduler (this serve runs none), which sends it once
        // through the delivery ledger however often it runs…
        long disputeId;
        await using (var conn = await f.Db.Databases.Reporting.OpenConnectionAsync())
        {
            disputeId = await conn.ExecuteScalarAsync<long>("select id from reporting.rep_response where rep_id = 'R001' and kind = 'dispute' and body like '%客户C%'");
            Assert.Equal(1L, await conn.ExecuteScalarAsync<long>("""
                select count(*) from hangfire.job where statename = 'Enqueued' and invocationdata::text like '%DisputeMail%' and arguments::text like @id
                """, new { id = $"%\"{disputeId}\"%" }));
            var job = f.App.Services.GetRequiredService<SalesReporting.Worker.Jobs.DisputeMail>();
            await job.SendAsync(disputeId, default);
            await job.SendAsync(disputeId, default);
            Assert.Equal([("sent", WorkspaceFixture.Manager)], await conn.QueryAsync<(string, string)>(
                "select status, recipient from reporting.delivery where kind = 'dispute' and subject_id = @id", new { id = disputeId.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        }
        var mail = MimeKit.MimeMessage.Load(Assert.Single(Directory.GetFiles(f.MailDir, $"2026-10_dispute_{disputeId}_*.eml")));
        Assert.Contains("客户C", mail.TextBody, StringComparison.Ordinal);
        Assert.Equal(WorkspaceFixture.Manager, mail.To.Mailboxes.Single().Address);
        Assert.Equal("auto-generated", mail.Headers["Auto-Submitted"]);
        Assert.Contains($"/app/reps/R001/{October}#conversation", mail.TextBody, StringComparison.Ordinal);

        // …and shows on the team page, where the manager answers it.
        await using var managerContext = await f.Browser.CreateBrowserContextAsync();
        var manager = await SignedInPageAsync(managerContext, WorkspaceFixture.Manager);
        await manager.GoToAsync($"{f.BaseUrl}/app/teams/T01/{October}");
        text = await TextAsync(manager);
        Assert.Contains("10月28日客户C的5万元回款未计入", text, StringComparison.Ordinal);
        Assert.Contains("对数据有异议", text, StringComparison.Ordinal);
        await manager.GoToAsync($"{f.BaseUrl}/app/reps/R001/{October}#conversation");
        await manager.TypeAsync("#conversation li.dispute input[name=answer]", "已核实，下月补记");
        await SubmitAsync(manager, "#conversation li.dispute button");
        await rep.GoToAsync($"{f.BaseUrl}/app/reps/R001/{October}");
        Assert.Contains("已核实，下月补记", await TextAsync(rep), StringComparison.Ordinal);

        // Another manager sees none of it.
        await using var otherContext = await f.Browser.CreateBrowserContextAsync();
        var other = await SignedInPageAsync(otherContext, WorkspaceFixture.OtherManager);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GoToAsync($"{f.BaseUrl}/app/reps/R001/{October}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GoToAsync($"{f.BaseUrl}/app/teams/T01/{October}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await other.GoToAsync($"{f.BaseUrl}/app/teams/T02/{October}")).Status);
    }

    [Fact]
    public async Task A_form_field_with_a_NUL_character_is_answered_400_saying_so_and_writes_nothing()
    {
        using var client = f.Client();
        await f.SignInAsync(client, WorkspaceFixture.Manager);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var before = await conn.ExecuteScalarAsync<long>("select count(*) from reporting.change_log");
        var page = await client.GetStringAsync($"/app/reps/R004/{October}");
        using var response = await client.PostAsync($"/app/reps/R004/{October}/review",
            new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page)), new("held_on", "2026-11-04"), new("notes", "坏\0字")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // ASP.NET Core's form reader refuses the NUL itself ("The form value contains invalid characters"); the answer says so.
        Assert.Equal("A field of the form contains a character text cannot hold (a NUL, U+0000, or a lone surrogate); remove it.", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.change_log"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.review where rep_id = 'R004'"));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused_and_writes_nothing()
    {
        using var client = f.Client();
        await f.SignInAsync(client, WorkspaceFixture.Manager);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var before = await conn.ExecuteScalarAsync<long>("select count(*) from reporting.change_log");
        using var response = await client.PostAsync($"/app/reps/R002/{October}/review",
            new FormUrlEncodedContent([new("held_on", "2026-11-04"), new("notes", "伪造")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var wrong = await client.PostAsync($"/app/reps/R002/{October}/review",
            new FormUrlEncodedContent([new("__af", "CfDJ8-forged"), new("held_on", "2026-11-04"), new("notes", "伪造")]));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(before, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.change_log"));
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.review where rep_id = 'R002'"));

        // With the token it is written: the refusal above was the token's doing.
        var page = await client.GetStringAsync($"/app/reps/R002/{October}");
        using var ok = await client.PostAsync($"/app/reps/R002/{October}/review",
            new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page)), new("held_on", "2026-11-04"), new("notes", "真实")]));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal("真实", await conn.ExecuteScalarAsync<string>("select notes from reporting.review where rep_id = 'R002' and period = '2026-10-01'"));
    }

    [Fact]
    public async Task A_used_an_altered_or_an_expired_sign_in_link_is_refused()
    {
        using var client = f.Client();
        await f.SignInAsync(client, WorkspaceFixture.OtherManager);
        var used = new Uri(f.SignInLinks(WorkspaceFixture.OtherManager)[^1]).PathAndQuery;

        using var fresh = f.Client();
        string page;
        using (var opened = await fresh.GetAsync(used))
        {
            Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
            page = await opened.Content.ReadAsStringAsync();
            Assert.Contains("用过", page, StringComparison.Ordinal);
        }
        using (var again = await fresh.PostAsync(used, new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page))])))
        {
            Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
            Assert.DoesNotContain(again.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("sr_session", StringComparison.Ordinal)));
        }

        var altered = used[..^3] + (used[^3] == 'A' ? "B" : "A") + used[^2..];
        using (var response = await fresh.GetAsync(altered)) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var before = f.SignInLinks(WorkspaceFixture.Rep).Count;
        page = await fresh.GetStringAsync("/app");
        (await fresh.PostAsync("/app/signin", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page)), new("email", WorkspaceFixture.Rep)]))).Dispose();
        var expired = new Uri(await f.NextLinkAsync(WorkspaceFixture.Rep, before)).PathAndQuery;
        await using (var conn = await f.Db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("update reporting.signin_link set expires_at = now() - interval '1 minute' where used_at is null and email = @e", new { e = WorkspaceFixture.Rep });
        using (var response = await fresh.GetAsync(expired))
        {
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            Assert.Contains("过期", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var home = await fresh.GetAsync("/app")) Assert.Contains("name=\"email\"", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_and_no_mail_and_one_address_gets_a_limited_number_of_mails()
    {
        using var client = f.Client();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.20"); // a client of its own: the per-client limit is another test's
        async Task<string> AskAsync(string email)
        {
            var page = await client.GetStringAsync("/app");
            using var response = await client.PostAsync("/app/signin", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page)), new("email", email)]));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return WorkspaceFixture.Token(await response.Content.ReadAsStringAsync()) is var token
                ? (await response.Content.ReadAsStringAsync()).Replace(token, "", StringComparison.Ordinal) : "";
        }
        var files = Directory.GetFiles(f.MailDir).Length;
        var unknown = await AskAsync("nobody@demo.example");
        var known = await AskAsync("chen.zhiqiang@demo.example");
        Assert.Equal(known, unknown);
        await f.NextLinkAsync("chen.zhiqiang@demo.example", 0);
        Assert.Empty(f.SignInLinks("nobody@demo.example"));
        Assert.Equal(files + 1, Directory.GetFiles(f.MailDir).Length);

        for (var i = 0; i < WorkspaceFixture.MailsPerAddress + 2; i++) await AskAsync("chen.zhiqiang@demo.example");
        await f.NextLinkAsync("chen.zhiqiang@demo.example", WorkspaceFixture.MailsPerAddress - 1);
        await Task.Delay(1000);
        Assert.Equal(WorkspaceFixture.MailsPerAddress, f.SignInLinks("chen.zhiqiang@demo.example").Count);
    }

    [Fact]
    public async Task Sign_in_requests_from_one_client_are_limited_per_minute()
    {
        using var client = f.Client();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.9");
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i <= WorkspaceFixture.RequestsPerClient; i++)
        {
            var page = await client.GetStringAsync("/app");
            using var response = await client.PostAsync("/app/signin", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page)), new("email", $"flood{i}@example.com")]));
            codes.Add(response.StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, WorkspaceFixture.RequestsPerClient).Append(HttpStatusCode.TooManyRequests), codes);
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers_and_a_session_cookie_that_scripts_cannot_read()
    {
        using var client = f.Client();
        using var signIn = await client.GetAsync("/app");
        Assert.Equal("nosniff", signIn.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = signIn.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", csp, StringComparison.Ordinal); // default-src 'none': no script at all
        Assert.StartsWith("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("no-store", signIn.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("<script", await signIn.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var before = f.SignInLinks(WorkspaceFixture.Manager).Count;
        var page = await client.GetStringAsync("/app");
        (await client.PostAsync("/app/signin", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page)), new("email", WorkspaceFixture.Manager)]))).Dispose();
        var link = new Uri(await f.NextLinkAsync(WorkspaceFixture.Manager, before)).PathAndQuery;
        page = await client.GetStringAsync(link);
        using var signedIn = await client.PostAsync(link, new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page))]));
        var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("sr_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        using var signOutPage = await client.GetAsync("/app");
        var token = WorkspaceFixture.Token(await signOutPage.Content.ReadAsStringAsync());
        (await client.PostAsync("/app/signout", new FormUrlEncodedContent([new("__af", token)]))).Dispose();
        using var after = await client.GetAsync($"/app/teams/T01/{October}");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_targets_file_uploaded_on_the_team_page_is_checked_whole_every_bad_row_shown_and_nothing_written()
    {
        using var client = f.Client();
        await f.SignInAsync(client, WorkspaceFixture.Manager);
        async Task<HttpResponseMessage> UploadAsync(string csv)
        {
            var page = await client.GetStringAsync($"/app/teams/T01/{October}");
            var content = new MultipartFormDataContent
            {
                { new StringContent(WorkspaceFixture.Token(page)), "__af" },
                { new StringContent("targets"), "kind" },
                { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(csv)), "file", "十一月目标.csv" },
            };
            return await client.PostAsync($"/app/teams/T01/{October}/upload", content);
        }
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var before = await conn.ExecuteScalarAsync<long>("select count(*) from reporting.target where period = '2026-11-01'");

        using (var rejected = await UploadAsync("rep_id,period,indicator,target\nR001,2026-11,revenue,110\nR008,2026-11,revenue,90\nR002,2026-13,revenue,80\nR003,2026-11,revenue,abc\n"))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
            var html = await rejected.Content.ReadAsStringAsync();
            Assert.Contains("not a rep of team T01", html, StringComparison.Ordinal);   // R008 is in T02
            Assert.Contains("expected YYYY-MM", html, StringComparison.Ordinal);
            Assert.Contains("not a number", html, StringComparison.Ordinal);
            Assert.Contains("什么都没有写入", html, StringComparison.Ordinal);
        }
        Assert.Equal(before, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.target where period = '2026-11-01'"));

        using (var accepted = await UploadAsync("rep_id,period,indicator,target\nR001,2026-11,revenue,110\nR002,2026-11,revenue,95\n"))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
            Assert.EndsWith("rows=2#upload", accepted.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal([("R001", 110m), ("R002", 95m)], await conn.QueryAsync<(string, decimal)>(
            "select rep_id, target from reporting.target where period = '2026-11-01' and indicator = 'revenue' and rep_id in ('R001', 'R002') order by rep_id"));
        Assert.Equal("{\"rows\": 2}", await conn.ExecuteScalarAsync<string>("select after::text from reporting.change_log where what = 'targets_uploaded'"));
    }

    [Fact]
    public async Task The_manager_turns_the_weekly_pacing_email_off_for_the_team_and_another_manager_cannot()
    {
        using var client = f.Client();
        await f.SignInAsync(client, WorkspaceFixture.OtherManager);
        var page = await client.GetStringAsync($"/app/teams/T02/{October}");
        Assert.Contains("name=\"weekly_pacing\" value=\"true\" checked", page, StringComparison.Ordinal);
        // Unticked, the box sends nothing: the team opts out.
        using (var off = await client.PostAsync($"/app/teams/T02/{October}/pacing", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page))])))
            Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        Assert.False(await conn.ExecuteScalarAsync<bool>("select weekly_pacing from reporting.team_setting where team_id = 'T02'"));
        Assert.Equal("{\"weekly_pacing\": false}", await conn.ExecuteScalarAsync<string>(
            "select after::text from reporting.change_log where what = 'pacing_setting' and team_id = 'T02'"));
        Assert.DoesNotContain("name=\"weekly_pacing\" value=\"true\" checked", await client.GetStringAsync($"/app/teams/T02/{October}"), StringComparison.Ordinal);

        // Another team's manager: not found, and nothing changes.
        using var other = f.Client();
        await f.SignInAsync(other, WorkspaceFixture.Manager);
        var own = await other.GetStringAsync($"/app/teams/T01/{October}");
        using (var refused = await other.PostAsync($"/app/teams/T02/{October}/pacing", new FormUrlEncodedContent(
            [new("__af", WorkspaceFixture.Token(own)), new("weekly_pacing", "true")])))
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.False(await conn.ExecuteScalarAsync<bool>("select weekly_pacing from reporting.team_setting where team_id = 'T02'"));
    }

    [Fact]
    public async Task The_manager_turns_release_after_review_on_for_the_team_and_releases_a_held_month()
    {
        using var client = f.Client();
        await f.SignInAsync(client, WorkspaceFixture.OtherManager);
        var page = await client.GetStringAsync($"/app/teams/T02/{October}");
        using (var set = await client.PostAsync($"/app/teams/T02/{October}/settings", new FormUrlEncodedContent(
            [new("__af", WorkspaceFixture.Token(page)), new("release_after_review", "true"), new("release_after_days", "5")])))
            Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal((true, 5), await conn.QuerySingleAsync<(bool, int)>("select release_after_review, release_after_days from reporting.team_setting where team_id = 'T02'"));
        Assert.Equal("{\"release_after_days\": 5, \"release_after_review\": true}",
            await conn.ExecuteScalarAsync<string>("select after::text from reporting.change_log where what = 'release_setting' and team_id = 'T02'"));
        // The same settings saved again change nothing and add no history.
        using (var again = await client.PostAsync($"/app/teams/T02/{October}/settings", new FormUrlEncodedContent(
            [new("__af", WorkspaceFixture.Token(page)), new("release_after_review", "true"), new("release_after_days", "5")])))
            Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal(1L, await conn.ExecuteScalarAsync<long>("select count(*) from reporting.change_log where what = 'release_setting' and team_id = 'T02'"));

        // A month held for review: the page says so and offers the release, which queues the team's forms once.
        await conn.ExecuteAsync("insert into reporting.review_release(period, team_id, release_due_at) values ('2026-10-01', 'T02', now() + interval '5 days')");
        page = await client.GetStringAsync($"/app/teams/T02/{October}");
        Assert.Contains("form method=\"post\" action=\"/app/teams/T02/2026-10/release\"", page, StringComparison.Ordinal);
        using (var release = await client.PostAsync($"/app/teams/T02/{October}/release", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page))])))
            Assert.Equal(HttpStatusCode.Redirect, release.StatusCode);
        Assert.Equal(WorkspaceFixture.OtherManager, await conn.ExecuteScalarAsync<string>("select released_by from reporting.review_release where team_id = 'T02'"));
        Assert.Equal(1L, await conn.ExecuteScalarAsync<long>(
            "select count(*) from hangfire.job where invocationdata::text like '%RunTeamAsync%' and arguments::text like '%T02%'"));
        Assert.Contains("已由 lin.meiling@demo.example 於", await client.GetStringAsync($"/app/teams/T02/{October}"), StringComparison.Ordinal);

        // Another team's manager cannot touch it.
        using var other = f.Client();
        await f.SignInAsync(other, WorkspaceFixture.Manager);
        var mine = await other.GetStringAsync($"/app/teams/T01/{October}");
        using var refused = await other.PostAsync($"/app/teams/T02/{October}/settings", new FormUrlEncodedContent(
            [new("__af", WorkspaceFixture.Token(mine)), new("release_after_review", "false"), new("release_after_days", "3")]));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task The_manager_records_the_spot_check_and_sends_the_updated_form_as_new_revisions_keeping_the_first_send()
    {
        using var client = f.Client();
        await f.SignInAsync(client, WorkspaceFixture.Manager);
        await using var conn = await f.Db.Databases.Reporting.OpenConnectionAsync();
        var activity = await conn.ExecuteScalarAsync<string>(
            "select subject from reporting.finding where period = '2026-10-01' and team_id = 'T01' and kind = 'spot_check' and rep_id <> 'R001' order by rep_id, subject limit 1");
        var page = await client.GetStringAsync($"/app/teams/T01/{October}");
        using (var checkedOne = await client.PostAsync($"/app/teams/T01/{October}/spot-check", new FormUrlEncodedContent(
            [new("__af", WorkspaceFixture.Token(page)), new("activity_id", activity), new("verified", "false"), new("note", "客户说当天没有拜访")])))
            Assert.Equal(HttpStatusCode.Redirect, checkedOne.StatusCode);
        Assert.Equal((false, "客户说当天没有拜访", WorkspaceFixture.Manager), await conn.QuerySingleAsync<(bool, string, string)>(
            "select verified, note, checked_by from reporting.spot_check_result where activity_id = @activity", new { activity }));
        Assert.Contains("客户说当天没有拜访", await client.GetStringAsync($"/app/teams/T01/{October}"), StringComparison.Ordinal);
        // A visit that is not in this team's sample is nobody's to check here.
        using (var notSampled = await client.PostAsync($"/app/teams/T01/{October}/spot-check", new FormUrlEncodedContent(
            [new("__af", WorkspaceFixture.Token(page)), new("activity_id", "NOT-SAMPLED"), new("verified", "true")])))
            Assert.Equal(HttpStatusCode.NotFound, notSampled.StatusCode);

        // The month-end's send is revision 1 (here: a ledger row as month-end leaves it); each update is sent as the next one.
        await conn.ExecuteAsync("""
            insert into reporting.delivery(kind, period, subject_id, recipient, message_id, status, sent_at)
            values ('rep_form', '2026-10-01', 'R003', 'r003@demo.example', 'first@demo', 'sent', now())
            """);
        for (var revision = 2; revision <= 3; revision++)
        {
            page = await client.GetStringAsync($"/app/reps/R003/{October}");
            using var sent = await client.PostAsync($"/app/reps/R003/{October}/send", new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page))]));
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            Assert.EndsWith($"?sent={revision}#review", sent.Headers.Location!.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal([("rep_form", "R003", "sent"), ("rep_form_revision", "R003.r2", "sent"), ("rep_form_revision", "R003.r3", "sent")],
            await conn.QueryAsync<(string, string, string)>(
                "select kind, subject_id, status from reporting.delivery where period = '2026-10-01' and subject_id like 'R003%' order by kind, subject_id"));
        var mails = Directory.GetFiles(f.MailDir, "2026-10_rep_form_revision_R003.r*").Select(p => MimeKit.MimeMessage.Load(p)).ToList();
        Assert.Equal(2, mails.Count);
        Assert.All(mails, m => Assert.Equal("r003@demo.example", m.To.Mailboxes.Single().Address));
        Assert.Equal(2, mails.Select(m => m.MessageId).Distinct().Count());
        Assert.All(mails, m => Assert.Equal("2026-10_R003.pdf", m.Attachments.OfType<MimeKit.MimePart>().Single().FileName));
    }

    [Fact]
    public async Task A_configured_admin_sees_every_team_and_every_rep()
    {
        using var admin = f.Client();
        await f.SignInAsync(admin, "ops@demo.example");
        foreach (var team in new[] { "T01", "T02", "T03" })
            using (var page = await admin.GetAsync($"/app/teams/{team}/{October}")) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var rep = await admin.GetAsync($"/app/reps/R015/{October}")) Assert.Equal(HttpStatusCode.OK, rep.StatusCode);
        var home = await admin.GetStringAsync("/app");
        Assert.Contains("/app/teams/T03/2026-10", home, StringComparison.Ordinal);
    }

    private static readonly System.Text.RegularExpressions.Regex ErrorSpan = new("<span class=\"error\">([^<]*)</span>");

    [Theory]
    [InlineData("R001", "必填", "不是有效的邮箱地址", "早于措施所属月份 2026-10", "晚于完成时间")]
    [InlineData("R008", "必填", "不是有效的信箱地址", "早於措施所屬月份 2026-10", "晚於完成時間")]
    [InlineData("R015", "required", "not an email address", "before the month of the action, 2026-10", "after the due date")]
    public async Task A_refused_action_field_is_explained_in_the_language_of_the_reps_team(string repId, string problem, string email, string due, string checkpoint)
    {
        using var admin = f.Client();
        admin.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.41");
        await f.SignInAsync(admin, "ops@demo.example");
        var page = await admin.GetStringAsync($"/app/reps/{repId}/{October}");
        using var refused = await admin.PostAsync($"/app/reps/{repId}/{October}/actions", new FormUrlEncodedContent(
        [
            new("__af", WorkspaceFixture.Token(page)), new("problem", ""), new("root_cause", "x"), new("cause_category", "people"), new("action", "x"),
            new("owner_name", "x"), new("owner_email", "not-an-address"), new("due_on", "2026-09-30"), new("checkpoint_on", "2026-10-05"),
        ]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Equal([problem, email, due, checkpoint], ErrorSpan.Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));
    }

    [Fact]
    public async Task An_admin_api_key_signs_into_the_workspace_as_admin_until_it_is_revoked_and_a_manager_or_rep_key_does_not()
    {
        var keys = f.App.Services.GetRequiredService<SalesReporting.Worker.Api.ApiKeys>();
        var (adminId, adminKey) = await keys.CreateAsync("ops-laptop", "admin", null, default);
        var (_, managerKey) = await keys.CreateAsync("t01-sync", "manager", "T01", default);
        var (_, repKey) = await keys.CreateAsync("r001-phone", "rep", "R001", default);
        using var client = f.Client();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.42");
        async Task<HttpResponseMessage> PostKeyAsync(string key, bool token = true)
        {
            var page = await client.GetStringAsync("/app");
            return await client.PostAsync("/app/signin/key", new FormUrlEncodedContent(
                token ? [new("__af", WorkspaceFixture.Token(page)), new("key", key)] : [new("key", key)]));
        }
        static bool SetsSession(HttpResponseMessage r) => r.Headers.TryGetValues("Set-Cookie", out var v) && v.Any(c => c.StartsWith("sr_session=", StringComparison.Ordinal));

        using (var noToken = await PostKeyAsync(adminKey, token: false)) Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        foreach (var refusedKey in new[] { managerKey, repKey, "srk_made-up", "" })
        {
            using var refused = await PostKeyAsync(refusedKey);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.False(SetsSession(refused));
            Assert.Contains("这个密钥不能登录工作台（只接受未撤销的管理员密钥）。", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var team = await client.GetAsync($"/app/teams/T01/{October}")) Assert.Equal(HttpStatusCode.Unauthorized, team.StatusCode);

        using (var signedIn = await PostKeyAsync(adminKey))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.Equal("/app", signedIn.Headers.Location!.ToString());
            Assert.True(SetsSession(signedIn));
        }
        foreach (var team in new[] { "T01", "T02", "T03" })
            using (var page = await client.GetAsync($"/app/teams/{team}/{October}")) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var home = await client.GetStringAsync("/app");
        Assert.Contains("ops-laptop", home, StringComparison.Ordinal);
        Assert.Contains("/app/teams/T03/2026-10", home, StringComparison.Ordinal);

        // What the key writes is on record under the key's name, as the API records it.
        var rep = await client.GetStringAsync($"/app/reps/R016/{October}");
        using (var review = await client.PostAsync($"/app/reps/R016/{October}/review",
            new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(rep)), new("held_on", "2026-11-05"), new("notes", "key")])))
            Assert.Equal(HttpStatusCode.Redirect, review.StatusCode);
        await using (var conn = await f.Db.Databases.Reporting.OpenConnectionAsync())
            Assert.Equal($"key {adminId} (ops-laptop)", await conn.ExecuteScalarAsync<string>("select actor from reporting.change_log where rep_id = 'R016' and what = 'one_on_one'"));

        // Revoking the key ends its sessions at the next request.
        Assert.True(await keys.RevokeAsync(adminId, default));
        using (var after = await client.GetAsync($"/app/teams/T03/{October}")) Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        using (var again = await PostKeyAsync(adminKey)) Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task A_session_opened_on_one_serve_process_works_on_a_second_one_and_after_that_one_restarts()
    {
        var jar = new CookieContainer();
        using var first = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = jar }) { BaseAddress = new Uri(f.BaseUrl) };
        first.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.43");
        await f.SignInAsync(first, WorkspaceFixture.Rep);
        string name;
        await using (var crm = await f.Db.Databases.Crm.OpenConnectionAsync())
            name = (await crm.ExecuteScalarAsync<string>("select name from crm.reps where rep_id = 'R001'"))!;
        // A form of the first process: its antiforgery token (and the cookie that goes with it) must be good on the others too.
        var token = WorkspaceFixture.Token(await first.GetStringAsync($"/app/reps/R001/{October}"));
        var cookies = jar.GetCookieHeader(new Uri(f.BaseUrl));
        Assert.Contains("sr_session=", cookies, StringComparison.Ordinal);

        async Task UseSessionAsync(string baseUrl)
        {
            using var other = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/app/reps/R001/{October}");
            request.Headers.Add("Cookie", cookies);
            using var page = await other.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(name, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var notMine = new HttpRequestMessage(HttpMethod.Get, $"/app/reps/R002/{October}");
            notMine.Headers.Add("Cookie", cookies);
            Assert.Equal(HttpStatusCode.NotFound, (await other.SendAsync(notMine)).StatusCode);
            // Signing out (nothing kept on the server; the cookie still opens the next process) is refused with 400 when the token is not good here.
            using var post = new HttpRequestMessage(HttpMethod.Post, "/app/signout") { Content = new FormUrlEncodedContent([new("__af", token)]) };
            post.Headers.Add("Cookie", cookies);
            Assert.Equal(HttpStatusCode.Redirect, (await other.SendAsync(post)).StatusCode);
        }

        var second = WorkspaceFixture.NewBaseUrl();
        var app = f.BuildServe(second);
        try
        {
            await app.StartAsync();
            await UseSessionAsync(second);
            // A restart: the process gone, another started with nothing in memory but the database.
            await app.StopAsync();
            await app.DisposeAsync();
            app = f.BuildServe(second);
            await app.StartAsync();
            await UseSessionAsync(second);
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_emailed_acknowledgement_link_signs_the_rep_in_once_by_its_button_and_opening_it_signs_nobody_in()
    {
        var link = new Uri(f.App.Services.GetRequiredService<SalesReporting.Worker.Api.AcknowledgementLinks>().UrlFor(new(2026, 10), "R002")!).PathAndQuery;
        using var client = f.Client();
        string action, page;
        using (var opened = await client.GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            Assert.False(opened.Headers.TryGetValues("Set-Cookie", out var set) && set.Any(c => c.StartsWith("sr_session=", StringComparison.Ordinal)));
            page = await opened.Content.ReadAsStringAsync();
            action = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "action=\"([^\"]*/signin[?][^\"]*)\"").Groups[1].Value);
        }
        Assert.StartsWith("/ack/2026-10/R002/signin?exp=", action, StringComparison.Ordinal);
        Assert.Contains("在工作台中回复或提出异议", page, StringComparison.Ordinal);
        Assert.Contains("按下按钮即登录工作台（此链接只能登录一次）。", page, StringComparison.Ordinal);
        // Opening the link (as a mail scanner does) signed nobody in.
        using (var team = await client.GetAsync($"/app/reps/R002/{October}")) Assert.Equal(HttpStatusCode.Unauthorized, team.StatusCode);
        using (var noToken = await client.PostAsync(action, new FormUrlEncodedContent([]))) Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        // Another rep's page with this link's signature: refused.
        using (var forged = await client.PostAsync(action.Replace("/R002/", "/R003/", StringComparison.Ordinal), new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page))])))
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        using (var signedIn = await client.PostAsync(action, new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(page))])))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.Equal($"/app/reps/R002/{October}", signedIn.Headers.Location!.ToString());
        }
        using (var mine = await client.GetAsync($"/app/reps/R002/{October}")) Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        using (var other = await client.GetAsync($"/app/reps/R003/{October}")) Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        // The link signs in once; a second browser is sent to sign in with its address.
        using var second = f.Client();
        var again = await second.GetStringAsync(link);
        using var used = await second.PostAsync(action, new FormUrlEncodedContent([new("__af", WorkspaceFixture.Token(again))]));
        Assert.Equal(HttpStatusCode.Gone, used.StatusCode);
        Assert.Contains("此链接已经登录过一次。请在工作台用您的工作邮箱登录：", await used.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var nobody = await second.GetAsync($"/app/reps/R002/{October}")) Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
    }
}
