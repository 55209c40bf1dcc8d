using Dapper;
using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data.Sources;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Pipeline;

/// <summary>
/// Source rows that cannot be true (won before the proposal, a lead qualified or converted before it was created, an invoice
/// due before it was issued, a payment before its invoice, a visit of 2,147,483,647 minutes, a date in 1900 or 2999, a
/// manager address that is none) are quarantined at sync with their reason, like every other bad row, and never reach the
/// figures. The bounds are 2000-01-01 to a year from today in company time, and 24 hours for an activity (docs/input.md).
/// </summary>
public sealed class SyncPlausibilityTests : IAsyncLifetime
{
    // Today is 2026-11-29 in Shanghai: the latest plausible date is 2027-11-29.
    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.FromHours(8)));
    private const string Range = " not between 2000-01-01 and a year from today (company time)";
    private TestDatabase db = null!;

    public async Task InitializeAsync()
    {
        db = await TestDatabase.CreateAsync("sr_plausible");
        // The builder checks only that each instant and date is well formed; these are, and implausible.
        await new Seed(db.Databases)
            .Team("T1", "一组", "华东", "王经理", "wang@x.example", "zh-CN")
            .Team("T2", "二组", "华东", "李经理", "not-an-email", "zh-CN")
            .Rep("R1", "T1", "甲", "r1@x.example")
            .Activity("A1", "R1", "C1", "visit", "2026-10-05 10:00+08", 1440, subject: "a whole day: plausible")
            .Activity("A2", "R1", "C1", "visit", "2026-10-05 10:00+08", 2147483647, subject: "int max minutes")
            .Activity("A3", "R1", "C1", "call", "1900-01-01 10:00+08", 10, subject: "Excel's day zero")
            .Activity("A4", "R1", "C1", "call", "2999-12-31 10:00+08", 10, subject: "a placeholder date")
            .Activity("A5", "R1", "C1", "call", "2027-11-29 23:59+08", 10, subject: "the last plausible minute")
            .Activity("A6", "R1", "C1", "call", "2027-11-30 00:00+08", 10, subject: "a minute too far")
            .Opportunity("O1", "R1", "C1", 1000, "2026-10-01 10:00+08", "2026-10-20 10:00+08")
            .Opportunity("O2", "R1", "C1", 1000, "2026-10-20 10:00+08", "2026-10-01 10:00+08")
            .Lead("L1", "R1", "2026-10-01 10:00+08", "2026-10-05 10:00+08", "2026-10-10 10:00+08", customer: "C1")
            .Lead("L2", "R1", "2026-10-05 10:00+08", "2026-10-05 09:59+08", null, customer: "C1")
            .Lead("L3", "R1", "2026-10-05 10:00+08", null, "2026-10-01 10:00+08", customer: "C1")
            .Lead("L4", "R1", "2026-10-05 10:00+08", "2026-10-05 10:00+08", "2026-10-05 10:00+08", customer: "C1")
            .Invoice("I1", "C1", "R1", "2026-10-02", "2026-11-01", 1000, 600)
            .Invoice("I2", "C1", "R1", "1900-01-01", "2026-11-01", 1000, 600)
            .Invoice("I3", "C1", "R1", "2026-10-02", "2999-12-31", 1000, 600)
            .Invoice("I4", "C1", "R1", "2026-10-10", "2026-10-09", 1000, 600)
            .Invoice("I5", "C1", "R1", "2026-10-10", "2026-10-10", 1000, 600)
            // P3 is paid before its invoice was issued: a prepayment (先款后票), which is common and kept.
            .Payment("P1", "I1", "2026-10-20", 500).Payment("P2", "I1", "1999-12-31", 10).Payment("P3", "I1", "2026-10-01", 10)
            .Payment("P4", "I1", "2026-10-02", 10).Payment("P5", "I4", "2026-10-01", 10)
            .WriteAsync();
    }

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Fact]
    public async Task Implausible_source_rows_are_quarantined_with_their_reason_and_change_no_figure()
    {
        using var host = db.BuildHost(new Dictionary<string, string?> { ["Mail:PickupDirectory"] = Path.GetTempPath(), ["Company:TimeZone"] = "Asia/Shanghai" }, Clock);
        var result = await host.Services.GetRequiredService<SourceSync>().RunAsync(default);

        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(
        [
            ("crm.activities", "A2", "duration over 24 hours (more than 1440 minutes)"),
            ("crm.activities", "A3", "occurred_at" + Range),
            ("crm.activities", "A4", "occurred_at" + Range),
            ("crm.activities", "A6", "occurred_at" + Range),
            ("crm.leads", "L2", "qualified before it was created (qualified_at before created_at)"),
            ("crm.leads", "L3", "converted before it was created (converted_at before created_at)"),
            ("crm.opportunities", "O2", "won before its proposal (won_at before proposal_at)"),
            ("crm.teams", "T2", "manager_email is not an email address"),
            ("finance.invoices", "I2", "issued_on" + Range),
            ("finance.invoices", "I3", "due_on" + Range),
            ("finance.invoices", "I4", "due before it was issued (due_on before issued_on)"),
            ("finance.payments", "P2", "received_on" + Range),
            ("finance.payments", "P5", "payment for unknown invoice"), // its invoice was quarantined
        ], await conn.QueryAsync<(string, string, string)>("select source, source_key, reason from staging.quarantine order by source, source_key collate \"C\""));
        Assert.Equal(13, result.Quarantined);
        Assert.Equal(["A1", "A5"], await conn.QueryAsync<string>("select activity_id from staging.activities order by 1"));
        Assert.Equal(1440, await conn.ExecuteScalarAsync<int>("select duration_minutes from staging.activities where activity_id = 'A1'"));
        Assert.Equal(["O1"], await conn.QueryAsync<string>("select opportunity_id from staging.opportunities"));
        Assert.Equal(["T1"], await conn.QueryAsync<string>("select team_id from staging.teams"));
        Assert.Equal(["I1", "I5"], await conn.QueryAsync<string>("select invoice_id from staging.invoices order by 1"));
        Assert.Equal(["P1", "P3", "P4"], await conn.QueryAsync<string>("select payment_id from staging.payments order by 1"));
        Assert.Equal(["L1", "L4"], await conn.QueryAsync<string>("select lead_id from staging.leads order by 1"));
        // The raw row is kept as the source sent it, for whoever fixes it there.
        Assert.Equal("2147483647", await conn.ExecuteScalarAsync<string>("select raw->>'duration_minutes' from staging.quarantine where source_key = 'A2'"));
    }
}
