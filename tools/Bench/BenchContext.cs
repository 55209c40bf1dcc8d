using Microsoft.Extensions.DependencyInjection;
using SalesReporting.Data;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Bench;

/// <summary>What the stages of one bench run share: the services over the bench databases, the settings, the month
/// measured, where progress goes, and the figures and notes gathered for the report.</summary>
internal sealed class BenchContext(IServiceProvider services, BenchSettings settings, IBenchProgress progress)
{
    public IServiceProvider Services { get; } = services;
    public BenchSettings Settings { get; } = settings;
    public IBenchProgress Progress { get; } = progress;
    public Databases Db { get; } = services.GetRequiredService<Databases>();
    /// <summary>The month every stage measures: the last one generated.</summary>
    public Period Period { get; } = BenchSize.LastPeriod;
    public List<BenchFigure> Figures { get; } = [];
    public List<string> Notes { get; } = [];
    public List<BenchLatency> Latencies { get; } = [];

    /// <summary>What a stage needs done first and does not measure: shown, done, and noted in the report.</summary>
    public async Task UntimedAsync(string what, Func<Task> action)
    {
        var task = Progress.Start(what, 1);
        await action();
        task.Complete(what);
        Notes.Add(what);
    }

    /// <summary>The reps whose forms the render and deliver stages print and send: the first active ones.</summary>
    public async Task<IReadOnlyList<string>> RepsAsync(int count, CancellationToken ct)
    {
        var reps = await Services.GetRequiredService<FormQuery>().ActiveRepsAsync(ct);
        return reps.Take(count).Select(r => r.RepId).ToList();
    }
}
