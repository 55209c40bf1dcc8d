using System.Globalization;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using SalesReporting.Worker.Hosting;

namespace SalesReporting.Bench;

/// <summary>The worker's services over the bench databases, mail going to the in-process SMTP server.</summary>
public static class BenchHost
{
    /// <summary><paramref name="serverConnectionString"/>: any database on the server; default the configured ConnectionStrings:Reporting.</summary>
    public static async Task<IHost> BuildAsync(string? serverConnectionString, BenchSettings settings, BenchSmtpServer smtp,
        IDictionary<string, string?>? extra, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        var server = serverConnectionString ?? builder.Configuration.GetConnectionString("Reporting");
        if (string.IsNullOrWhiteSpace(server))
            throw new OptionsValidationException("Reporting", typeof(string),
                ["ConnectionStrings:Reporting is not set (environment variable ConnectionStrings__Reporting); the bench creates its databases on that server."]);
        var (crm, finance, reporting) = await EnsureDatabasesAsync(server, settings.Prefix, ct);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:SalesReporting"] = "Warning",
            ["ConnectionStrings:Crm"] = crm,
            ["ConnectionStrings:Finance"] = finance,
            ["ConnectionStrings:Reporting"] = reporting,
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:User"] = "",
            ["Smtp:UseTls"] = "false",
            ["Forms:OutputDirectory"] = "",
        });
        if (extra is not null) builder.Configuration.AddInMemoryCollection(extra);
        builder.AddSalesReporting();
        builder.Services.AddSingleton(smtp);
        return builder.Build();
    }

    /// <summary>Creates {prefix}_crm, _finance and _reporting on the server of <paramref name="serverConnectionString"/> when missing.</summary>
    public static async Task<(string Crm, string Finance, string Reporting)> EnsureDatabasesAsync(string serverConnectionString, string prefix, CancellationToken ct)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(prefix, "^[a-z_][a-z0-9_]{0,40}$"))
            throw new FormatException($"Bench database prefix '{prefix}' must be lower-case letters, digits and _ (it names databases).");
        var b = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var names = new[] { $"{prefix}_crm", $"{prefix}_finance", $"{prefix}_reporting" };
        await using (var conn = new NpgsqlConnection(b.ConnectionString))
        {
            await conn.OpenAsync(ct);
            foreach (var name in names)
                if (!await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from pg_database where datname = @name)", new { name }, cancellationToken: ct)))
                    await conn.ExecuteAsync(new CommandDefinition($"create database {name}", cancellationToken: ct));
        }
        string For(string name) { b.Database = name; return b.ConnectionString; }
        return (For(names[0]), For(names[1]), For(names[2]));
    }
}
