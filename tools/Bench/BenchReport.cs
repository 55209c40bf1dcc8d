using SalesReporting.Data.Indicators;

namespace SalesReporting.Bench;

public sealed record BenchSettings
{
    public static readonly string[] AllStages = ["sync", "compute", "render", "deliver", "workspace", "monthend", "takeover"];
    public int Reps { get; init; } = 10_000;
    public int Months { get; init; } = 12;
    public bool Regenerate { get; init; }
    public IReadOnlyCollection<string> Stages { get; init; } = AllStages;
    /// <summary>Forms printed (and then delivered) by the render stage.</summary>
    public int Forms { get; init; } = 500;
    /// <summary>Forms printed one call each, for the naive rate.</summary>
    public int NaiveForms { get; init; } = 20;
    /// <summary>Measured GETs of each workspace page (after 20 to warm up).</summary>
    public int PageRequests { get; init; } = 200;
    /// <summary>The monthend stage's passes, by serve processes.</summary>
    public IReadOnlyList<int> MonthEndProcesses { get; init; } = [1, 2];
    /// <summary>Whether the month-end with a serve process killed runs (the takeover stage, or the monthend stage by default).</summary>
    public bool MonthEndTakeover { get; init; } = true;
    /// <summary>The bench databases are {Prefix}_crm, {Prefix}_finance and {Prefix}_reporting.</summary>
    public string Prefix { get; init; } = "bench";
}

/// <summary>One measured stage next to its floor: the least work that produces the same result.</summary>
public sealed record BenchFigure(string Stage, string Unit, long Items, TimeSpan Time, string Floor, long FloorItems, TimeSpan FloorTime, string? Note = null)
{
    public double Rate => Items / Math.Max(Time.TotalSeconds, 1e-9);
    public double FloorRate => FloorItems / Math.Max(FloorTime.TotalSeconds, 1e-9);
    /// <summary>Time per item relative to the floor's time per item: 1.0 is as fast as the floor.</summary>
    public double Ratio => FloorRate / Rate;
}

public sealed record BenchReport(BenchSize Size, BenchData.Counts Source, TimeSpan? Generated, IReadOnlyList<BenchFigure> Figures,
    IReadOnlyList<string> Notes, ComputeResult? Compute, int PdfCount, long FloorPdfPages, long SmtpLedgerMessages, long SmtpBareMessages,
    IReadOnlyList<BenchLatency> Latencies);

/// <summary>Percentiles of one series of sequential requests, in milliseconds.</summary>
public sealed record LatencySeries(string What, int Count, double P50, double P95, double Max)
{
    /// <summary>Nearest-rank percentiles of the sample.</summary>
    public static LatencySeries Of(string what, IReadOnlyCollection<double> ms)
    {
        var sorted = ms.Order().ToArray();
        double Rank(double p) => sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencySeries(what, sorted.Length, Rank(0.50), Rank(0.95), sorted.Length == 0 ? 0 : sorted[^1]);
    }
}

/// <summary>A page's latency next to its floors: the same server's /health, and the page's main query in-process.</summary>
public sealed record BenchLatency(LatencySeries Page, LatencySeries Floor, LatencySeries Query)
{
    public const double TargetP95Ms = 150;
    /// <summary>p95 of the page ÷ p95 of the /health floor.</summary>
    public double Ratio => Page.P95 / Math.Max(Floor.P95, 1e-6);
}
