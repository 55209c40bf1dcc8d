using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesReporting.Data;
using SalesReporting.Reports.Delivery;

namespace SalesReporting.Worker.Hosting;

/// <summary>
/// What a person sees when a command or `serve` fails: one line on standard error that says what failed and what to do,
/// and an exit code (3 configuration, 4 a rejected file, 1 anything else). The detail (the exception with its stack) goes to
/// a log file named on that line, never onto the screen (docs/input.md, "No stack traces for people").
/// </summary>
public static class Failures
{
    /// <summary>Where the details of failures are written: Logging:ErrorDirectory, or salesreporting in the temporary folder.</summary>
    public static string LogDirectory(IConfiguration? configuration) =>
        configuration?["Logging:ErrorDirectory"] is { Length: > 0 } dir ? dir : Path.Combine(Path.GetTempPath(), "salesreporting");

    /// <summary>Writes the line (and the detail file) for a failure and returns the exit code.</summary>
    public static int Report(Exception ex, IConfiguration? configuration, TextWriter? err = null)
    {
        ArgumentNullException.ThrowIfNull(ex);
        err ??= Console.Error;
        switch (ex)
        {
            case OptionsValidationException o:
                foreach (var f in o.Failures) err.WriteLine("configuration error: " + f);
                return 3;
            case ImportRejectedException r:
                err.WriteLine(r.Message);
                return 4;
        }
        var line = Describe(ex, configuration);
        // A message written for people (a bad --date, a missing file) is all there is; anything else leaves its stack in a file.
        var detail = ex is FormatException or FileNotFoundException ? null : WriteDetail(ex, configuration);
        err.WriteLine(line + (detail is null ? "" : $" (details: {detail})"));
        return 1;
    }

    /// <summary>The one line for an exception: what failed, and what to do about it.</summary>
    public static string Describe(Exception ex, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (Find<AddressInUseException>(ex) is { } inUse || (Find<IOException>(ex) is { } io && Find<SocketException>(io) is { SocketErrorCode: SocketError.AddressAlreadyInUse }))
        {
            var message = (Find<IOException>(ex) ?? (Exception)ex).Message;
            var address = message.StartsWith("Failed to bind to address ", StringComparison.Ordinal)
                ? message["Failed to bind to address ".Length..].Split(": ", 2)[0] : "the address";
            return $"error: cannot listen on {address}: another program is using it; stop that program, or start serve on another address with --urls (e.g. --urls http://127.0.0.1:5001)";
        }
        if (Find<TransientMailException>(ex) is { } transient)
            return $"error: the SMTP server {Smtp(configuration)} did not take the mail ({transient.Message}); check that it is running and the settings Smtp:Host and Smtp:Port, then run the command again (nothing is sent twice)";
        if (Find<PermanentMailException>(ex) is { } permanent)
            return $"error: the SMTP server {Smtp(configuration)} refused the mail ({permanent.Message}); check Smtp:User, Smtp:Password and Mail:From, then run the command again";
        if (Find<NpgsqlException>(ex) is { } db)
            return "error: " + DescribeDatabase(db, configuration);
        return "error: " + ex.Message;
    }

    private static string Smtp(IConfiguration? configuration) =>
        $"{configuration?["Smtp:Host"] ?? "?"}:{configuration?["Smtp:Port"] ?? "25"}";

    /// <summary>
    /// Which database a PostgreSQL error is of: each configured one is tried, and those that cannot be reached are named by
    /// their setting, server and database. When all answer, the error was of a query: its own message, and which setting's
    /// database it came from is not known.
    /// </summary>
    public static string DescribeDatabase(NpgsqlException ex, IConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var unreachable = new List<string>();
        foreach (var name in Databases.Names)
        {
            var cs = configuration?.GetConnectionString(name);
            if (string.IsNullOrWhiteSpace(cs)) continue;
            NpgsqlConnectionStringBuilder b;
            try { b = new NpgsqlConnectionStringBuilder(cs) { Timeout = 5, Pooling = false }; }
            catch (ArgumentException) { continue; }
            try
            {
                using var conn = new NpgsqlConnection(b.ConnectionString);
                conn.Open();
            }
            catch (Exception probe) when (probe is NpgsqlException or SocketException or TimeoutException or InvalidOperationException)
            {
                unreachable.Add($"ConnectionStrings:{name} (database {b.Database ?? "?"} on {b.Host}:{b.Port.ToString(CultureInfo.InvariantCulture)}): {FirstLine(probe.Message)}");
            }
        }
        return unreachable.Count > 0
            ? "cannot connect to " + string.Join("; ", unreachable) + ". Check that the server is running and the connection string is right."
            : FirstLine(ex.Message);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static T? Find<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T t) return t;
            if (e is AggregateException a && a.InnerExceptions.Select(Find<T>).FirstOrDefault(x => x is not null) is { } inner) return inner;
        }
        return null;
    }

    private static string? WriteDetail(Exception ex, IConfiguration? configuration)
    {
        try
        {
            var dir = LogDirectory(configuration);
            Directory.CreateDirectory(dir);
            var now = DateTime.UtcNow;
            var path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"error-{now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log"));
            File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{now:O} {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}\n{ex}\n"));
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
