using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;
using SalesReporting.Data;

namespace SalesReporting.Demo;

/// <summary>
/// The demo organisation: three teams (one per locale), 21 reps, 13 months of CRM and finance rows
/// ending 2026-10, generated from a fixed seed, so every run produces the same rows. Rep R001 (李明)
/// reproduces the example of the form the teams use today exactly for 2026-10.
/// </summary>
public sealed class DemoOrganisation
{
    public const string ExampleRepId = "R001";
    public static readonly Period LastPeriod = new(2026, 10);
    public const int Months = 13;

    private static readonly TimeSpan Offset = TimeSpan.FromHours(8); // Asia/Shanghai has no DST.
    private readonly Random rng = new(20261031);
    private readonly DemoRows rows = new();
    private readonly List<(string Rep, Period Period, string Indicator, decimal Target)> targets = [];
    private int seq;
    private readonly Dictionary<(string Rep, DateOnly Day), TimeOnly> visitFree = [];

    private sealed record Team(string Id, string Name, string Region, string Manager, string ManagerEmail, string Locale);
    private sealed record Rep(string Id, Team Team, string Name, DateOnly HireDate, decimal Scale);

    private static readonly Team[] Teams =
    [
        new("T01", "华东区域销售一组", "华东", "王建国", "wang.jianguo@demo.example", "zh-CN"),
        new("T02", "台北業務二組", "台灣", "林美玲", "lin.meiling@demo.example", "zh-TW"),
        new("T03", "Greater Bay Key Accounts", "华南", "陈志强", "chen.zhiqiang@demo.example", "en"),
    ];

    private static readonly string[] RepNames =
    [
        "李明", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽",
        "周杰", "吴敏", "徐涛", "孙悦", "马超", "朱琳", "胡斌",
        "郭峰", "何萍", "高翔", "林晨", "罗娟", "梁浩", "宋佳",
    ];

    private static readonly string[] Industries = ["制造业", "零售业", "科技业", "医药", "物流", "金融", "能源", "教育"];
    private static readonly string[] NameHeads = ["华信", "恒达", "金源", "瑞丰", "中科", "远航", "宏图", "永泰", "鼎盛", "海纳", "天合", "星辰", "博远", "新锐", "同创", "汇通"];
    private static readonly string[] NameTails = ["精密", "商贸", "智能", "医疗", "供应链", "资本", "能源", "教育", "电子", "材料"];

    /// <param name="replaceExisting">replace the source tables even when they hold rows the demo did not write (--replace-existing)</param>
    public static async Task<DemoSummary> GenerateAsync(Databases db, string outputDirectory, CancellationToken ct, bool replaceExisting = false)
    {
        var demo = new DemoOrganisation();
        demo.Build();
        await demo.WriteSourcesAsync(db, replaceExisting, ct);
        Directory.CreateDirectory(outputDirectory);
        var targetsFile = Path.Combine(outputDirectory, "targets.csv");
        await File.WriteAllTextAsync(targetsFile, demo.TargetsCsv(), new UTF8Encoding(false), ct);
        await WriteExampleActionsAsync(db, ct);
        return new DemoSummary(Teams.Length, RepNames.Length, demo.rows.Total, targetsFile);
    }

