using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace SalesReporting.Data.Findings;

/// <summary>
/// The four checks that look at one rep's visits of the month in time order — visits without duration,
/// more than 12 visits in a local day, visits that start inside an earlier one, and the spot-check draw —
/// from one read of the month's visits. Each check used to sort or group the same rows on its own; read
/// once and grouped by rep, the visits fit in memory (a rep has tens a month) and each check is a walk
/// over a short list.
/// </summary>
internal static class VisitScan
{
    public sealed record Result(List<Finding> NoDuration, List<Finding> BusyDays, List<Finding> Overlaps, List<Finding> SpotChecks);

    private sealed record Rep(string RepId, string TeamId, string Locale, bool Active);

    /// <param name="Starts">the instant (UTC)</param>
    /// <param name="Local">the same instant on the company's clock, as the server converts it</param>
    private readonly record struct Visit(string ActivityId, string? CustomerId, DateTime Starts, DateTime Local, int? Minutes, string? Subject)
    {
        public DateTime Ends => Starts.AddMinutes(Minutes ?? 0);
    }

    /// <summary>Start, then activity id: the order every check walks (and the order the findings are listed in).</summary>
    private static int InOrder(Visit a, Visit b)
    {
        var c = a.Starts.CompareTo(b.Starts);
        return c != 0 ? c : string.CompareOrdinal(a.ActivityId, b.ActivityId);
    }

