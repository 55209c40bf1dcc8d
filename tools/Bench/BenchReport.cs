using SalesReporting.Data.Indicators;

namespace SalesReporting.Bench;

public sealed record BenchSettings
{
    public static readonly string[] AllStages = ["sync", "compute", "render", "deliver", "monthend"];
    public int Reps { get; init; } = 10_000;
    public int Months { get; init; } = 12;
    public bool Regenerate { get; init; }
    public IReadOnlyCollection<string> Stages { get; init; } = AllStages;
    /// <summary>Forms printed (and then delivered) by the render stage.</summary>
    public int Forms { get; init; } = 500;
    /// <summary>Forms printed one call each, for the naive rate.</summary>
    public int NaiveForms { get; init; } = 20;
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
    IReadOnlyList<string> Notes, ComputeResult? Compute, int PdfCount, long FloorPdfPages, long SmtpLedgerMessages, long SmtpBareMessages);
