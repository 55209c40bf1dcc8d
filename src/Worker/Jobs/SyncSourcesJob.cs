using System.ComponentModel;
using Hangfire;
using SalesReporting.Data.Sources;

namespace SalesReporting.Worker.Jobs;

/// <summary>sync-sources: incremental pull of every source table (recurring, and the first step of month-end).</summary>
public sealed class SyncSourcesJob(SourceSync sync)
{
    [DisplayName("sync-sources")]
    [AutomaticRetry(Attempts = 3)]
    [DisableConcurrentExecution(timeoutInSeconds: 3600)]
    public async Task<string> RunAsync(CancellationToken ct) => (await sync.RunAsync(ct)).ToString();
}
