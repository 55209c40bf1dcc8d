namespace SalesReporting.Data;

/// <summary>New hire 新人: hired within 180 days of the period end; tenure month 1 is the month of hire.</summary>
public static class NewHire
{
    public const int Days = 180;

    public static bool Is(DateOnly? hireDate, Period period) => hireDate is { } h && h > period.End.AddDays(-Days);

    public static int? TenureMonth(DateOnly? hireDate, Period period) =>
        hireDate is { } h ? (period.Year - h.Year) * 12 + period.Month - h.Month + 1 : null;
}
