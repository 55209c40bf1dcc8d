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

/// <summary>
/// Forms:OutputDirectory is created (when missing) and written to at start, so a folder that cannot take the PDFs stops
/// the worker before a month-end or a resend has changed anything (docs/input.md).
/// </summary>
public sealed class FormsOutputDirectoryValidation : Microsoft.Extensions.Options.IValidateOptions<FormsOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, FormsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.OutputDirectory)) return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
        var dir = options.OutputDirectory;
        try
        {
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".write-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"Forms:OutputDirectory '{dir}' cannot be written ({ex.Message.TrimEnd('.')}); expected a folder this user may create files in (it is created when missing).");
        }
    }
}
