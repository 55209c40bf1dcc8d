using System.Globalization;
using System.Net;
using Hangfire;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Worker.Hosting;

/// <summary>
/// A "Month-end" page on the dashboard: every closed month of the last two years, and the last eight quarters and the
/// years among them, with Run (send what was not sent) and
/// Resend (send everything again, same Message-Ids). Each button queues month-end-close for that month; the read-only
/// login sees the page but its buttons are refused (Hangfire's commands answer 401 to read-only users).
/// </summary>
public static class MonthEndDashboard
{
    private static int registered;

    /// <summary>Adds the page, its commands and its menu item to the dashboard, once per process (Hangfire's routes are global).</summary>
    public static void Register(IOptions<CompanyOptions> company, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(company);
        if (Interlocked.Exchange(ref registered, 1) == 1) return;
        DashboardRoutes.Routes.AddRazorPage("/month-end", _ => new Page(Period.FromDate(company.Value.Today(clock))));
        DashboardRoutes.Routes.AddCommand("/month-end/(?<period>[0-9]{4}-[0-9]{2})/(?<mode>run|resend)", context =>
        {
            if (!Period.TryParse(context.UriMatch.Groups["period"].Value, out var period)) return false;
            // Only a month that is over, as on the command line without --allow-open-period.
            if (period.CompareTo(Period.FromDate(company.Value.Today(clock))) >= 0) return false;
            var resend = context.UriMatch.Groups["mode"].Value == "resend";
            new BackgroundJobClient(context.Storage).Enqueue<MonthEndJob>(j => j.RunAsync(period.ToString(), resend, null, null, null, CancellationToken.None));
            return true;
        });
        // Quarters and years: the same two buttons, queuing period-end-close.
        DashboardRoutes.Routes.AddCommand("/period-end/(?<period>[0-9]{4}(-Q[1-4])?)/(?<mode>run|resend)", context =>
        {
            if (!Data.Indicators.RollupPeriod.TryParse(context.UriMatch.Groups["period"].Value, out var period)) return false;
            if (period.Last.CompareTo(Period.FromDate(company.Value.Today(clock))) >= 0) return false;
            var resend = context.UriMatch.Groups["mode"].Value == "resend";
            new BackgroundJobClient(context.Storage).Enqueue<PeriodEndJob>(j => j.CloseAsync(period.ToString(), resend, CancellationToken.None));
            return true;
        });
        NavigationMenu.Items.Add(page => new MenuItem("Month-end", page.Url.To("/month-end")) { Active = page.RequestPath.StartsWith("/month-end", StringComparison.Ordinal) });
    }

    private sealed class Page(Period current) : RazorPage
    {
        public override void Execute()
        {
            Layout = new LayoutPage("Month-end");
            WriteLiteral("""
                <div class="row"><div class="col-md-12">
                <h1 class="page-header">Month-end</h1>
                <p>Run closes a month: sync, compute, then every rep's form and every manager's summary, each sent once — what was sent already is not sent again.
                Resend sends every form and summary of that month again, with the same Message-Ids. Both queue <code>month-end-close</code>; follow it under Jobs.
                From the command line: <code>month-end --period YYYY-MM --enqueue --wait</code>.</p>
                <table class="table table-striped"><thead><tr><th>month</th><th></th></tr></thead><tbody>
                """);
            var month = current.Previous;
            for (var i = 0; i < 24; i++, month = month.Previous)
            {
                var p = WebUtility.HtmlEncode(month.ToString());
                WriteLiteral(string.Create(CultureInfo.InvariantCulture, $"""
                    <tr><td>{p}</td><td>
                    <button class="btn btn-sm btn-primary" data-ajax="{Url.To($"/month-end/{p}/run")}" data-loading-text="Queued">Run {p}</button>
                    <button class="btn btn-sm btn-default" data-ajax="{Url.To($"/month-end/{p}/resend")}" data-confirm="Send every form and summary of {p} again?" data-loading-text="Queued">Resend {p}</button>
                    </td></tr>
                    """));
            }
            WriteLiteral("""
                </tbody></table>
                <h2>Quarters and years</h2>
                <p>Run sends every rep the period's review and every manager the team's, from the monthly figures rolled up; Resend sends them again.
                Both queue <code>period-end-close</code>. From the command line: <code>month-end --period YYYY-Qn</code> or <code>--period YYYY</code>.</p>
                <table class="table table-striped"><thead><tr><th>period</th><th></th></tr></thead><tbody>
                """);
            var closed = new List<Data.Indicators.RollupPeriod>();
            var quarter = Data.Indicators.RollupPeriod.QuarterBefore(current);
            for (var i = 0; i < 8; i++, quarter = Data.Indicators.RollupPeriod.QuarterBefore(quarter.First))
            {
                closed.Add(quarter);
                if (quarter.Quarter == 4) closed.Add(new Data.Indicators.RollupPeriod(quarter.Year, null));
            }
            foreach (var period in closed)
            {
                var p = WebUtility.HtmlEncode(period.ToString());
                WriteLiteral(string.Create(CultureInfo.InvariantCulture, $"""
                    <tr><td>{p}</td><td>
                    <button class="btn btn-sm btn-primary" data-ajax="{Url.To($"/period-end/{p}/run")}" data-loading-text="Queued">Run {p}</button>
                    <button class="btn btn-sm btn-default" data-ajax="{Url.To($"/period-end/{p}/resend")}" data-confirm="Send every review and summary of {p} again?" data-loading-text="Queued">Resend {p}</button>
                    </td></tr>
                    """));
            }
            WriteLiteral("</tbody></table></div></div>");
        }
    }
}
