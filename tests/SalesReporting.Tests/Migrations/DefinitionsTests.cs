using System.Text;
using Dapper;
using SalesReporting.Data;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Migrations;

/// <summary>
/// sql/definitions run again when their content changes: this build's files are migrated over a database of this
/// build after one of them changed (a comment added, as a later build would have it), or changed back.
/// </summary>
public sealed class DefinitionsTests : IAsyncLifetime
{
    private TestDatabase db = null!;

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync("sr_definitions");

    public async Task DisposeAsync() => await db.DisposeAsync();

    /// <summary>This build's definition files, with <paramref name="file"/> changed.</summary>
    private static List<(string Name, byte[] Bytes)> Changed(string file)
    {
        var files = Migrator.DefinitionFiles().ToList();
        var i = files.FindIndex(f => f.Name == "definitions/" + file);
        files[i] = (files[i].Name, [.. files[i].Bytes, .. Encoding.UTF8.GetBytes("-- a later version\n")]);
        return files;
    }

    /// <summary>The journal names of these files.</summary>
    private static List<string> Names(IReadOnlyList<(string Name, byte[] Bytes)> files, params string[] of) =>
        Migrator.Definitions(files).Select(s => s.Name).Where(n => of.Any(f => n.StartsWith("definitions/" + f + "@", StringComparison.Ordinal))).ToList();

    private static readonly string[] Objects = ["010_reporting.completion.sql", "020_reporting.indicator_result_of.sql", "030_reporting.indicator_result.sql", "040_reporting.indicator_keeps_its_values.sql"];

    [Fact]
    public void A_database_of_this_build_runs_nothing_again()
    {
        Assert.Empty(Migrator.Migrate(db.Reporting));
    }

    [Fact]
    public async Task A_changed_definition_runs_again_with_every_definition_after_it_which_puts_back_what_depends_on_it()
    {
        var later = Changed("020_reporting.indicator_result_of.sql");
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("drop view reporting.indicator_result"); // as a drop ... cascade in the changed file would

        var applied = Migrator.Migrate(db.Reporting, later);

        Assert.Equal(Names(later, Objects[1..]), applied);
        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("select count(*) from reporting.indicator_result"));
        Assert.Empty(Migrator.Migrate(db.Reporting, later));
    }

    [Fact]
    public async Task A_changed_catalog_query_sets_its_indicators_query_again_and_nothing_else_runs()
    {
        var later = Changed("catalog/revenue.sql");
        await using var conn = await db.Databases.Reporting.OpenConnectionAsync();
        await conn.ExecuteAsync("update reporting.indicator set query = 'select null::text as rep_id, 0 as value' where code in ('revenue', 'visits')");

        var applied = Migrator.Migrate(db.Reporting, later);

        Assert.Equal(Names(later, "catalog/revenue.sql"), applied);
        Assert.StartsWith("\nselect rep_id, sum(amount) / 10000 as value", await conn.ExecuteScalarAsync<string>("select query from reporting.indicator where code = 'revenue'"), StringComparison.Ordinal);
        Assert.Equal("select null::text as rep_id, 0 as value", await conn.ExecuteScalarAsync<string>("select query from reporting.indicator where code = 'visits'"));
    }

    [Fact]
    public void A_definition_changed_back_to_the_version_applied_before_runs_again()
    {
        Assert.NotEmpty(Migrator.Migrate(db.Reporting, Changed("010_reporting.completion.sql")));

        var applied = Migrator.Migrate(db.Reporting);

        Assert.Equal(Names(Migrator.DefinitionFiles(), Objects), applied);
    }

    [Fact]
    public async Task After_a_new_migration_every_function_view_and_trigger_is_defined_again()
    {
        // 0014 run once more stands for a new migration, one that dropped a view of sql/definitions.
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                delete from public.schema_versions where scriptname = 'migrations.0014_figures_as_read.sql';
                drop function reporting.completion;
                create index anomaly_rep_id_period_idx on reporting.anomaly(rep_id, period);
                create index rep_score_period_team_id_idx on reporting.rep_score(period, team_id);
                drop view reporting.indicator_result;
                """);

        var applied = Migrator.Migrate(db.Reporting);

        Assert.Equal(["migrations.0014_figures_as_read.sql", .. Names(Migrator.DefinitionFiles(), Objects)], applied);
        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("select count(*) from reporting.indicator_result"));
    }

    [Fact]
    public async Task A_database_that_journaled_the_workspace_lookups_under_their_first_number_upgrades_without_running_them_again()
    {
        await using (var conn = await db.Databases.Reporting.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                update public.schema_versions set scriptname = 'migrations.0019_workspace_lookups.sql'
                where scriptname = 'migrations.0018_workspace_lookups.sql'
                """);

        Assert.Empty(Migrator.Migrate(db.Reporting));

        await using var check = await db.Databases.Reporting.OpenConnectionAsync();
        Assert.Equal(["migrations.0018_workspace_lookups.sql"], (await check.QueryAsync<string>(
            "select scriptname from public.schema_versions where scriptname like 'migrations.00%_workspace_lookups.sql'")).ToList());
    }
}
