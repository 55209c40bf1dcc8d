using System.Net;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Api;

namespace SalesReporting.Tests.Loop;

/// <summary>The signed acknowledgement link of the month-end email (反饋與確認), through the worker's web app.</summary>
public sealed class AcknowledgementTests : IAsyncLifetime
{
    private TestDatabase db = null!;
    private WebApplication app = null!;
    private HttpClient client = null!;
    private readonly FixedClock clock = new(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero));
    private static readonly Period October = new(2026, 10);

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_loop_ack");
        await LoopSetup.SeedAsync(db);
        app = await LoopSetup.StartWebAsync(db, clock);
        client = app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
        await db.DisposeAsync();
    }

    private string Link(string rep) => app.Services.GetRequiredService<AcknowledgementLinks>().UrlFor(October, rep)!;

    /// <summary>Opening the link (what a mail scanner does too): records nothing.</summary>
    private async Task<(HttpStatusCode, string)> Open(string url)
    {
        var response = await client.GetAsync(new Uri(url).PathAndQuery);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Pressing the page's confirm button: a POST to the same signed address.</summary>
    private async Task<(HttpStatusCode, string)> Confirm(string url)
    {
        var response = await client.PostAsync(new Uri(url).PathAndQuery, null);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<List<(string, DateTime)>> Acknowledgements()
    {
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        return (await conn.QueryAsync<(string, DateTime)>("select rep_id, acknowledged_at from reporting.acknowledgement order by rep_id")).ToList();
    }

    [Fact]
    public async Task A_good_link_records_the_confirmation_once_and_answers_in_the_teams_locale()
    {
        var link = Link("R3");
        Assert.StartsWith("https://reports.example.com/ack/2026-10/R3?exp=", link, StringComparison.Ordinal);
        // Opening the link asks; it records nothing, so a mail scanner following every link confirms nothing.
        var (asked, question) = await Open(link);
        Assert.Equal(HttpStatusCode.OK, asked);
        Assert.Contains("請確認您已收到 2026-10 的業績跟蹤與反饋表", question, StringComparison.Ordinal);
        Assert.Contains($"<form method=\"post\" action=\"{System.Net.WebUtility.HtmlEncode(new Uri(link).PathAndQuery)}\">", question, StringComparison.Ordinal);
        Assert.Empty(await Acknowledgements());

        var (status, page) = await Confirm(link);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("已確認收到 2026-10 的業績跟蹤與反饋表", page, StringComparison.Ordinal);
        var first = Assert.Single(await Acknowledgements());
        Assert.Equal("R3", first.Item1);

        // Confirming or opening it again keeps the first confirmation time, and says so.
        Assert.Equal(HttpStatusCode.OK, (await Confirm(link)).Item1);
        Assert.Contains("已確認收到", (await Open(link)).Item2, StringComparison.Ordinal);
        Assert.Equal([first], await Acknowledgements());

        var form = (await app.Services.GetRequiredService<SalesReporting.Reports.Forms.FormQuery>().LoadAsync(October, ["R3"], default)).Single();
        Assert.Equal(new DateTimeOffset(DateTime.SpecifyKind(first.Item2, DateTimeKind.Utc)), form.AcknowledgedAt);
    }

    [Fact]
    public async Task A_forged_altered_other_rep_or_expired_link_is_refused_and_records_nothing()
    {
        var good = Link("R1");
        var sig = good[(good.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var exp = good[(good.IndexOf("exp=", StringComparison.Ordinal) + 4)..good.IndexOf("&sig", StringComparison.Ordinal)];

        // R1's signature used for R2 (a forwarded link edited), for another month, with a later expiry, or made up.
        Assert.Equal(HttpStatusCode.Forbidden, (await Open(good.Replace("/R1?", "/R2?", StringComparison.Ordinal))).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Open(good.Replace("/2026-10/", "/2026-09/", StringComparison.Ordinal))).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Open(good.Replace("exp=" + exp, "exp=" + (long.Parse(exp, System.Globalization.CultureInfo.InvariantCulture) + 86400), StringComparison.Ordinal))).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Open(good.Replace(sig, new string('A', sig.Length), StringComparison.Ordinal))).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Open(good.Replace(sig, "%%%", StringComparison.Ordinal))).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Open(good[..good.IndexOf("&sig", StringComparison.Ordinal)])).Item1);
        Assert.Equal(HttpStatusCode.Forbidden, (await Confirm(good.Replace("/R1?", "/R2?", StringComparison.Ordinal))).Item1);
        // Signed with another secret.
        var other = new AcknowledgementLinks(Options.Create(new AcknowledgementOptions
        {
            Secret = "another-secret-0123456789-abcdefghijkl", PublicBaseUrl = "https://reports.example.com",
        }), clock).UrlFor(October, "R1")!;
        Assert.Equal(HttpStatusCode.Forbidden, (await Open(other)).Item1);

        // Thirty days later the genuine link has expired.
        clock.Now = clock.Now.AddDays(30).AddSeconds(1);
        var (status, page) = await Open(good);
        Assert.Equal(HttpStatusCode.Gone, status);
        Assert.Contains("此确认链接已过期", page, StringComparison.Ordinal);
        Assert.Empty(await Acknowledgements());

        Assert.Equal(HttpStatusCode.Gone, (await Confirm(good)).Item1);
        Assert.Empty(await Acknowledgements());

        clock.Now = clock.Now.AddDays(-1);
        Assert.Equal(HttpStatusCode.OK, (await Confirm(good)).Item1);
        Assert.Equal(["R1"], (await Acknowledgements()).Select(a => a.Item1));
    }

    [Fact]
    public async Task Serving_without_the_link_secret_refuses_to_start_with_a_message_naming_the_key()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => LoopSetup.StartWebAsync(db, clock,
            new Dictionary<string, string?> { ["Acknowledgement:Secret"] = "" }));
        Assert.Contains("Acknowledgement:Secret is not set", ex.Message, StringComparison.Ordinal);
        var shortSecret = await Assert.ThrowsAsync<OptionsValidationException>(() => LoopSetup.StartWebAsync(db, clock,
            new Dictionary<string, string?> { ["Acknowledgement:Secret"] = "short" }));
        Assert.DoesNotContain("short", shortSecret.Message.Replace("shorter", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
