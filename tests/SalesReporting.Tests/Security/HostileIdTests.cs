using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Data.Sources;
using SalesReporting.Reports.Delivery;
using SalesReporting.Tests.Infrastructure;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Tests.Security;

/// <summary>An id from the CRM reaches file names (the PDF kept, the .eml written): it can never take a file out of its folder.</summary>
public sealed class HostileIdTests : IAsyncLifetime
{
    private const string Escaping = "../../../tmp/x/escaped";
    private TestDatabase db = null!;
    private readonly string root = Directory.CreateTempSubdirectory("sr-hostile-").FullName;
    private string Forms => Path.Combine(root, "out", "forms");
    private string Mail => Path.Combine(root, "out", "mail");

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_hostile");
        // The builder checks only that an id is not empty: hostile ids are written as given, as parameters.
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Team("../../team", "二组", "华东", "李经理", "li@x.example", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example")
            .Rep(Escaping, "T1", "乙", "r2@x.example")
            .Rep(".hidden", "T1", "丙", "r3@x.example")
            .Rep("R 4", "T1", "丁", "r4@x.example")
            .WriteAsync();
    }

    public async Task DisposeAsync()
    {
        await db.DisposeAsync();
        Directory.Delete(root, true);
    }

    [Fact]
    public async Task Ids_that_are_not_plain_identifiers_are_quarantined_at_sync_with_the_reason()
    {
        using var host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Mail });
        var result = await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(
        [
            ("crm.reps", Escaping, FileNames.PlainIdReason),
            ("crm.reps", ".hidden", FileNames.PlainIdReason),
            ("crm.reps", "R 4", FileNames.PlainIdReason),
            ("crm.teams", "../../team", FileNames.PlainIdReason),
        ], await conn.QueryAsync<(string, string, string)>("select source, source_key, reason from staging.quarantine order by source, source_key collate \"C\""));
        Assert.Equal(["R1"], await conn.QueryAsync<string>("select rep_id from staging.reps"));
        Assert.Equal(4, result.Quarantined);
    }

    [Fact]
    public async Task A_hostile_id_staged_before_the_rule_still_writes_its_form_and_mail_inside_their_folders()
    {
        using var host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Mail, ["Forms:OutputDirectory"] = Forms },
            new FixedClock(new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.FromHours(8))));
        await host.Services.GetRequiredService<SourceSync>().RunAsync(default);
        // As a database synced by an earlier version holds it: the rep staged as the CRM sent it.
        await Seed.Staging(db.Databases).Rep(Escaping, "T1", "乙", "r2@x.example").WriteAsync();

        var result = await host.Services.GetRequiredService<MonthEndJob>().RunInProcessAsync(new Period(2026, 10), false, null, default);

        Assert.All(result.Deliveries, d => Assert.Equal(DeliveryOutcome.Sent, d.Outcome));
        Assert.Equal(["2026-10_R1.pdf", "2026-10__._.._.._tmp_x_escaped.pdf", "2026-10_team_T1.pdf"],
            Directory.GetFiles(Forms).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("2026-10_rep_form__._.._.._tmp_x_escaped_r2@x.example.eml", Directory.GetFiles(Mail).Select(Path.GetFileName));
        // Nothing anywhere else under the test's folder: every file is a direct child of one of the two folders.
        Assert.All(Directory.GetFiles(root, "*", SearchOption.AllDirectories),
            f => Assert.Contains(Path.GetDirectoryName(f), new[] { Forms, Mail }));
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(Forms, "2026-10_" + Escaping + ".pdf"))));
        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(Mail, "2026-10_rep_form_" + Escaping + "_r2@x.example.eml"))));
    }

    [Theory]
    [InlineData("..", "_.")]
    [InlineData("../a", "_._a")]
    [InlineData(".env", "_env")]
    [InlineData("R001", "R001")]
    [InlineData("张三/1", "___1")]
    [InlineData("", "_")]
    public void A_file_name_part_keeps_plain_characters_only(string value, string expected) => Assert.Equal(expected, FileNames.Part(value));

    [Fact]
    public void A_name_that_would_leave_its_folder_is_refused()
    {
        Assert.Equal(Path.Combine(root, "a.pdf"), FileNames.Within(root, "a.pdf"));
        var ex = Assert.Throws<InvalidOperationException>(() => FileNames.Within(root, "../a.pdf"));
        Assert.Equal($"File name '../a.pdf' would leave the folder {root}; refused.", ex.Message);
        Assert.Throws<InvalidOperationException>(() => FileNames.Within(root, "sub/a.pdf"));
    }
}