    public static async Task<Result> RunAsync(NpgsqlConnection conn, Period period, string tzName, CancellationToken ct)
    {
        // Reps with a team row, as the checks' joins had it; the spot check draws for active reps only.
        var reps = (await conn.QueryAsync<(string RepId, string TeamId, string? Locale, bool Active)>(new CommandDefinition("""
                select r.rep_id, r.team_id, t.locale, r.active from staging.reps r join staging.teams t on t.team_id = r.team_id
                """, cancellationToken: ct)))
            .ToDictionary(r => r.RepId, r => new Rep(r.RepId, r.TeamId, TeamLocale.Of(r.Locale), r.Active), StringComparer.Ordinal);

        var visits = new Dictionary<string, List<Visit>>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("""
                         select a.rep_id, a.activity_id, a.customer_id, a.occurred_at, a.occurred_at at time zone @tz, a.duration_minutes, a.subject
                         from staging.activities a
                         where a.kind = 'visit' and a.occurred_at >= @start::timestamp at time zone @tz
                           and a.occurred_at < (@end + 1)::timestamp at time zone @tz
                         """, conn))
        {
            // The month's bounds are turned into instants by the server, as the catalog queries do.
            cmd.Parameters.AddWithValue("start", period.Start);
            cmd.Parameters.AddWithValue("end", period.End);
            cmd.Parameters.AddWithValue("tz", tzName);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var repId = reader.GetString(0);
                if (!reps.ContainsKey(repId)) continue;
                if (!visits.TryGetValue(repId, out var list)) visits[repId] = list = [];
                list.Add(new Visit(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetFieldValue<DateTime>(3), reader.GetDateTime(4), reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        var noDuration = new List<(Rep Rep, int Count, List<string> Examples)>();
        var busy = new List<(Rep Rep, DateOnly Day, int Count, string First)>();
        var overlaps = new List<(Rep Rep, Visit Visit, Visit Earlier)>();
        var drawn = new List<(Rep Rep, Visit Visit)>();
        var draw = new SpotCheckDraw(period.ToString());
        var timed = new List<Visit>();
        foreach (var repId in visits.Keys.Order(StringComparer.Ordinal))
        {
            var rep = reps[repId];
            var list = visits[repId];
            list.Sort(InOrder);

            List<string>? blank = null;
            var blanks = 0;
            DateOnly day = default;
            int dayCount = 0, dayFirst = 0;
            timed.Clear();
            var latestEnd = DateTime.MinValue;
            for (var i = 0; i < list.Count; i++)
            {
                var v = list[i];
                if ((v.Minutes ?? 0) == 0 && ++blanks <= 5) (blank ??= []).Add(v.ActivityId);

                var d = DateOnly.FromDateTime(v.Local);
                if (i == 0 || d != day)
                {
                    if (dayCount > FindingsCompute.MaxVisitsPerDay) busy.Add((rep, day, dayCount, list[dayFirst].ActivityId));
                    (day, dayCount, dayFirst) = (d, 0, i);
                }
                dayCount++;

                // A visit overlaps when it starts before the latest end among the earlier visits; the earlier
                // visit it names is the last-starting one still running at that moment.
                if (v.Minutes > 0)
                {
                    if (latestEnd > v.Starts)
                        for (var j = timed.Count - 1; j >= 0; j--)
                            if (timed[j].Ends > v.Starts)
                            {
                                overlaps.Add((rep, v, timed[j]));
                                break;
                            }
                    timed.Add(v);
                    if (v.Ends > latestEnd) latestEnd = v.Ends;
                }
            }
            if (dayCount > FindingsCompute.MaxVisitsPerDay) busy.Add((rep, day, dayCount, list[dayFirst].ActivityId));
            if (blank is not null) noDuration.Add((rep, blanks, blank));
            if (rep.Active) drawn.AddRange(draw.Take(repId, list).Select(v => (rep, v)));
        }

        var customerIds = overlaps.SelectMany(o => new[] { o.Visit.CustomerId, o.Earlier.CustomerId })
            .Concat(drawn.Select(d => d.Visit.CustomerId)).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var names = (await conn.QueryAsync<(string Id, string Name)>(new CommandDefinition(
                "select customer_id, name from staging.customers where customer_id = any(@ids)", new { ids = customerIds }, cancellationToken: ct)))
            .ToDictionary(c => c.Id, c => c.Name, StringComparer.Ordinal);
        string Customer(Visit v) => v.CustomerId is null ? "—" : names.GetValueOrDefault(v.CustomerId, v.CustomerId);

        const string authenticity = "authenticity";
        return new Result(
            noDuration.Select(x => new Finding(x.Rep.TeamId, authenticity, x.Rep.RepId, "effective_visits", x.Examples[0],
                FindingText.VisitsWithoutDurationOf(x.Rep.Locale, x.Count, x.Examples))).ToList(),
            busy.Select(x => new Finding(x.Rep.TeamId, authenticity, x.Rep.RepId, "visits", x.First,
                FindingText.TooManyVisitsOf(x.Rep.Locale, x.Day, x.Count))).ToList(),
            overlaps.Select(x => new Finding(x.Rep.TeamId, authenticity, x.Rep.RepId, "visits", x.Visit.ActivityId,
                FindingText.OverlappingVisitsOf(x.Rep.Locale, x.Visit.ActivityId, Customer(x.Visit), x.Visit.Local,
                    x.Earlier.ActivityId, Customer(x.Earlier), x.Earlier.Local, x.Earlier.Minutes!.Value))).ToList(),
            drawn.Select(x => new Finding(x.Rep.TeamId, "spot_check", x.Rep.RepId, "visits", x.Visit.ActivityId,
                FindingText.SpotCheck(x.Rep.Locale, Customer(x.Visit), x.Visit.Local, x.Visit.Subject, x.Visit.ActivityId))).ToList());
    }

    /// <summary>
    /// The spot-check draw: the rep's visits ordered by md5("period/rep/activity") (its hex digits, so its
    /// bytes, lowest first; activity id on a tie), the first <see cref="FindingsCompute.SpotCheckSize"/> taken.
    /// The same period and rep always draw the same visits, another period draws others, and nobody can
    /// steer the draw by choosing when to look.
    /// </summary>
    private sealed class SpotCheckDraw(string periodKey)
    {
        private readonly (byte[] Hash, Visit Visit)[] best = new (byte[], Visit)[FindingsCompute.SpotCheckSize];
        private byte[] buffer = new byte[256];

        public List<Visit> Take(string repId, List<Visit> visits)
        {
            var kept = 0;
            foreach (var v in visits)
            {
                var key = $"{periodKey}/{repId}/{v.ActivityId}";
                var length = Encoding.UTF8.GetByteCount(key);
                if (length > buffer.Length) buffer = new byte[length * 2];
                Encoding.UTF8.GetBytes(key, buffer);
                var hash = MD5.HashData(buffer.AsSpan(0, length));
                // Insertion into the few kept so far, lowest first.
                var at = kept;
                while (at > 0 && Before(hash, v, best[at - 1])) at--;
                if (at >= best.Length) continue;
                for (var k = Math.Min(kept, best.Length - 1); k > at; k--) best[k] = best[k - 1];
                best[at] = (hash, v);
                if (kept < best.Length) kept++;
            }
            return best.Take(kept).Select(b => b.Visit).ToList();
        }

        private static bool Before(byte[] hash, Visit v, (byte[] Hash, Visit Visit) other)
        {
            var c = hash.AsSpan().SequenceCompareTo(other.Hash);
            return c < 0 || (c == 0 && string.CompareOrdinal(v.ActivityId, other.Visit.ActivityId) < 0);
        }
    }
}
