using System.ComponentModel.DataAnnotations;

namespace SalesReporting.Worker.Jobs;

/// <summary>Section "Forms".</summary>
public sealed class FormsOptions
{
    public const string Section = "Forms";
    /// <summary>When set, every rendered PDF is also kept here (period_rep.pdf).</summary>
    public string? OutputDirectory { get; set; }
    /// <summary>Teams rendered at once by an in-process month-end.</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 4;
    /// <summary>Forms of a team printed (in Chromium:BatchSize batches) before they are delivered; bounds the PDFs held in memory.</summary>
    [Range(1, 10_000)]
    public int DeliveryChunk { get; set; } = 100;
}