    private string Id(string prefix) => $"{prefix}{++seq:D6}";
    private decimal Money(double yuan) => Math.Round((decimal)yuan, 0);
    private double Normal(double mean, double sd) =>
        mean + sd * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
    private static DateTime Local(DateOnly day, int hour, int minute) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), Offset).UtcDateTime;
    private DateOnly DayIn(Period p, int from = 1, int? to = null) =>
        new(p.Year, p.Month, rng.Next(from, (to ?? p.End.Day) + 1));

    private void Build()
    {
        var first = LastPeriod.Add(-(Months - 1));
        var reps = new List<Rep>();
        for (var i = 0; i < RepNames.Length; i++)
        {
            var team = Teams[i / 7];
            var hire = i switch
            {
                0 => new DateOnly(2023, 3, 6),
                5 or 12 => new DateOnly(2026, i == 5 ? 6 : 8, 3),   // new hires: within 180 days of 2026-10-31
                _ => new DateOnly(2019 + rng.Next(0, 6), rng.Next(1, 13), 1),
            };
            reps.Add(new Rep($"R{i + 1:D3}", team, RepNames[i], hire, (decimal)(0.8 + rng.NextDouble() * 0.6)));
        }
        foreach (var t in Teams)
            rows.Teams.Add([t.Id, t.Name, t.Region, t.Manager, t.ManagerEmail, t.Locale]);
        foreach (var r in reps)
            rows.Reps.Add([r.Id, r.Team.Id, r.Name, $"{r.Id.ToLowerInvariant()}@demo.example", r.HireDate, true]);

        foreach (var rep in reps)
        {
            var customers = new List<(string Id, string Name, string Industry, bool Key)>();
            for (var c = 0; c < 14; c++)
            {
                var industry = Industries[rng.Next(Industries.Length)];
                var name = NameHeads[rng.Next(NameHeads.Length)] + NameTails[rng.Next(NameTails.Length)] + (c % 3 == 0 ? "集团" : "有限公司");
                var id = Id("C");
                var key = c < 4;
                var end = key ? LastPeriod.End.AddDays(rng.Next(-30, 400)) : (DateOnly?)null;
                customers.Add((id, name, industry, key));
                rows.Customers.Add([id, name, industry, key ? "key" : "standard", rep.Id, end]);
                // Their first win lies before the demo window, so later wins are not new customers. The proposal comes first
                // (a win before its proposal is quarantined at sync); the same draws as ever, in order.
                var (opportunityId, amount) = (Id("O"), Money(rng.Next(20, 80) * 1000));
                var (m1, m2) = (rng.Next(1, 13), rng.Next(1, 13));
                rows.Opportunities.Add([opportunityId, rep.Id, id, amount, "won",
                    Local(new DateOnly(2024, Math.Min(m1, m2), 10), 10, 0), Local(new DateOnly(2024, Math.Max(m1, m2), 20), 15, 0), false]);
            }
            if (rep.Id == ExampleRepId) AddExampleCustomers(rep, customers);

            for (var m = 0; m < Months; m++)
            {
                var p = first.Add(m);
                if (p.CompareTo(Period.FromDate(rep.HireDate)) < 0) continue;
                var example = rep.Id == ExampleRepId && p == LastPeriod;
                var t = MonthTargets(rep, p, example);
                foreach (var (code, value) in t) targets.Add((rep.Id, p, code, value));
                if (example) { BuildExampleMonth(rep, p, customers); continue; }
                var ramp = Math.Min(1.0, (p.Start.DayNumber - rep.HireDate.DayNumber) / 150.0 + 0.3);
                BuildMonth(rep, p, customers, t, ramp, rep.Id == ExampleRepId && p == LastPeriod.Previous);
            }
        }
    }

    private Dictionary<string, decimal> MonthTargets(Rep rep, Period p, bool example)
    {
        if (example)
            return new()
            {
                ["revenue"] = 100, ["collection_rate"] = 90, ["new_customers"] = 15, ["visits"] = 120,
                ["lead_conversion"] = 25, ["proposals"] = 30, ["avg_order_value"] = 6, ["gross_margin"] = 30,
                ["effective_visits"] = 70, ["negotiation_cycle"] = 30, ["customer_satisfaction"] = 4.5m,
            };
        var s = rep.Scale;
        var newHire = (p.Start.DayNumber - rep.HireDate.DayNumber) < 180;
        var f = newHire ? 0.6m : 1m;
        return new()
        {
            ["revenue"] = Math.Round(100 * s * f / 5, 0) * 5,
            ["collection_rate"] = 90,
            ["new_customers"] = Math.Round(12 * s * f),
            ["visits"] = Math.Round(110 * f / 10, 0) * 10,
            ["lead_conversion"] = 25,
            ["proposals"] = Math.Round(30 * f),
            ["avg_order_value"] = 6,
            ["gross_margin"] = 30,
            ["effective_visits"] = Math.Round(70 * f),
            ["negotiation_cycle"] = 30,
            ["customer_satisfaction"] = 4.5m,
        };
    }

    private void BuildMonth(Rep rep, Period p, List<(string Id, string Name, string Industry, bool Key)> customers,
        Dictionary<string, decimal> t, double ramp, bool exampleSeptember)
    {
        var perf = Math.Clamp(Normal(0.95, 0.15) * ramp, 0.3, 1.5);
        // Wins first: each is invoiced in the weeks after the win (as finance does), so the authenticity
        // check "won without an invoice within 60 days" finds nothing on honest demo data.
        var won = new List<(string Opportunity, string Customer, decimal Amount, DateOnly On)>();
        var wins = Math.Max(0, (int)Math.Round((double)t["new_customers"] * perf + Normal(0, 1.5)));
        for (var i = 0; i < wins; i++)
        {
            var id = Id("C");
            var industry = Industries[rng.Next(Industries.Length)];
            customers.Add((id, NameHeads[rng.Next(NameHeads.Length)] + NameTails[rng.Next(NameTails.Length)] + "有限公司", industry, false));
            rows.Customers.Add([id, customers[^1].Name, industry, "standard", rep.Id, null]);
            var on = DayIn(p);
            var proposal = on.AddDays(-rng.Next(10, 50));
            var opportunity = Id("O");
            var amount = Money(rng.Next(30, 90) * 1000);
            rows.Opportunities.Add([opportunity, rep.Id, id, amount, "won", Local(proposal, 10, 0), Local(on, 16, 0), false]);
            won.Add((opportunity, id, amount, on));
        }
        for (var i = 0; i < rng.Next(1, 4); i++)
        {
            var c = customers[rng.Next(customers.Count)];
            var on = DayIn(p);
            var opportunity = Id("O");
            var amount = Money(rng.Next(30, 120) * 1000);
            rows.Opportunities.Add([opportunity, rep.Id, c.Id, amount, "won", Local(on.AddDays(-rng.Next(5, 40)), 10, 0), Local(on, 16, 0), rng.Next(3) == 0]);
            won.Add((opportunity, c.Id, amount, on));
        }
        // The example rep's September is invoiced by hand below (it sets October's collection rate).
        decimal invoicedForWins = 0;
        if (!exampleSeptember)
            foreach (var w in won)
            {
                // Issued within the month of the win, like the month's other invoices (due 30 days later).
                var issued = DateOnly.FromDayNumber(Math.Min(w.On.AddDays(rng.Next(0, 21)).DayNumber, p.End.DayNumber));
                AddInvoice(rep, w.Customer, issued, issued.AddDays(30), w.Amount, PaidShare(), w.Opportunity);
                invoicedForWins += w.Amount;
            }

        // Revenue: invoices issued this month; due 30 days later. The example rep's September is fixed
        // (96.6 万元, all due in October) so October's MoM and collection rate match the template.
        var revenue = exampleSeptember ? 966_000m : Math.Max(Money((double)t["revenue"] * 10_000 * perf) - invoicedForWins, 50_000m);
        var invoices = exampleSeptember ? 6 : rng.Next(4, 9);
        var left = revenue;
        for (var i = 0; i < invoices; i++)
        {
            decimal[] september = [241_500, 200_000, 180_000, 150_000, 110_000, 84_500];
            var amount = exampleSeptember ? september[i]
                : i == invoices - 1 ? left : Money((double)revenue / invoices * (0.6 + rng.NextDouble() * 0.8));
            amount = Math.Min(amount, left);
            left -= amount;
            if (amount <= 0) continue;
            var customer = customers[rng.Next(customers.Count)];
            if (exampleSeptember) customer = customers[i switch { 0 => 1, _ => 3 + i }];
            var issued = exampleSeptember ? DayIn(p, 2, 28) : DayIn(p);
            AddInvoice(rep, customer.Id, issued, issued.AddDays(30), amount, exampleSeptember ? (i == 0 ? 0 : 1) : PaidShare());
        }
        rows.Opportunities.Add([Id("O"), rep.Id, customers[rng.Next(customers.Count)].Id, Money(rng.Next(50, 300) * 1000), "open", Local(DayIn(p), 11, 0), null, false]);

        AddActivities(rep, p, customers, "visit", (int)Math.Round((double)t["visits"] * Math.Clamp(perf + 0.05, 0.4, 1.3)));
        AddActivities(rep, p, customers, "proposal", (int)Math.Round((double)t["proposals"] * Math.Clamp(perf, 0.4, 1.3)));
        AddActivities(rep, p, customers, "call", rng.Next(20, 40));
        AddLeads(rep, p, rng.Next(60, 110), Math.Clamp(Normal(0.22, 0.04) * ramp, 0.05, 0.4));
        for (var i = 0; i < rng.Next(2, 6); i++)
            rows.Surveys.Add([Id("S"), customers[rng.Next(customers.Count)].Id, rep.Id, Math.Clamp((int)Math.Round(Normal(4.2, 0.6)), 1, 5), Local(DayIn(p), 14, 0)]);
    }

    private double PaidShare() => rng.NextDouble() switch { < 0.75 => 1, < 0.88 => 0.5, _ => 0 };

    private void AddInvoice(Rep rep, string customer, DateOnly issued, DateOnly due, decimal amount, double paidShare, string? opportunity = null)
    {
        var id = Id("I");
        rows.Invoices.Add([id, customer, rep.Id, opportunity, issued, due, amount, Math.Round(amount * (decimal)(0.6 + rng.NextDouble() * 0.15), 2), "issued"]);
        if (paidShare <= 0) return;
        var paid = Math.Round(amount * (decimal)paidShare, 2);
        rows.Payments.Add([Id("P"), id, due.AddDays(rng.Next(-20, 1)), paid]);
    }

    private void AddActivities(Rep rep, Period p, List<(string Id, string Name, string Industry, bool Key)> customers, string kind, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var c = customers[rng.Next(customers.Count)];
            var effective = rng.NextDouble() < 0.65;
            var minutes = kind == "visit" ? (effective ? rng.Next(15, 90) : rng.Next(3, 30)) : rng.Next(10, 60);
            var at = kind == "visit" ? VisitSlot(rep.Id, p, minutes) : Local(DayIn(p), rng.Next(9, 18), rng.Next(0, 60));
            rows.Activities.Add([Id("A"), rep.Id, c.Id, kind, at, minutes,
                effective, effective || rng.NextDouble() < 0.3,
                kind switch { "visit" => "客户拜访", "proposal" => "提交方案", _ => "电话跟进" }, null, null]);
        }
    }

    /// <summary>A start time for a visit of the rep that overlaps none of their other visits: one after
    /// another through the working day (09:00–19:00), with travel time between.</summary>
    private DateTime VisitSlot(string rep, Period p, int minutes)
    {
        for (var attempt = 0; ; attempt++)
        {
            var day = DayIn(p);
            var free = visitFree.TryGetValue((rep, day), out var f) ? f : new TimeOnly(9, 0);
            var start = free.AddMinutes(rng.Next(10, 45));
            if (start.AddMinutes(minutes) <= new TimeOnly(19, 0) && start > free || attempt > 50)
            {
                visitFree[(rep, day)] = start.AddMinutes(minutes);
                return Local(day, start.Hour, start.Minute);
            }
        }
    }

    private void AddLeads(Rep rep, Period p, int qualified, double conversion)
    {
        var converted = (int)Math.Round(qualified * conversion);
        for (var i = 0; i < qualified; i++)
        {
            var q = DayIn(p, 1, Math.Min(25, p.End.Day));
            // Converted within the month it qualified in, so each month's rate is its own.
            var conv = i < converted ? Local(DayIn(p, q.Day), 15, 0) : (DateTime?)null;
            rows.Leads.Add([Id("L"), rep.Id, null, Local(q.AddDays(-rng.Next(1, 20)), 9, 0), Local(q, 10, 0), conv]);
        }
    }

    private void AddExampleCustomers(Rep rep, List<(string Id, string Name, string Industry, bool Key)> customers)
    {
        // The three customers of the template's key-action record, as customers 0..2 of the example rep.
        (string, string, string, bool)[] abc = [("CA", "客户A", "制造业", true), ("CB", "客户B", "零售业", true), ("CC", "客户C", "科技业", false)];
        for (var i = 0; i < abc.Length; i++)
        {
            var (id, name, industry, key) = abc[i];
            customers.Insert(i, (id, name, industry, key));
            rows.Customers.Add([id, name, industry, key ? "key" : "standard", rep.Id, key ? new DateOnly(2027, 3, 31) : null]);
            if (id != "CC")
                rows.Opportunities.Add([Id("O"), rep.Id, id, 80_000m, "won", Local(new DateOnly(2024, 5, 6), 10, 0), Local(new DateOnly(2024, 6, 18), 15, 0), false]);
        }
    }

    /// <summary>October 2026 of the example rep: 85 / 75% / 12 / 100 / 18% / 25 against 100 / 90 / 15 / 120 / 25 / 30.</summary>
    private void BuildExampleMonth(Rep rep, Period p, List<(string Id, string Name, string Industry, bool Key)> customers)
    {
        // Revenue 85 万元 issued in October, including customer A's 5 万元 framework contract of Oct 15.
        AddInvoice(rep, "CA", new DateOnly(2026, 10, 15), new DateOnly(2026, 11, 14), 50_000m, 1);
        decimal[] amounts = [180_000, 160_000, 140_000, 120_000, 110_000, 90_000];
        for (var i = 0; i < amounts.Length; i++)
            AddInvoice(rep, customers[3 + i].Id, new DateOnly(2026, 10, 3 + i * 4), new DateOnly(2026, 11, 3 + i * 4), amounts[i], 1);
        // Collection 75%: September's invoices (966,000 due in October) — customer B's 241,500 is unpaid.
        // Those rows were written by BuildMonth for September; the payment shortfall is arranged there.

        // New customers: 12 first wins in October.
        for (var i = 0; i < 12; i++)
        {
            var id = $"CN{i + 1:D2}";
            rows.Customers.Add([id, NameHeads[i] + NameTails[i % NameTails.Length] + "有限公司", Industries[i % Industries.Length], "standard", rep.Id, null]);
            var won = new DateOnly(2026, 10, 2 + i * 2);
            rows.Opportunities.Add([Id("O"), rep.Id, id, 60_000m, "won", Local(won.AddDays(-28), 10, 0), Local(won, 16, 0), false]);
        }
        // Customer C: a new prospect, no win yet, an open opportunity of the 30 万元 budget.
        rows.Opportunities.Add([Id("O"), rep.Id, "CC", 300_000m, "open", null, null, false]);

        // 100 visits, 25 proposals; the template's three key actions among them.
        rows.Activities.Add([Id("A"), rep.Id, "CA", "contract", Local(new DateOnly(2026, 10, 15), 10, 30), 60, true, true,
            "签订年度框架合同", "合同金额5万元，待交付", "协调生产部门优先排产"]);
        rows.Activities.Add([Id("A"), rep.Id, "CB", "proposal", Local(new DateOnly(2026, 10, 20), 14, 0), 90, true, true,
            "第二轮方案沟通", "客户反馈价格偏高，需优化报价", "提供成本拆解数据，申请总部折扣"]);
        visitFree[(rep.Id, new DateOnly(2026, 10, 25))] = new TimeOnly(10, 45);
        rows.Activities.Add([Id("A"), rep.Id, "CC", "visit", Local(new DateOnly(2026, 10, 25), 9, 30), 75, true, true,
            "首次拜访，需求调研", "明确采购预算30万元，决策周期1个月", "安排技术部参与产品演示"]);
        AddActivities(rep, p, customers.Skip(3).ToList(), "visit", 99);
        AddActivities(rep, p, customers.Skip(3).ToList(), "proposal", 24);
        AddActivities(rep, p, customers.Skip(3).ToList(), "call", 30);
        // Lead conversion 18%: 100 leads qualified in October, 18 of them converted.
        for (var i = 0; i < 100; i++)
        {
            var q = new DateOnly(2026, 10, 1 + i % 25);
            rows.Leads.Add([Id("L"), rep.Id, null, Local(q.AddDays(-5), 9, 0), Local(q, 10, 0), i < 18 ? Local(q.AddDays(3), 15, 0) : null]);
        }
        for (var i = 0; i < 4; i++)
            rows.Surveys.Add([Id("S"), customers[3 + i].Id, rep.Id, 4 + i % 2, Local(new DateOnly(2026, 10, 5 + i * 5), 14, 0)]);
    }

    private string TargetsCsv()
    {
        var sb = new StringBuilder("rep_id,period,indicator,target\n");
        foreach (var (rep, period, indicator, target) in targets)
            sb.Append(CultureInfo.InvariantCulture, $"{rep},{period},{indicator},{target}\n");
        return sb.ToString();
    }

    /// <summary>
    /// Replaces the crm and finance source tables with the demo's rows, each database in one transaction. Both are checked
    /// first (<see cref="DemoDatabases"/>): when either holds rows the demo did not write, nothing is changed in either,
    /// unless <paramref name="replaceExisting"/>.
    /// </summary>
    private async Task WriteSourcesAsync(Databases db, bool replaceExisting, CancellationToken ct)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "sql", "sources");
        await using var crm = await db.Crm.OpenConnectionAsync(ct);
        await using var finance = await db.Finance.OpenConnectionAsync(ct);
        await using var crmTx = await crm.BeginTransactionAsync(ct);
        await using var financeTx = await finance.BeginTransactionAsync(ct);
        if (!replaceExisting)
        {
            var refusals = new List<string>();
            if (await DemoDatabases.ForeignRowsAsync(crm, crmTx, "crm", DemoDatabases.CrmTables, ct) is { } crmRows)
                refusals.Add($"{DemoDatabases.Describe(crm, "ConnectionStrings:Crm")} holds rows the demo did not write ({crmRows})");
            if (await DemoDatabases.ForeignRowsAsync(finance, financeTx, "finance", DemoDatabases.FinanceTables, ct) is { } financeRows)
                refusals.Add($"{DemoDatabases.Describe(finance, "ConnectionStrings:Finance")} holds rows the demo did not write ({financeRows})");
            if (refusals.Count > 0)
                throw new DemoRefusedException(string.Join("; ", refusals) + ". The demo replaces these tables and would delete those rows, so nothing was changed: "
                    + "point the connection strings at databases of their own for the demo, or add --replace-existing to replace the tables anyway.");
        }

        await crm.ExecuteAsync(new CommandDefinition(await File.ReadAllTextAsync(Path.Combine(dir, "crm.sql"), ct), transaction: crmTx, cancellationToken: ct));
        await CopyAsync(crm, "crm.teams(team_id, name, region, manager_name, manager_email, locale)", rows.Teams, ct);
        await CopyAsync(crm, "crm.reps(rep_id, team_id, name, email, hire_date, active)", rows.Reps, ct);
        await CopyAsync(crm, "crm.customers(customer_id, name, industry, segment, owner_rep_id, contract_end_date)", rows.Customers, ct);
        await CopyAsync(crm, "crm.leads(lead_id, rep_id, customer_id, created_at, qualified_at, converted_at)", rows.Leads, ct);
        await CopyAsync(crm, "crm.activities(activity_id, rep_id, customer_id, kind, occurred_at, duration_minutes, with_decision_maker, need_identified, subject, progress, support_needed)", rows.Activities, ct);
        await CopyAsync(crm, "crm.opportunities(opportunity_id, rep_id, customer_id, amount, stage, proposal_at, won_at, is_renewal)", rows.Opportunities, ct);
        await CopyAsync(crm, "crm.surveys(survey_id, customer_id, rep_id, score, answered_at)", rows.Surveys, ct);
        await DemoDatabases.WriteMarkerAsync(crm, crmTx, "crm", ct);

        await finance.ExecuteAsync(new CommandDefinition(await File.ReadAllTextAsync(Path.Combine(dir, "finance.sql"), ct), transaction: financeTx, cancellationToken: ct));
        await CopyAsync(finance, "finance.invoices(invoice_id, customer_id, rep_id, opportunity_id, issued_on, due_on, amount, cost_amount, status)", rows.Invoices, ct);
        await CopyAsync(finance, "finance.payments(payment_id, invoice_id, received_on, amount)", rows.Payments, ct);
        await DemoDatabases.WriteMarkerAsync(finance, financeTx, "finance", ct);
        await crmTx.CommitAsync(ct);
        await financeTx.CommitAsync(ct);
    }

    /// <summary>The three improvement actions of the template, agreed with the example rep for 2026-10.</summary>
    private static async Task WriteExampleActionsAsync(Databases db, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into reporting.improvement_action(rep_id, period, problem, root_cause, cause_category, action, owner_name, owner_email, due_on, checkpoint_on, indicator)
            values
             (@rep, @period, '回款率低', '客户B资金紧张，未及时对账', 'market', '每周跟进客户B财务进度，协助申请分期付款', '李明', 'r001@demo.example', '2026-11-10', '2026-11-05', 'collection_rate'),
             (@rep, @period, '新客户转化率低', '新人对产品技术参数不熟悉', 'people', '安排产品经理一对一培训，新人每日模拟演练', '王建国', 'wang.jianguo@demo.example', '2026-11-15', '2026-11-10', 'lead_conversion'),
             (@rep, @period, '大客户A订单延迟交付', '生产部排产冲突', 'product', '协调销售总监与生产总监对接，优先保障A订单', '王建国', 'wang.jianguo@demo.example', '2026-11-07', '2026-11-02', 'revenue')
            on conflict (rep_id, period, problem) do nothing
            """, new { rep = ExampleRepId, period = LastPeriod.Start }, cancellationToken: ct));
    }

    private static async Task CopyAsync(NpgsqlConnection conn, string target, List<object?[]> data, CancellationToken ct)
    {
        await using var importer = await conn.BeginBinaryImportAsync($"copy {target} from stdin (format binary)", ct);
        foreach (var row in data)
        {
            await importer.StartRowAsync(ct);
            foreach (var value in row)
            {
                switch (value)
                {
                    case null: await importer.WriteNullAsync(ct); break;
                    case string s: await importer.WriteAsync(s, NpgsqlTypes.NpgsqlDbType.Text, ct); break;
                    case DateOnly d: await importer.WriteAsync(d, NpgsqlTypes.NpgsqlDbType.Date, ct); break;
                    case DateTime t: await importer.WriteAsync(t, NpgsqlTypes.NpgsqlDbType.TimestampTz, ct); break;
                    case decimal m: await importer.WriteAsync(m, NpgsqlTypes.NpgsqlDbType.Numeric, ct); break;
                    case int i: await importer.WriteAsync(i, NpgsqlTypes.NpgsqlDbType.Integer, ct); break;
                    case bool b: await importer.WriteAsync(b, NpgsqlTypes.NpgsqlDbType.Boolean, ct); break;
                    default: throw new InvalidOperationException($"Unexpected value type {value.GetType()} for {target}");
                }
            }
        }
        await importer.CompleteAsync(ct);
    }

    private sealed class DemoRows
    {
        public List<object?[]> Teams { get; } = [];
        public List<object?[]> Reps { get; } = [];
        public List<object?[]> Customers { get; } = [];
        public List<object?[]> Leads { get; } = [];
        public List<object?[]> Activities { get; } = [];
        public List<object?[]> Opportunities { get; } = [];
        public List<object?[]> Surveys { get; } = [];
        public List<object?[]> Invoices { get; } = [];
        public List<object?[]> Payments { get; } = [];
        public int Total => Teams.Count + Reps.Count + Customers.Count + Leads.Count + Activities.Count + Opportunities.Count
                            + Surveys.Count + Invoices.Count + Payments.Count;
    }
}

public sealed record DemoSummary(int Teams, int Reps, int Rows, string TargetsFile);
