using Dapper;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Data.Sources;

namespace SalesReporting.Bench;

/// <summary>The size of the bench organisation; the same parameters always generate the same rows.</summary>
public sealed record BenchSize(int Reps, int Months)
{
    /// <summary>The last generated month; the bench computes, renders and delivers this one.</summary>
    public static readonly Period LastPeriod = new(2026, 10);
    public Period FirstPeriod => LastPeriod.Add(-(Months - 1));
    /// <summary>Round-robin over at least three teams, so every locale has reps at any size.</summary>
    public int Teams => Math.Max(3, (Reps + 49) / 50);
    public const int CustomersPerRep = 30;
}

/// <summary>
/// Writes the bench organisation straight into the bench's own crm and finance databases with set-based
/// <c>generate_series</c> inserts: rows are derived from a hash of their position, so the same size
/// always gives the same rows, whatever the plan or the number of connections used. Primary keys are
/// dropped during the load and built afterwards, which is several times faster than maintaining them.
/// </summary>
public static class BenchData
{
    // Bumped whenever the generated rows change, so an older data set is regenerated rather than reused.
    // 2: every source row's updated_at is its own business time (at most a day before generation), not the generation
    // time shared by a whole table, so an incremental pull reads a day's changes and not everything (issue 14).
    private const int Version = 2;

    /// <summary>Row counts of the source tables, in SourceTables order.</summary>
    public sealed record Counts(IReadOnlyList<(string Table, long Rows)> Tables)
    {
        public long Total => Tables.Sum(t => t.Rows);
        public long this[string table] => Tables.Single(t => t.Table == table).Rows;
    }

