using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesReporting.Data.Actions;
using SalesReporting.Data.Indicators;
using SalesReporting.Data.Sources;
using SalesReporting.Data.Targets;

namespace SalesReporting.Data;

public static class DataRegistration
{
    /// <summary>The three databases, the company clock and time zone, and what reads and writes them: sync, compute,
    /// targets, actions. Options are checked at start.</summary>
    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CompanyOptions>().BindConfiguration(CompanyOptions.Section).ValidateDataAnnotations()
            .Validate(o => { try { o.ResolveTimeZone(); return true; } catch (TimeZoneNotFoundException) { return false; } },
                "Company:TimeZone is not a known time zone (use an IANA name such as Asia/Shanghai).")
            .ValidateOnStart();
        services.AddOptions<SourceOptions>().BindConfiguration(SourceOptions.Section).ValidateDataAnnotations()
            .Validate(o => Directory.Exists(o.ResolveQueryDirectory()), "Sources:QueryDirectory does not exist; it must hold the extraction queries (crm.reps.sql, ...).")
            .ValidateOnStart();
        services.AddOptions<IndicatorOptions>().BindConfiguration(IndicatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Pacing.PacingOptions>().BindConfiguration(Pacing.PacingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<Pacing.PacingOptions>, PacingOptionsValidation>();
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section)
            .Validate(o => o.MaxFileMegabytes is >= 1 and <= 1024, "Import:MaxFileMegabytes must be between 1 and 1024 (megabytes).")
            .Validate(o => o.MaxXlsxUncompressedMegabytes is >= 1 and <= 4096, "Import:MaxXlsxUncompressedMegabytes must be between 1 and 4096 (megabytes).")
            .Validate(o => o.MaxXlsxUncompressedMegabytes >= o.MaxFileMegabytes,
                "Import:MaxXlsxUncompressedMegabytes must be at least Import:MaxFileMegabytes (an .xlsx unpacks to more than its size).")
            .ValidateOnStart();

        // The connection strings are checked at start (set, and readable as one), naming the setting.
        services.AddOptions<ConnectionStringsCheck>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionStringsCheck>>(new ConnectionStringsValidation(builder.Configuration));
        services.AddSingleton(_ =>
        {
            string Conn(string name) => builder.Configuration.GetConnectionString(name) is { Length: > 0 } c ? c
                : throw new OptionsValidationException(name, typeof(string),
                    [$"ConnectionStrings:{name} is not set (environment variable ConnectionStrings__{name}); scripts/demo sets it for the embedded default."]);
            return Databases.Create(Conn("Crm"), Conn("Finance"), Conn("Reporting"));
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<SourceSync>();
        services.AddSingleton<CrmReps>();
        services.AddSingleton<IndicatorCompute>();
        services.AddSingleton<IndicatorRollup>();
        services.AddSingleton<Pacing.PacingQuery>();
        services.AddSingleton<PeriodReviewQuery>();
        services.AddSingleton<TargetImport>();
        services.AddSingleton<Indicators.Catalog.CatalogStore>();
        services.AddSingleton<ActionStore>();
        services.AddSingleton<Teams.TeamSettings>();
        services.AddSingleton<ActionImport>();
        services.AddSingleton<ReasonImport>();
        return builder;
    }

    /// <summary>What is wrong with the three connection strings, naming each setting: not set, or not a connection string.</summary>
    public static IEnumerable<string> ConnectionStringProblems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var name in Databases.Names)
        {
            var value = configuration.GetConnectionString(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"ConnectionStrings:{name} is not set (environment variable ConnectionStrings__{name}); scripts/demo sets it for the embedded default.";
                continue;
            }
            string? problem = null;
            try { _ = new Npgsql.NpgsqlConnectionStringBuilder(value); }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException) { problem = ex.Message; }
            if (problem is not null)
                yield return $"ConnectionStrings:{name} is not a valid connection string ({problem.TrimEnd('.')}); expected keywords and values such as Host=db.example.com;Port=5432;Database=crm;Username=reporting.";
        }
    }

    /// <summary>The pacing calendar's entries checked at start, each wrong one named.</summary>
    private sealed class PacingOptionsValidation : IValidateOptions<Pacing.PacingOptions>
    {
        public ValidateOptionsResult Validate(string? name, Pacing.PacingOptions options) =>
            options.Problems().ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }

    /// <summary>A marker for the start-up check of the connection strings (<see cref="ConnectionStringProblems"/>).</summary>
    public sealed class ConnectionStringsCheck;

    private sealed class ConnectionStringsValidation(IConfiguration configuration) : IValidateOptions<ConnectionStringsCheck>
    {
        public ValidateOptionsResult Validate(string? name, ConnectionStringsCheck options) =>
            ConnectionStringProblems(configuration).ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
