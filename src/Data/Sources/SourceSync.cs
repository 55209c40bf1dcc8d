using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SalesReporting.Data.Sources;

/// <summary>One table's pull: rows read from the source, rows staged (new or changed; a row read again unchanged is not
/// written again), rows quarantined.</summary>
public sealed record TableSyncResult(string Source, long Read, long Upserted, long Quarantined);

public sealed record SyncResult(long RunId, IReadOnlyList<TableSyncResult> Tables)
{
    public long Read => Tables.Sum(t => t.Read);
    public long Upserted => Tables.Sum(t => t.Upserted);
    public long Quarantined => Tables.Sum(t => t.Quarantined);
    public override string ToString() => $"sync run {RunId}: {Read} rows read, {Upserted} staged, {Quarantined} quarantined";
}

/// <summary>
/// sync-sources: pulls every source table past its watermark with its extraction query, streams the
/// rows into a temporary table by binary COPY, quarantines the bad ones and upserts the rest, all in
/// one transaction per table.
/// </summary>
public sealed class SourceSync(Databases db, IOptions<SourceOptions> options, IOptions<CompanyOptions> company, TimeProvider clock,
    ILogger<SourceSync> logger)
{
    /// <summary>The bounds of a plausible date (docs/input.md): 2000-01-01 to a year from today, both in company time.</summary>
    private (DateTime EarliestAt, DateTime LatestAt, DateOnly EarliestOn, DateOnly LatestOn) Bounds()
    {
        var tz = company.Value.ResolveTimeZone();
        var latest = company.Value.Today(clock).AddYears(1);
        DateTime Start(DateOnly day)
        {
            var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            if (tz.IsInvalidTime(midnight)) midnight = midnight.AddHours(1); // a zone whose DST starts at midnight
            return TimeZoneInfo.ConvertTimeToUtc(midnight, tz);
        }
        return (Start(SourceTables.EarliestDate), Start(latest.AddDays(1)), SourceTables.EarliestDate, latest);
    }

    /// <summary>The memory a first pull builds its indexes with (the bench's floor builds them with the same).</summary>
    public const string FirstPullMaintenanceMemory = "256MB";

    /// <summary>The advisory lock's first key (<c>"SRSY"</c>); the second is the hash of the source table's name.</summary>
    private const int SyncLock = 0x5352_5359;

    public async Task<SyncResult> RunAsync(CancellationToken ct)
    {
        long runId;
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            runId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                "insert into staging.sync_run default values returning id", cancellationToken: ct));

        // Each table in a transaction of its own, wave by wave (SourceTables.Waves: a table after the tables its checks
        // read), up to Sources:Parallelism of a wave's tables at once. After a failure no further table starts; the ones
        // already running finish and commit (they are given ct, not the loop's token), and the failure is thrown.
        var pulled = new System.Collections.Concurrent.ConcurrentDictionary<string, TableSyncResult>(StringComparer.Ordinal);
        foreach (var wave in SourceTables.Waves)
        {
            await Parallel.ForEachAsync(wave, new ParallelOptions { MaxDegreeOfParallelism = options.Value.Parallelism, CancellationToken = ct },
                async (table, _) =>
                {
                    await using var conn = await db.Reporting.OpenConnectionAsync(ct);
                    await using var tx = await conn.BeginTransactionAsync(ct);
                    var r = await SyncTableAsync(conn, tx, runId, table, ct);
                    await tx.CommitAsync(ct);
                    if (r.Quarantined > 0)
                        logger.LogWarning("{Source}: {Quarantined} bad rows quarantined (staging.quarantine, sync run {RunId})", r.Source, r.Quarantined, runId);
                    pulled[table.Name] = r;
                });
        }
        var result = new SyncResult(runId, SourceTables.All.Select(t => pulled[t.Name]).ToList());
        await using (var conn = await db.Reporting.OpenConnectionAsync(ct))
            await conn.ExecuteAsync(new CommandDefinition(
                "update staging.sync_run set finished_at = now(), rows_read = @Read, rows_upserted = @Upserted, rows_quarantined = @Quarantined where id = @RunId",
                new { result.Read, result.Upserted, result.Quarantined, RunId = runId }, cancellationToken: ct));
        logger.LogInformation("{Result}", result);
        return result;
    }

    /// <summary>
    /// What a sync would make of the CRM's teams and reps now, without keeping anything: the two tables are pulled and
    /// checked in a transaction that is rolled back. The reps that would be staged (with those staged already), and the
    /// reasons of those that would be quarantined. The imports check their rep ids against this when one is not staged
    /// yet (before the first sync, a rep added since the last), so "not in the CRM" is said only of a rep the CRM lacks.
    /// </summary>
    public async Task<(HashSet<string> Reps, Dictionary<string, string> Quarantined)> PreviewRepsAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var runId = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            "insert into staging.sync_run default values returning id", transaction: tx, cancellationToken: ct));
        foreach (var table in SourceTables.All.Where(t => t.Source is "crm.teams" or "crm.reps"))
            await SyncTableAsync(conn, tx, runId, table, ct);
        var reps = (await conn.QueryAsync<string>(new CommandDefinition("select rep_id from staging.reps", transaction: tx, cancellationToken: ct)))
            .ToHashSet(StringComparer.Ordinal);
        var quarantined = (await conn.QueryAsync<(string Key, string Reason)>(new CommandDefinition(
                // this pull's reason, or the last one of a rep quarantined before and not changed since (so not pulled again)
                """
                select distinct on (source_key) source_key, reason from staging.quarantine
                where source = 'crm.reps' and source_key is not null order by source_key, sync_run_id desc
                """, transaction: tx, cancellationToken: ct)))
            .Where(q => !reps.Contains(q.Key)).ToDictionary(q => q.Key, q => q.Reason, StringComparer.Ordinal);
        await tx.RollbackAsync(ct);
        return (reps, quarantined);
    }

    private async Task<TableSyncResult> SyncTableAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, SourceTable table, CancellationToken ct)
    {
        var queryFile = Path.Combine(options.Value.ResolveQueryDirectory(), table.Source + ".sql");
        if (!File.Exists(queryFile))
            throw new FileNotFoundException($"Extraction query for {table.Source} not found at {queryFile} (Sources:QueryDirectory).", queryFile);
        var query = await File.ReadAllTextAsync(queryFile, ct);

        // Two syncs at once — the hourly sync-sources and month-end's own both start at 06:00 on the 1st — take each table
        // in turn: the second waits here for the first one's commit, then pulls only what is past the watermark the first
        // one moved, instead of pulling the same rows beside it and waiting on their locks to write them again.
        await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@SyncLock, hashtext(@source))",
            new { SyncLock, source = table.Source }, tx, commandTimeout: 0, cancellationToken: ct));
        var since = await conn.ExecuteScalarAsync<DateTime?>(new CommandDefinition(
            "select high_water - make_interval(mins => @overlap) from staging.watermark where source = @source",
            new { overlap = options.Value.OverlapMinutes, source = table.Source }, tx, cancellationToken: ct));

        var load = "load_" + table.Name;
        await conn.ExecuteAsync(new CommandDefinition(
            $"create temp table {load} on commit drop as select * from {table.Staging} with no data", transaction: tx, cancellationToken: ct));

        await CopyAsync(conn, load, table, query, since, ct);
        // What was read, and the watermark it moves to: the latest change among the rows, the ones to be quarantined too.
        var (read, highWater) = await conn.QuerySingleAsync<(long, DateTime?)>(new CommandDefinition(
            $"select count(*), max(updated_at) from {load}", transaction: tx, commandTimeout: 0, cancellationToken: ct));

        // A first pull (many rows into an empty table: a new installation, or staging emptied to pull everything again)
        // inserts without the upsert's conflict checks into the table without its indexes, its key's included, and builds
        // each once after the rows are in; its sorts (checks, index builds) get the memory to stay out of temporary files
        // (docs/files.md).
        var firstPull = read >= options.Value.FirstPullIndexRows
                        && !await conn.ExecuteScalarAsync<bool>(new CommandDefinition($"select exists (select 1 from {table.Staging})", transaction: tx, cancellationToken: ct));
        var columns = table.ColumnList;
        var bounds = Bounds();
        var parameters = new
        {
            runId, source = table.Source,
            earliest_at = bounds.EarliestAt, latest_at = bounds.LatestAt, earliest_on = bounds.EarliestOn, latest_on = bounds.LatestOn,
        };
        Task<int> QuarantineAsync(bool duplicates) =>
            conn.ExecuteAsync(new CommandDefinition(CheckSql(table, load, duplicates), parameters, tx, commandTimeout: 0, cancellationToken: ct));

        long quarantined, upserted = 0;
        if (firstPull)
        {
            await conn.ExecuteAsync(new CommandDefinition($"set local work_mem = '128MB'; set local maintenance_work_mem = '{FirstPullMaintenanceMemory}'", transaction: tx, cancellationToken: ct));
            var rebuild = await DropIndexesAsync(conn, tx, table, ct);

            // Into the empty table, without indexes (the advisory lock and the dropped indexes' lock keep it so); then every
            // index, the key's first. In key order, as the hourly upserts visit the table: at 10,000 reps the sort costs the
            // first pull about 11 s, and the upsert of a day's changes to activities took 3.8 s, against 1.4 s, when the table
            // held its rows in the pulled order (docs/files.md).
            async Task<long> InsertAndIndexAsync()
            {
                var inserted = await conn.ExecuteAsync(new CommandDefinition(
                    $"insert into {table.Staging}({columns}) select {columns} from {load} order by {table.Key}", transaction: tx, commandTimeout: 0, cancellationToken: ct));
                foreach (var definition in rebuild)
                    await conn.ExecuteAsync(new CommandDefinition(definition, transaction: tx, commandTimeout: 0, cancellationToken: ct));
                return inserted;
            }

            // The checks leave out the window over every row's key (a sort of the whole rows: 11 s of activities' 5.2 million
            // at 10,000 reps), and the key's index is built after the rows are in, by one sort of the keys. A key twice
            // in the batch still shows: two copies quarantined, a copy taken out of the batch with a quarantined one (they go
            // by key) but not quarantined itself, or two copies staged (the index's build fails). Such a batch goes back to
            // before its checks and is checked the ordinary way, so each row gets the reason it would have got: every copy of
            // a duplicated key quarantined.
            await conn.ExecuteAsync(new CommandDefinition("savepoint first_pull", transaction: tx, cancellationToken: ct));
            quarantined = await QuarantineAsync(duplicates: false);
            var ordinary = await conn.ExecuteScalarAsync<bool>(new CommandDefinition("""
                select count(*) <> @quarantined or count(distinct source_key) < count(source_key)
                from staging.quarantine where sync_run_id = @runId and source = @source
                """, new { runId, source = table.Source, quarantined }, tx, commandTimeout: 0, cancellationToken: ct));
            if (!ordinary)
            {
                try { upserted = await InsertAndIndexAsync(); }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation) { ordinary = true; }
            }
            if (ordinary)
            {
                await conn.ExecuteAsync(new CommandDefinition("rollback to savepoint first_pull", transaction: tx, cancellationToken: ct));
                quarantined = await QuarantineAsync(duplicates: true);
                upserted = await InsertAndIndexAsync();
            }
        }
        else
        {
            quarantined = await QuarantineAsync(duplicates: true);
            var others = table.Columns.Where(c => c.Name != table.Key).Select(c => c.Name).ToList();
            string Row(string alias) => $"({string.Join(", ", others.Select(c => $"{alias}.{c}"))})";
            // A row pulled again as it is already staged (the overlap before the watermark re-reads the last minutes' rows
            // every hour) is left as it is: rewritten, it would cost a new row version (and, were its page full, an entry in
            // every index). The rows are upserted in key order, so the key's index and the table (staged in key order by a first
            // pull) are visited in order: a day's changes to activities at 10,000 reps were upserted in 4.7–4.9 s against
            // 6.6–6.7 s when taken in the pulled order (docs/files.md).
            var updates = string.Join(", ", others.Select(c => $"{c} = excluded.{c}"));
            upserted = await conn.ExecuteAsync(new CommandDefinition($"""
                insert into {table.Staging} as s({columns}) select {columns} from {load} order by {table.Key}
                on conflict ({table.Key}) do update set {updates}
                where {Row("s")} is distinct from {Row("excluded")}
                """, transaction: tx, commandTimeout: 0, cancellationToken: ct));
        }

        if (highWater is not null)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                insert into staging.watermark(source, high_water) values (@source, @highWater)
                on conflict (source) do update set high_water = greatest(staging.watermark.high_water, excluded.high_water), synced_at = now()
                """, new { source = table.Source, highWater }, tx, cancellationToken: ct));
        }
        return new TableSyncResult(table.Source, read, upserted, quarantined);
    }

    /// <summary>
    /// The staging table's indexes, dropped in the pull's transaction (a rollback restores them): its key (a constraint no
    /// foreign key leans on: a foreign key is a constraint on the key's index too, which keeps it) and its other indexes.
    /// The statements that build them again once the rows are in, the key's first, from the definitions PostgreSQL gives
    /// back (its name, columns and options kept). The names come from the catalog, not from any input.
    /// </summary>
    private static async Task<IReadOnlyList<string>> DropIndexesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SourceTable table, CancellationToken ct)
    {
        var indexes = (await conn.QueryAsync<(string? Constraint, string Index, string Definition)>(new CommandDefinition("""
            select c.conname, i.indexrelid::regclass::text,
                   case when c.oid is null then pg_get_indexdef(i.indexrelid) else pg_get_constraintdef(c.oid) end
            from pg_index i
            left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('p', 'u')
            where i.indrelid = @table::regclass
              and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.contype not in ('p', 'u'))
            order by case c.contype when 'p' then 0 when 'u' then 1 else 2 end, i.indexrelid
            """, new { table = table.Staging }, tx, cancellationToken: ct))).ToList();
        foreach (var (constraint, index, _) in indexes)
            await conn.ExecuteAsync(new CommandDefinition(constraint is null ? $"drop index {index}" : $"alter table {table.Staging} drop constraint {Quote(constraint)}",
                transaction: tx, commandTimeout: 0, cancellationToken: ct));
        return [.. indexes.Select(i => i.Constraint is null ? i.Definition : $"alter table {table.Staging} add constraint {Quote(i.Constraint)} {i.Definition}")];
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// The checks of a pull's rows in <paramref name="load"/>: each bad row into quarantine with the first reason that
    /// applies (a null key, then a key twice in the batch when <paramref name="duplicates"/>, then the table's checks),
    /// as it came (jsonb), and out of the batch. The reasons are the contract's own constants, written as SQL literals.
    /// </summary>
    private static string CheckSql(SourceTable table, string load, bool duplicates)
    {
        var reasons = string.Join("\n", table.Checks.Select(c => $"when {c.Condition} then '{c.Reason.Replace("'", "''", StringComparison.Ordinal)}'"));
        var duplicated = duplicates ? $"when count(*) over (partition by l.{table.Key}) > 1 then 'duplicated id in one batch'" : "";
        return $"""
            with checked as (
              select l.*, case
                when l.{table.Key} is null then 'null key'
                {duplicated}
                {reasons}
                end as reason
              from {load} l),
            bad as (
              insert into staging.quarantine(sync_run_id, source, source_key, reason, raw)
              select @runId, @source, {table.Key}, reason, to_jsonb(checked) - 'reason'
              from checked where reason is not null
              returning source_key)
            delete from {load} l using bad where l.{table.Key} is not distinct from bad.source_key
            """;
    }

    /// <summary>The rows of <paramref name="query"/> since <paramref name="since"/> from the table's source into
    /// <paramref name="load"/>, as the source sends them (<see cref="ExtractionQuery.CopyOut"/>): binary COPY out, binary
    /// COPY in, no row decoded between. The query's columns are checked first, so one that cannot be copied is named.</summary>
    private async Task CopyAsync(NpgsqlConnection conn, string load, SourceTable table, string query, DateTime? since, CancellationToken ct)
    {
        await using var source = await db.Source(table.System).OpenConnectionAsync(ct);
        await CheckColumnsAsync(source, table, query, ct);
        await using var reader = await source.BeginRawBinaryCopyAsync(ExtractionQuery.CopyOut(query, table, since), ct);
        await using var writer = await conn.BeginRawBinaryCopyAsync($"copy {load}({table.ColumnList}) from stdin (format binary)", ct);
        // A first pull of a large organisation runs for minutes, and a query may sort or scan for long before its first row:
        // the streams would otherwise time out at the connection's command timeout (30 s), as the query never did.
        reader.ReadTimeout = writer.ReadTimeout = writer.WriteTimeout = NoTimeoutMilliseconds;
        try
        {
            await reader.CopyToAsync(writer, 1 << 16, ct);
        }
        catch (Exception)
        {
            // Neither side is closed as if it were complete (disposed, the load's COPY would end on a partial stream and its
            // error would stand in for the source's): the load's COPY fails, the source stops sending, the first error is thrown.
            try { await writer.CancelAsync(); } catch (Exception) { /* the first error is the one to report */ }
            try { await reader.CancelAsync(); } catch (Exception) { /* the first error is the one to report */ }
            throw;
        }
    }

    /// <summary>A day, in milliseconds: no COPY of a pull waits that long for its other side.</summary>
    private const int NoTimeoutMilliseconds = 24 * 60 * 60 * 1000;

    /// <summary>The query's columns, from the names and types its rows would have (no row read): each column the table needs
    /// is there once, and a time the table keeps with its zone does not come without one (it would be read in the source
    /// session's zone: ambiguous). Anything else converts by PostgreSQL's cast, or fails the pull with the cast's error.</summary>
    private static async Task CheckColumnsAsync(NpgsqlConnection source, SourceTable table, string query, CancellationToken ct)
    {
        List<(string Name, string Type)> returned;
        await using (var reader = await source.ExecuteReaderAsync(new CommandDefinition(ExtractionQuery.Describe(query, table), commandTimeout: 0, cancellationToken: ct)))
            returned = [.. Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetDataTypeName(i)))];
        var problems = new List<string>();
        var missing = table.Columns.Where(c => !returned.Any(r => r.Name == c.Name)).Select(c => $"'{c.Name}'").ToList();
        if (missing.Count > 0) problems.Add($"returns no column {string.Join(", ", missing)}");
        problems.AddRange(table.Columns.Where(c => returned.Count(r => r.Name == c.Name) > 1).Select(c => $"returns '{c.Name}' more than once"));
        problems.AddRange(table.Columns.Where(c => c.Type == NpgsqlTypes.NpgsqlDbType.TimestampTz)
            .Where(c => returned.Any(r => r.Name == c.Name && r.Type == "timestamp without time zone"))
            .Select(c => $"returns '{c.Name}' as a timestamp without time zone (cast it with its zone: timestamptz)"));
        if (problems.Count > 0)
            throw new InvalidOperationException($"Extraction query for {table.Source} {string.Join("; ", problems)}; "
                + $"it must return {table.ColumnList}.");
    }
}
