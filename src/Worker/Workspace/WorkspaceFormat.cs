using System.Globalization;

namespace SalesReporting.Worker.Workspace;

public static class WorkspaceFormat
{
    /// <summary>A stored instant (UTC) as the company's local time.</summary>
    public static string Stamp(DateTime? utc, string timeZone)
    {
        if (utc is not { } at) return "";
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(at, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById(timeZone));
        return local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
