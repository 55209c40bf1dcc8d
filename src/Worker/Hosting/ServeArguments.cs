namespace SalesReporting.Worker.Hosting;

/// <summary>
/// What <c>serve</c> takes after its name: ASP.NET Core's own host switches and settings, read by its command-line
/// configuration (<c>--key value</c>, <c>--key=value</c>, <c>/key value</c>, <c>key=value</c>). That reader ignores what it
/// cannot use (<c>serve --ulrs x</c>, <c>serve extra</c> started on the defaults), so anything else is refused here.
/// </summary>
public static class ServeArguments
{
    /// <summary>The host's switches and the top-level settings ASP.NET Core reads; any other setting has a section
    /// (<c>--Hangfire:Server false</c>, <c>--Logging:LogLevel:Default=Warning</c>).</summary>
    public static readonly string[] HostKeys =
    [
        "urls", "environment", "contentRoot", "applicationName",
        "http_ports", "https_ports", "https_port", "AllowedHosts", "webroot", "detailedErrors", "shutdownTimeoutSeconds",
        "suppressStatusMessages", "preventHostingStartup", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies",
    ];

    private static readonly string[] HelpTokens = ["--help", "-h", "-?", "/h", "/?"];

    private const string Expected =
        "expected --urls, --environment, --contentRoot, --applicationName or a setting as --Section:Key value (e.g. --Hangfire:Server false)";

    /// <summary>One message per token serve cannot use; empty when every token is a host switch or a setting with its value.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var problems = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (HelpTokens.Contains(token, StringComparer.Ordinal)) continue; // the usage, printed by System.CommandLine
            var prefix = token.StartsWith("--", StringComparison.Ordinal) ? 2 : token.StartsWith('/') ? 1 : 0;
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (prefix == 0 && token.StartsWith('-'))
            {
                problems.Add($"serve: unknown option '{token}'; {Expected}.");
                if (equals < 0 && i + 1 < args.Count && !args[i + 1].StartsWith('-')) i++; // its value goes with it
                continue;
            }
            if (prefix == 0 && equals <= 0)
            {
                problems.Add($"serve: unexpected argument '{token}'; {Expected}.");
                continue;
            }
            var key = equals >= 0 ? token[prefix..equals] : token[prefix..];
            if (!Known(key))
            {
                problems.Add($"serve: unknown option '{token}'; {Expected}.");
                if (equals < 0 && i + 1 < args.Count && !args[i + 1].StartsWith('-')) i++; // its value goes with it
                continue;
            }
            if (equals >= 0) continue;
            if (i + 1 >= args.Count) problems.Add($"serve: '{token}' needs a value (e.g. {token} {Example(key)}).");
            else i++; // ASP.NET takes the next token as the value, whatever it is
        }
        return problems;
    }

    private static bool Known(string key) =>
        key.Length > 0 && (HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase)
                           || (key.Contains(':', StringComparison.Ordinal) && !key.StartsWith(':') && !key.EndsWith(':')));

    private static string Example(string key) => key.ToLowerInvariant() switch
    {
        "urls" => "http://127.0.0.1:5000",
        "environment" => "Production",
        _ => "VALUE",
    };
}
