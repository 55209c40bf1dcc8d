using System.ComponentModel.DataAnnotations;

namespace SalesReporting.Data;

/// <summary>Section "Company": what every period and date is relative to.</summary>
public sealed class CompanyOptions
{
    public const string Section = "Company";

    /// <summary>IANA time zone in which months begin and end, and recurring jobs fire.</summary>
    [Required]
    public string TimeZone { get; set; } = "Asia/Shanghai";

    public TimeZoneInfo ResolveTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>Today's date in the company time zone, by the given clock.</summary>
    public DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), ResolveTimeZone()).DateTime);
}

/// <summary>Section "Sources": where the extraction queries live.</summary>
public sealed class SourceOptions
{
    public const string Section = "Sources";

    /// <summary>Folder holding one extraction query per source table (crm.reps.sql, finance.invoices.sql, ...).
    /// Defaults to the copies shipped next to the program.</summary>
    public string? QueryDirectory { get; set; }

    /// <summary>How far back of the watermark each incremental pull reaches, so rows committed late are not missed.</summary>
    [Range(0, 1440)]
    public int OverlapMinutes { get; set; } = 5;

    /// <summary>Source tables pulled at the same time, each on its own connections, a table only after the tables its
    /// checks read (reps after teams, payments after invoices).</summary>
    [Range(1, 16)]
    public int Parallelism { get; set; } = 2;

    /// <summary>A pull of at least this many rows into an empty staging table (a first sync, or staging emptied to pull
    /// everything again) drops the table's indexes, its key's included, and builds each once after the rows are in,
    /// instead of entering every row into each index. The table is locked against readers until its pull commits.</summary>
    [Range(0, long.MaxValue)]
    public long FirstPullIndexRows { get; set; } = 100_000;

    public string ResolveQueryDirectory() =>
        string.IsNullOrWhiteSpace(QueryDirectory) ? Path.Combine(AppContext.BaseDirectory, "sql", "extract") : QueryDirectory;
}

/// <summary>Section "Indicators".</summary>
public sealed class IndicatorOptions
{
    public const string Section = "Indicators";

    /// <summary>Longest time one indicator query may run before it is cancelled and reported.</summary>
    [Range(1, 3600)]
    public int QueryTimeoutSeconds { get; set; } = 120;

    /// <summary>Indicator queries run at the same time, each on its own connection.</summary>
    [Range(1, 32)]
    public int Parallelism { get; set; } = 4;

    /// <summary>Months of history kept computed behind the reported month, for MoM, trends and YoY.</summary>
    [Range(1, 24)]
    public int HistoryMonths { get; set; } = 12;
}

/// <summary>Section "Import": the limits of an import file (targets, actions, reasons), checked before anything of
/// it is read (docs/input.md).</summary>
public sealed class ImportOptions
{
    public const string Section = "Import";

    /// <summary>The largest import file, .csv or .xlsx, in megabytes.</summary>
    [Range(1, 1024)]
    public int MaxFileMegabytes { get; set; } = 20;

    /// <summary>The most an .xlsx may unpack to (the sum of its zip entries, uncompressed), in megabytes: a workbook is
    /// a zip, and a small one can unpack to gigabytes.</summary>
    [Range(1, 4096)]
    public int MaxXlsxUncompressedMegabytes { get; set; } = 200;

    public long MaxFileBytes => MaxFileMegabytes * 1024L * 1024;

    public long MaxXlsxUncompressedBytes => MaxXlsxUncompressedMegabytes * 1024L * 1024;
}
