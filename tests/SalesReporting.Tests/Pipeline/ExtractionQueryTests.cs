using SalesReporting.Data.Sources;

namespace SalesReporting.Tests.Pipeline;

/// <summary>An extraction query's @since written in as a literal for its COPY: only where Npgsql would have bound it.</summary>
public sealed class ExtractionQueryTests
{
    private static string Inline(string sql) => ExtractionQuery.Inline(sql, "since", "<T>", "crm.activities");

    [Theory]
    [InlineData("select * from t where updated_at > @since", "select * from t where updated_at > <T>")]
    [InlineData("where a > @since and b > @since)", "where a > <T> and b > <T>)")]
    [InlineData("where updated_at>@since\n", "where updated_at><T>\n")]
    [InlineData("where a = '@since' and b > @since", "where a = '@since' and b > <T>")]
    [InlineData("where a = 'it''s @since' and b > @since", "where a = 'it''s @since' and b > <T>")]
    [InlineData("where a = E'\\' @since' and b > @since", "where a = E'\\' @since' and b > <T>")]
    [InlineData("select \"@since\", \"a\"\"@since\" from t where b > @since", "select \"@since\", \"a\"\"@since\" from t where b > <T>")]
    [InlineData("-- from @since on\nwhere b > @since -- @since", "-- from @since on\nwhere b > <T> -- @since")]
    [InlineData("/* @since /* nested @since */ still @since */ b > @since", "/* @since /* nested @since */ still @since */ b > <T>")]
    [InlineData("select $$ @since $$, $q$ it's @since $q$ where b > @since", "select $$ @since $$, $q$ it's @since $q$ where b > <T>")]
    [InlineData("where b > $1 and c > @since", "where b > $1 and c > <T>")]
    [InlineData("where a > @since_utc and b > @sinceX and c > x@since and d > @@since", "where a > @since_utc and b > @sinceX and c > x@since and d > @@since")]
    [InlineData("select 1 where b > @since;\n-- done\n", "select 1 where b > <T>\n-- done\n")]
    [InlineData("where a > @Since and b > @SINCE", "where a > <T> and b > <T>")]
    [InlineData("where a = e'it\\'s @since' and b > @since", "where a = e'it\\'s @since' and b > <T>")]
    [InlineData("where a = date'2026-01-01' and b = '\\' and c > @since", "where a = date'2026-01-01' and b = '\\' and c > <T>")]
    public void The_placeholder_is_written_in_only_where_it_is_one(string sql, string expected) =>
        Assert.Equal(expected, Inline(sql));

    [Fact]
    public void A_second_statement_is_refused_naming_the_source()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Inline("select 1 where b > @since; delete from crm.activities"));
        Assert.Equal("Extraction query for crm.activities holds more than one statement; it must be one SELECT.", ex.Message);
    }

    [Fact]
    public void The_copy_casts_each_column_to_the_staging_type_and_writes_the_watermark_as_a_utc_literal()
    {
        var payments = SourceTables.All.Single(t => t.Name == "payments");
        Assert.Equal("""
            copy (select q.payment_id::text, q.invoice_id::text, q.received_on::date, q.amount::numeric, q.updated_at::timestamptz from (
            select * from finance.payments where updated_at > '2026-11-30 08:05:01.250000+00'::timestamptz -- since the watermark
            ) q) to stdout (format binary)
            """.ReplaceLineEndings("\n"),
            ExtractionQuery.CopyOut("select * from finance.payments where updated_at > @since -- since the watermark", payments,
                new DateTime(2026, 11, 30, 8, 5, 1, 250, DateTimeKind.Utc)));
        Assert.Contains("updated_at > '-infinity'::timestamptz", ExtractionQuery.CopyOut("select * from finance.payments where updated_at > @since", payments, null),
            StringComparison.Ordinal);
    }
}
