using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using Spectre.Console;

namespace SalesReporting.Demo;

/// <summary>`demo [--out DIR]`: loads the demo organisation into the crm and finance databases and writes its targets.csv.</summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var outOption = new Option<string>("--out") { Description = "Folder for the demo's targets.csv", DefaultValueFactory = _ => Path.Combine("out", "demo") };
        var replaceOption = new Option<bool>("--replace-existing")
            { Description = "Replace the crm and finance source tables even when they hold rows the demo did not write (deletes them)" };
        var demo = new Command("demo", "Load the demo organisation into the crm and finance databases and write its targets.csv. "
            + "Refuses databases whose source tables hold rows it did not write, unless --replace-existing.") { outOption, replaceOption };
        demo.SetAction((parse, ct) => GenerateAsync(Path.GetFullPath(parse.GetValue(outOption)!), parse.GetValue(replaceOption), ct));
        var root = new RootCommand("SalesReporting's demo organisation, for scripts/demo and trying the worker out.") { demo };
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task<int> GenerateAsync(string outputDirectory, bool replaceExisting, CancellationToken ct)
    {
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:SalesReporting"] = "Warning" });
            builder.AddData();
            using var host = builder.Build();
            await host.StartAsync(ct); // runs the ValidateOnStart checks
            var summary = await DemoOrganisation.GenerateAsync(host.Services.GetRequiredService<Databases>(), outputDirectory, ct, replaceExisting);
            AnsiConsole.MarkupLine($"demo organisation: {summary.Teams} teams, {summary.Reps} reps, {summary.Rows:N0} source rows; targets in {Markup.Escape(summary.TargetsFile)}");
            await host.StopAsync(CancellationToken.None);
            return 0;
        }
        catch (DemoRefusedException ex)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var f in ex.Failures) Console.Error.WriteLine("configuration error: " + f);
            return 3;
        }
        catch (Exception ex) when (ex is FormatException or FileNotFoundException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 1;
        }
    }
}
