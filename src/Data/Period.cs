using System.Globalization;

namespace SalesReporting.Data;

/// <summary>A calendar month in the company time zone: the unit every report is about.</summary>
public readonly record struct Period(int Year, int Month) : IComparable<Period>
{
    public DateOnly Start => new(Year, Month, 1);
    public DateOnly End => Start.AddMonths(1).AddDays(-1);
    public Period Previous => Add(-1);
    public Period Add(int months) => FromDate(Start.AddMonths(months));

    public static Period FromDate(DateOnly date) => new(date.Year, date.Month);

    public static Period Parse(string text)
    {
        if (TryParse(text, out var period)) return period;
        throw new FormatException($"'{text}' is not a period: expected YYYY-MM, for example 2026-10.");
    }

    public static bool TryParse(string? text, out Period period)
    {
        period = default;
        if (text is null || text.Length != 7 || text[4] != '-') return false;
        if (!int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y)) return false;
        if (!int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return false;
        if (y < 1900 || y > 2999 || m < 1 || m > 12) return false;
        period = new Period(y, m);
        return true;
    }

    public int CompareTo(Period other) => (Year * 12 + Month).CompareTo(other.Year * 12 + other.Month);

    public override string ToString() => $"{Year:D4}-{Month:D2}";
}
