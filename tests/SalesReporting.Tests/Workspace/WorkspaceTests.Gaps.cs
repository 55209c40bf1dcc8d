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
        Assert.Equal(samples - 2, cells.Count(c => c == "未核实"));

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