    /// <summary>True when the databases already hold a data set of this size (and of this generator version).</summary>
    public static async Task<bool> IsPresentAsync(Databases db, BenchSize size, string timeZone, CancellationToken ct)
    {
        await using var conn = await db.Crm.OpenConnectionAsync(ct);
        var exists = await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select to_regclass('crm.bench_parameters') is not null", cancellationToken: ct));
        if (!exists) return false;
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
            select exists (select 1 from crm.bench_parameters
                           where reps = @Reps and months = @Months and last_period = @last and version = @Version and time_zone = @timeZone)
            """, new { size.Reps, size.Months, last = BenchSize.LastPeriod.Start, Version, timeZone }, cancellationToken: ct));
    }

    public static async Task<Counts> CountAsync(Databases db, CancellationToken ct)
    {
        // The source contract's tables (SourceTables), each counted in its own system.
        var tables = new List<(string, long)>();
        foreach (var t in SourceTables.All)
        {
            await using var conn = await db.Source(t.System).OpenConnectionAsync(ct);
            tables.Add((t.Source, await conn.ExecuteScalarAsync<long>(new CommandDefinition($"select count(*) from {t.Source}", cancellationToken: ct))));
        }
        return new Counts(tables);
    }

    /// <summary>Drops and regenerates every source table. <paramref name="step"/> is told each finished step and the total.</summary>
    public static async Task<Counts> GenerateAsync(Databases db, BenchSize size, string timeZone, Action<string, int, int>? step, CancellationToken ct)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "sql", "sources");
        await using (var crm = await db.Crm.OpenConnectionAsync(ct))
        {
            await crm.ExecuteAsync(new CommandDefinition("drop table if exists crm.bench_parameters", cancellationToken: ct));
            await crm.ExecuteAsync(new CommandDefinition(await File.ReadAllTextAsync(Path.Combine(dir, "crm.sql"), ct), cancellationToken: ct));
        }
        await using (var finance = await db.Finance.OpenConnectionAsync(ct))
            await finance.ExecuteAsync(new CommandDefinition(await File.ReadAllTextAsync(Path.Combine(dir, "finance.sql"), ct), cancellationToken: ct));

        foreach (var t in SourceTables.All)
        {
            await using var conn = await db.Source(t.System).OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition($"alter table {t.Source} drop constraint {t.Name}_pkey", cancellationToken: ct));
        }

        var args = new GenerateArgs { reps = size.Reps, months = size.Months, teams = size.Teams, first = size.FirstPeriod.Start, last_end = BenchSize.LastPeriod.End, tz = timeZone, m_from = 0, m_to = size.Months - 1 };
        // Half the months of activities (by far the largest table) on each of two connections: two cores, both busy.
        var half = size.Months / 2;
        var loads = new List<(string Name, NpgsqlDataSource Db, string Sql, GenerateArgs Args)>
        {
            ("crm.activities (1/2)", db.Crm, Activities, args with { m_from = 0, m_to = half - 1 }),
            ("crm.activities (2/2)", db.Crm, Activities, args with { m_from = half, m_to = size.Months - 1 }),
            ("crm.leads", db.Crm, Leads, args),
            ("finance.invoices, payments", db.Finance, Invoices, args),
            ("crm.opportunities", db.Crm, Opportunities, args),
            ("crm.customers", db.Crm, Customers, args),
            ("crm.surveys", db.Crm, Surveys, args),
            ("crm.teams, reps", db.Crm, TeamsAndReps, args),
        };
        var keys = SourceTables.All;
        var total = loads.Count + keys.Count;
        var done = 0;
        await Parallel.ForEachAsync(loads, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (load, token) =>
        {
            await using var conn = await load.Db.OpenConnectionAsync(token);
            await conn.ExecuteAsync(new CommandDefinition(Functions + load.Sql, load.Args, commandTimeout: 0, cancellationToken: token));
            step?.Invoke(load.Name, Interlocked.Increment(ref done), total);
        });
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (t, token) =>
        {
            await using var conn = await db.Source(t.System).OpenConnectionAsync(token);
            await conn.ExecuteAsync(new CommandDefinition($"alter table {t.Source} add primary key ({t.Key}); create index on {t.Source}(updated_at); analyze {t.Source}", commandTimeout: 0, cancellationToken: token));
            step?.Invoke($"{t.Source}: primary key", Interlocked.Increment(ref done), total);
        });

        var counts = await CountAsync(db, ct);
        await using (var crm = await db.Crm.OpenConnectionAsync(ct))
        {
            await crm.ExecuteAsync(new CommandDefinition("""
                create table crm.bench_parameters(reps int not null, months int not null, last_period date not null, version int not null,
                  time_zone text not null, total_rows bigint not null, generated_at timestamptz not null default now());
                insert into crm.bench_parameters(reps, months, last_period, version, time_zone, total_rows) values (@Reps, @Months, @last, @Version, @tz, @total);
                """, new { size.Reps, size.Months, last = BenchSize.LastPeriod.Start, Version, tz = timeZone, total = counts.Total }, cancellationToken: ct));
        }
        return counts;
    }

    /// <summary>A day's changes in the sources: this share of every source table's rows (chosen by a hash of its key and
    /// the <paramref name="salt"/>, so each call picks other rows) has its updated_at set to now, as a CRM does when a row
    /// is edited. Returns the rows touched.</summary>
    public static async Task<long> TouchAsync(Databases db, double share, string salt, CancellationToken ct)
    {
        long touched = 0;
        var buckets = (int)Math.Round(1 / share);
        foreach (var t in SourceTables.All)
        {
            await using var conn = await db.Source(t.System).OpenConnectionAsync(ct);
            touched += await conn.ExecuteAsync(new CommandDefinition(
                $"update {t.Source} set updated_at = now() where abs(hashtext({t.Key}::text || @salt)::bigint) % @buckets = 0",
                new { salt, buckets }, commandTimeout: 0, cancellationToken: ct));
        }
        return touched;
    }

    // Dapper binds the members by name; lower case, as the SQL spells them.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Parameter names as the SQL spells them.")]
    private sealed record GenerateArgs
    {
        public int reps { get; init; }
        public int months { get; init; }
        public int teams { get; init; }
        public DateOnly first { get; init; }
        public DateOnly last_end { get; init; }
        public string tz { get; init; } = "";
        public int m_from { get; init; }
        public int m_to { get; init; }
    }

    // u(seed): a uniform number in [0, 1) fixed by the seed; hire(i): rep i's hire date (needed in both
    // databases, which cannot see each other); rm: the rep-months a rep was employed in.
    private const string Functions = """
        create or replace function pg_temp.u(seed bigint) returns float8 language sql immutable parallel safe
          as $f$ select (hashint8(seed) & 2147483647)::float8 / 2147483648.0 $f$;
        create or replace function pg_temp.hire(i int, last_end date) returns date language sql immutable parallel safe
          as $f$ select case when pg_temp.u(i * 17 + 1) < 0.06 then last_end - 20 - (pg_temp.u(i * 17 + 2) * 160)::int
                             else date '2014-01-01' + (pg_temp.u(i * 17 + 3) * 3300)::int end $f$;
        create or replace function pg_temp.at(d date, fraction float8, days int, tz text) returns timestamptz language sql immutable parallel safe
          as $f$ select (d::timestamp + make_interval(secs => fraction * days * 86400)) at time zone tz $f$;
        -- A row's last change: its own business time, never later than a day before the generation.
        create or replace function pg_temp.updated(t timestamptz) returns timestamptz language sql stable parallel safe
          as $f$ select least(t, now() - interval '1 day') $f$;
        """;

    private const string RepMonths = """
        with rm as (
          select r as rep, m, 'B' || lpad(r::text, 5, '0') as rep_id, ms::date as ms,
                 extract(day from ms + interval '1 month' - interval '1 day')::int as days, (m::bigint * 100000 + r) as idx
          from generate_series(@m_from, @m_to) m
          cross join lateral (select (@first::date + make_interval(months => m))::date as ms) s
          cross join generate_series(1, @reps) r
          where date_trunc('month', pg_temp.hire(r, @last_end)) <= ms)
        """;

    private const string Activities = RepMonths + """
        insert into crm.activities(activity_id, rep_id, customer_id, kind, occurred_at, duration_minutes, with_decision_maker, need_identified, subject, progress, support_needed, updated_at)
        select 'BA' || (rm.idx * 64 + k), rm.rep_id, 'BC' || (rm.rep * 30 + floor(pg_temp.u(s + 1) * 30)::int),
               a.kind, pg_temp.at(rm.ms, pg_temp.u(s + 3), rm.days, @tz),
               case when a.kind = 'visit' then 3 + floor(pg_temp.u(s + 4) * 88)::int else 5 + floor(pg_temp.u(s + 4) * 55)::int end,
               pg_temp.u(s + 5) < 0.6, pg_temp.u(s + 6) < 0.55,
               case a.kind when 'visit' then '客户拜访' when 'call' then '电话跟进' when 'proposal' then '提交方案'
                           when 'demo' then '产品演示' when 'negotiation' then '商务谈判' else '签订合同' end,
               case when a.kind in ('negotiation', 'contract') or pg_temp.u(s + 7) < 0.05 then '已推进，待客户内部审批' end,
               case when pg_temp.u(s + 8) < 0.05 then '需要技术部支持产品演示' end,
               pg_temp.updated(pg_temp.at(rm.ms, pg_temp.u(s + 3), rm.days, @tz) + interval '2 hours')
        from rm
        cross join lateral generate_series(1, 30 + floor(pg_temp.u(rm.idx * 8 + 1) * 31)::int) k
        cross join lateral (select (rm.idx * 64 + k) * 16 as s) seed
        cross join lateral (select case when x < 0.55 then 'visit' when x < 0.80 then 'call' when x < 0.90 then 'proposal'
                                        when x < 0.95 then 'demo' when x < 0.98 then 'negotiation' else 'contract' end as kind
                            from (select pg_temp.u(s + 2) as x) x) a
        order by rm.m, rm.rep;
        """;

    private const string Leads = RepMonths + """
        insert into crm.leads(lead_id, rep_id, customer_id, created_at, qualified_at, converted_at, updated_at)
        select 'BL' || (rm.idx * 32 + k), rm.rep_id, null,
               pg_temp.at(rm.ms, pg_temp.u(s + 1) * 0.8, rm.days, @tz) - make_interval(days => 1 + floor(pg_temp.u(s + 2) * 20)::int),
               case when q then pg_temp.at(rm.ms, pg_temp.u(s + 1) * 0.8, rm.days, @tz) end,
               case when q and pg_temp.u(s + 4) < 0.22 then pg_temp.at(rm.ms, pg_temp.u(s + 1) * 0.8, rm.days, @tz) + make_interval(days => floor(pg_temp.u(s + 5) * 10)::int) end,
               pg_temp.updated(pg_temp.at(rm.ms, pg_temp.u(s + 1) * 0.8, rm.days, @tz) + make_interval(days => floor(pg_temp.u(s + 5) * 10)::int, hours => 2))
        from rm
        cross join lateral generate_series(1, 10 + floor(pg_temp.u(rm.idx * 8 + 2) * 11)::int) k
        cross join lateral (select (rm.idx * 32 + k) * 16 as s) seed
        cross join lateral (select pg_temp.u(s + 3) < 0.85 as q) qualified
        order by rm.m, rm.rep;
        """;

    private const string Opportunities = RepMonths + """
        insert into crm.opportunities(opportunity_id, rep_id, customer_id, amount, stage, proposal_at, won_at, is_renewal, updated_at)
        select 'BO' || (rm.idx * 16 + k), rm.rep_id, 'BC' || (rm.rep * 30 + floor(pg_temp.u(s + 1) * 30)::int),
               round((20000 + pg_temp.u(s + 2) ^ 2 * 280000)::numeric, -2), o.stage,
               case when o.stage <> 'open' or pg_temp.u(s + 4) < 0.6
                    then pg_temp.at(rm.ms, pg_temp.u(s + 5), rm.days, @tz) - make_interval(days => 5 + floor(pg_temp.u(s + 6) * 55)::int) end,
               case when o.stage = 'won' then pg_temp.at(rm.ms, pg_temp.u(s + 5), rm.days, @tz) end,
               pg_temp.u(s + 7) < 0.2,
               pg_temp.updated(pg_temp.at(rm.ms, pg_temp.u(s + 5), rm.days, @tz) + interval '2 hours')
        from rm
        cross join lateral generate_series(1, 4 + floor(pg_temp.u(rm.idx * 8 + 3) * 5)::int) k
        cross join lateral (select (rm.idx * 16 + k) * 16 as s) seed
        cross join lateral (select case when x < 0.5 then 'won' when x < 0.75 then 'lost' else 'open' end as stage
                            from (select pg_temp.u(s + 3) as x) x) o
        order by rm.m, rm.rep;
        """;

    private const string Surveys = RepMonths + """
        insert into crm.surveys(survey_id, customer_id, rep_id, score, answered_at, updated_at)
        select 'BS' || (rm.idx * 8 + k), 'BC' || (rm.rep * 30 + floor(pg_temp.u(s + 1) * 30)::int), rm.rep_id,
               case when x < 0.03 then 1 when x < 0.08 then 2 when x < 0.20 then 3 when x < 0.55 then 4 else 5 end,
               pg_temp.at(rm.ms, pg_temp.u(s + 3), rm.days, @tz),
               pg_temp.updated(pg_temp.at(rm.ms, pg_temp.u(s + 3), rm.days, @tz) + interval '2 hours')
        from rm
        cross join lateral generate_series(1, 1 + floor(pg_temp.u(rm.idx * 8 + 4) * 5)::int) k
        cross join lateral (select (rm.idx * 8 + k) * 16 as s) seed
        cross join lateral (select pg_temp.u(s + 2) as x) x
        order by rm.m, rm.rep;
        """;

    private const string Invoices = RepMonths + """
        , inv as (
          select 'BI' || (rm.idx * 16 + k) as invoice_id, 'BC' || (rm.rep * 30 + floor(pg_temp.u(s + 1) * 30)::int) as customer_id, rm.rep_id,
                 (rm.ms + floor(pg_temp.u(s + 2) * rm.days)::int) as issued_on,
                 round((10000 + pg_temp.u(s + 3) ^ 2 * 190000)::numeric, -2) as amount,
                 pg_temp.u(s + 4) as cost_share, pg_temp.u(s + 5) < 0.03 as void, s, rm.m, rm.rep
          from rm
          cross join lateral generate_series(1, 4 + floor(pg_temp.u(rm.idx * 8 + 5) * 5)::int) k
          cross join lateral (select (rm.idx * 16 + k) * 16 as s) seed)
        insert into finance.invoices(invoice_id, customer_id, rep_id, opportunity_id, issued_on, due_on, amount, cost_amount, status, updated_at)
        select invoice_id, customer_id, rep_id, null, issued_on, issued_on + 30, amount, round(amount * (0.6 + cost_share * 0.15)::numeric, 2),
               case when void then 'void' else 'issued' end, pg_temp.updated((issued_on + 1)::timestamp at time zone @tz)
        from inv order by m, rep;

        -- 85% of the issued invoices are paid, four in five of them in full, around the due date.
        insert into finance.payments(payment_id, invoice_id, received_on, amount, updated_at)
        select 'BP' || substr(invoice_id, 3), invoice_id, due_on - 20 + floor(pg_temp.u(s + 7) * 30)::int,
               case when pg_temp.u(s + 8) < 0.8 then amount else round(amount / 2, 2) end,
               pg_temp.updated((due_on - 19 + floor(pg_temp.u(s + 7) * 30)::int)::timestamp at time zone @tz)
        from (select i.*, (substr(i.invoice_id, 3)::bigint) * 16 as s from finance.invoices i where status = 'issued') i
        where pg_temp.u(s + 6) < 0.85
        order by due_on;
        """;

    private const string Customers = """
        insert into crm.customers(customer_id, name, industry, segment, owner_rep_id, contract_end_date, updated_at)
        select 'BC' || (r * 30 + c),
               (array['华信','恒达','金源','瑞丰','中科','远航','宏图','永泰','鼎盛','海纳','天合','星辰','博远','新锐','同创','汇通'])[1 + floor(pg_temp.u(s + 1) * 16)::int]
                 || (array['精密','商贸','智能','医疗','供应链','资本','能源','教育','电子','材料'])[1 + floor(pg_temp.u(s + 2) * 10)::int]
                 || case when c % 3 = 0 then '集团' else '有限公司' end,
               (array['制造业','零售业','科技业','医药','物流','金融','能源','教育'])[1 + floor(pg_temp.u(s + 3) * 8)::int],
               case when c < 4 then 'key' else 'standard' end,
               'B' || lpad(r::text, 5, '0'),
               case when c < 4 then @last_end - 30 + floor(pg_temp.u(s + 4) * 430)::int end,
               pg_temp.updated(now() - make_interval(secs => pg_temp.u(s + 5) * 365 * 86400))
        from generate_series(1, @reps) r cross join generate_series(0, 29) c
        cross join lateral (select (r::bigint * 30 + c) * 16 + 7 as s) seed;
        """;

    private const string TeamsAndReps = """
        insert into crm.teams(team_id, name, region, manager_name, manager_email, locale)
        select 'BT' || lpad(t::text, 4, '0'),
               case t % 3 when 1 then '华东销售' || t || '组' when 2 then '台北業務' || t || '組' else 'Key Accounts ' || t end,
               case t % 3 when 1 then '华东' when 2 then '台灣' else '华南' end,
               (array['王','林','陈','张','李','黄','周','吴'])[1 + t % 8] || (array['建国','美玲','志强','丽华','伟','静'])[1 + t % 6],
               'manager' || t || '@bench.example',
               case t % 3 when 1 then 'zh-CN' when 2 then 'zh-TW' else 'en' end
        from generate_series(1, @teams) t;

        insert into crm.reps(rep_id, team_id, name, email, hire_date, active, updated_at)
        select 'B' || lpad(r::text, 5, '0'), 'BT' || lpad((1 + (r - 1) % @teams)::text, 4, '0'),
               (array['李','张','刘','陈','杨','赵','黄','周','吴','徐','孙','马','朱','胡','郭','何'])[1 + floor(pg_temp.u(r * 17 + 4) * 16)::int]
                 || (array['明','伟','洋','静','帆','磊','丽','杰','敏','涛','悦','超','琳','斌','峰','萍','翔','晨','娟','浩'])[1 + floor(pg_temp.u(r * 17 + 5) * 20)::int],
               'b' || lpad(r::text, 5, '0') || '@bench.example', pg_temp.hire(r, @last_end), true,
               pg_temp.updated(now() - make_interval(secs => pg_temp.u(r * 17 + 6) * 365 * 86400))
        from generate_series(1, @reps) r;
        """;
}
