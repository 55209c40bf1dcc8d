using System.Diagnostics;
using System.Text;

namespace SalesReporting.Tests.Infrastructure;

/// <summary>The worker as a real process (`dotnet SalesReporting.Worker.dll ...`), as an admin or a service manager runs it.</summary>
public static class WorkerProcess
{
    public static string Dll { get; } = Path.Combine(RepoRoot(), "src", "Worker", "bin", "Release", "net10.0", "SalesReporting.Worker.dll");

    /// <summary>Settings for a process over these databases (environment variables, `__` for `:`).</summary>
    public static Dictionary<string, string> Environment(TestDatabase db, IDictionary<string, string>? more = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Crm"] = db.Crm,
            ["ConnectionStrings__Finance"] = db.Finance,
            ["ConnectionStrings__Reporting"] = db.Reporting,
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (k, v) in more ?? new Dictionary<string, string>()) env[k] = v;
        return env;
    }

    /// <summary>`dotnet SalesReporting.Worker.dll args` with these settings, its output redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string> env)
    {
        Assert.True(File.Exists(Dll), $"the worker is built by the solution build: {Dll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env) start.Environment[k] = v;
        return start;
    }

    public static Process Start(IEnumerable<string> args, IDictionary<string, string> env, StringBuilder? output = null)
    {
        var process = new Process { StartInfo = StartInfo(args, env) };
        var sink = output ?? new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (sink) sink.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (sink) sink.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs a one-shot command to its end: exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(IEnumerable<string> args, IDictionary<string, string> env, TimeSpan? timeout = null)
    {
        var start = StartInfo(args, env);
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"worker {string.Join(' ', args)} did not end in time; output: {await stdout} {await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SalesReporting.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SalesReporting.sln not found above " + AppContext.BaseDirectory);
    }
}
