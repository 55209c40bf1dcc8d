using System.Globalization;
using MimeKit;
using SalesReporting.Data.Pacing;
using SalesReporting.Reports.Delivery;
using SalesReporting.Reports.Forms;

namespace SalesReporting.Reports.Pacing;

/// <summary>
/// The weekly pacing email to a team's manager (docs/jobs.md, "Weekly pacing"), in the team's locale: the working days
/// elapsed, the team's first paced indicator to date against its pro-rated target, the reps projected below the line,
/// each rep's projected completion of every paced indicator, and a table per indicator with the figures behind it.
/// </summary>
public static class PacingEmail
{
    public static MimeMessage Compose(TeamPacing team, IReadOnlyList<string> failedIndicators, string from, string? workspaceUrl)
    {
        ArgumentNullException.ThrowIfNull(team);
        ArgumentNullException.ThrowIfNull(failedIndicators);
        var t = PacingText.For(team.Locale);
        var l = FormText.For(team.Locale);
        string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
        var month = l.FormatPeriod(team.Month);

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress(team.ManagerName ?? team.ManagerEmail, team.ManagerEmail));
        message.Subject = F(t.Subject, month, team.TeamName);

        var share = team.WorkingDays == 0 ? null : (decimal?)team.WorkingDaysElapsed * 100m / team.WorkingDays;
        var digest = new Digest(l.HtmlLang, F(t.Title, month, team.TeamName))
            .Paragraph(F(t.Greeting, team.ManagerName ?? team.ManagerEmail))
            .Paragraph(F(t.Intro, FormText.FormatDate(team.Through), team.WorkingDaysElapsed, team.WorkingDays, Format.Completion(share)));

        var lines = team.Lines.ToLookup(x => x.Indicator, StringComparer.Ordinal);
        // The indicators the team has targets for; all of them (actuals and projections alone) when it has none.
        var shown = team.Indicators.Where(i => lines[i.Code].Any(x => x.Target is not null)).ToList();
        if (shown.Count == 0) shown = team.Indicators.ToList();
        if (shown.Count > 0)
        {
            // The first paced indicator (revenue in the default catalog) for the team as a whole.
            var first = shown[0];
            var all = lines[first.Code].ToList();
            var actual = all.Sum(x => x.Actual);
            var targeted = all.Where(x => x.ProRatedTarget is not null).ToList();
            var proRated = targeted.Count == 0 ? (decimal?)null : targeted.Sum(x => x.ProRatedTarget!.Value);
            var target = targeted.Count == 0 ? (decimal?)null : targeted.Sum(x => x.Target!.Value);
            var projected = target is > 0 && team.WorkingDaysElapsed > 0 ? targeted.Sum(x => x.Projection ?? 0) * 100m / target : null;
            digest.Figures([
                (t.Elapsed, $"{team.WorkingDaysElapsed} / {team.WorkingDays}", null),
                ($"{first.Name(team.Locale)} · {t.ToDate}", Format.Value(actual, first.Unit), null),
                (t.ProRatedTarget, Format.Value(proRated, first.Unit), null),
                (t.Projected, Format.Completion(projected), Format.Standing(projected))]);
        }

        var line = team.AtRiskBelowPercent.ToString("0.##", CultureInfo.InvariantCulture) + "%";
        digest.Heading(F(t.AtRiskHeading, line))
            .List(team.AtRisk.Select(r => (r.RepName, string.Join("；", r.Lines.Select(x =>
            {
                var indicator = team.Indicators.First(i => i.Code == x.Indicator);
                return F(t.AtRiskDetail, indicator.Name(team.Locale), Format.Completion(x.ProjectedCompletion),
                    Format.Value(x.Actual, indicator.Unit), Format.Value(x.ProRatedTarget, indicator.Unit), l.Unit(indicator.Unit, indicator.Code));
            })), (string?)"behind")).ToList(), t.NoneAtRisk);

        if (shown.Count > 0)
        {
            var reps = team.Lines.Select(x => (x.RepId, x.RepName)).Distinct().ToList();
            digest.Heading(t.ProjectedCompletionHeading)
                .Table([t.ColRep, .. shown.Select(i => i.Name(team.Locale))], reps.Select(r => (IReadOnlyList<DigestCell>)[
                    new(r.RepName),
                    .. shown.Select(i => lines[i.Code].First(x => x.RepId == r.RepId).ProjectedCompletion)
                        .Select(c => new DigestCell(Format.Completion(c), true, Format.Standing(c)))]));
            foreach (var indicator in shown)
                digest.Heading(indicator.Name(team.Locale) + l.UnitSuffix(indicator.Unit, indicator.Code))
                    .Table([t.ColRep, t.ColActual, t.ColProRated, t.ColPace, t.ColProjection, t.ColProjectedCompletion],
                        lines[indicator.Code].Select(x => (IReadOnlyList<DigestCell>)[
                            new(x.RepName),
                            new(Format.Value(x.Actual, indicator.Unit), true),
                            new(Format.Value(x.ProRatedTarget, indicator.Unit), true),
                            new(Format.Completion(x.Pace), true, Format.Standing(x.Pace)),
                            new(Format.Value(x.Projection, indicator.Unit), true),
                            new(Format.Completion(x.ProjectedCompletion), true, Format.Standing(x.ProjectedCompletion))]));
        }

        digest.Buttons([(t.OpenWorkspace, workspaceUrl, true)]).Note(t.HowNote);
        if (failedIndicators.Count > 0) digest.Note(F(t.FailedNote, string.Join(", ", failedIndicators)));
        digest.Note(t.OptOutNote);
        message.Body = new BodyBuilder { HtmlBody = digest.Html, TextBody = digest.Text }.ToMessageBody();
        return message;
    }
}
