using System.Net;
using System.Text.RegularExpressions;
using Dapper;

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
