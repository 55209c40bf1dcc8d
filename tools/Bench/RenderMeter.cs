using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SalesReporting.Reports.Rendering;

namespace SalesReporting.Bench;

/// <summary>Listens to one renderer's meter while it is alive: how many prints and cuts, and their summed seconds and
/// sizes, so the render stage can say where its time went (Chromium printing or the cutting of batches). Only that
/// renderer's (its meter's scope): another renderer printing in the same process is not counted.</summary>
internal sealed class RenderMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, (long Count, double Sum, double Max)> _totals = new();

    public RenderMeter(object renderer)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChromiumPdfRenderer.MeterName && ReferenceEquals(instrument.Meter.Scope, renderer))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    private void Add(string name, double value) =>
        _totals.AddOrUpdate(name, (1, value, value), (_, t) => (t.Count + 1, t.Sum + value, Math.Max(t.Max, value)));

    public (long Count, double Sum, double Max) this[string instrument] => _totals.GetValueOrDefault(instrument);

    /// <summary>"12 prints (Σ 31.0 s, longest 4.1 s), 11 batches of 45.5 documents on average, cut in Σ 1.2 s".</summary>
    public string Describe()
    {
        var prints = this["salesreporting.pdf.print.duration"];
        var cuts = this["salesreporting.pdf.cut.duration"];
        var batches = this["salesreporting.pdf.batch.documents"];
        return $"{prints.Count:N0} prints (Σ {prints.Sum:N1} s, longest {prints.Max:N1} s), "
            + $"{batches.Count:N0} batches of {(batches.Count == 0 ? 0 : batches.Sum / batches.Count):N1} documents on average (largest {batches.Max:N0}), "
            + $"cut in Σ {cuts.Sum:N1} s";
    }

    public void Dispose() => _listener.Dispose();
}
