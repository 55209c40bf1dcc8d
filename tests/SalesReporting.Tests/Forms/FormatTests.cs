using SalesReporting.Reports.Forms;
using Xunit;

namespace SalesReporting.Tests.Forms;

public sealed class FormatTests
{
    [Theory]
    [InlineData(85, 100, "85.0%")]
    [InlineData(75, 90, "83.3%")]
    [InlineData(12, 15, "80.0%")]
    [InlineData(100, 120, "83.3%")]
    [InlineData(18, 25, "72.0%")]
    [InlineData(25, 30, "83.3%")]
    public void Completion_is_printed_with_one_decimal(int actual, int target, string expected) =>
        Assert.Equal(expected, Format.Completion((decimal)actual / target * 100m));

    [Theory]
    [InlineData("83.25", "83.3%")]
    [InlineData("83.35", "83.4%")]
    [InlineData("-0.05", "-0.1%")]
    [InlineData("-0.04", "0.0%")]
    public void Percentages_round_half_away_from_zero_not_to_even(string value, string expected) =>
        Assert.Equal(expected, Format.Percent(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void A_completion_without_value_prints_a_dash() => Assert.Equal("—", Format.Completion(null));

    [Theory]
    [InlineData("85", "wan_yuan", "85")]
    [InlineData("96.59", "wan_yuan", "96.59")]
    [InlineData("96.5", "wan_yuan", "96.5")]
    [InlineData("1234.565", "wan_yuan", "1,234.57")]
    [InlineData("75", "percent", "75.0")]
    [InlineData("12", "count", "12")]
    [InlineData("1200", "count", "1,200")]
    [InlineData("12.25", "days", "12.3")]
    [InlineData("4.25", "score", "4.3")]
    public void Targets_and_actuals_print_in_the_precision_of_their_unit(string value, string unit, string expected) =>
        Assert.Equal(expected, Format.Value(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), unit));

    [Theory]
    [InlineData("zh-CN", "-12", "wan_yuan", "环比 -12.0%")]
    [InlineData("zh-CN", "-8", "percent", "环比 -8.0个百分点")]
    [InlineData("zh-CN", "0.49", "count", "环比 持平")]
    [InlineData("zh-CN", "-0.49", "percent", "环比 持平")]
    [InlineData("zh-CN", "0.5", "count", "环比 +0.5%")]
    [InlineData("zh-TW", "-8", "percent", "環比 -8.0個百分點")]
    [InlineData("en", "-8", "percent", "MoM -8.0 pp")]
    [InlineData("en", "6.25", "wan_yuan", "MoM +6.3%")]
    public void Month_on_month_change_is_relative_for_amounts_and_in_points_for_rates(
        string locale, string change, string unit, string expected)
    {
        var labels = FormText.For(locale);
        Assert.Equal(expected, Format.Change(decimal.Parse(change, System.Globalization.CultureInfo.InvariantCulture), unit, labels.Mom, labels));
    }

    [Fact]
    public void A_change_without_previous_value_is_no_value() =>
        Assert.Null(Format.Change(null, "count", "环比", FormText.ZhCn));

    [Theory]
    [InlineData("zh-CN", "2026年10月")]
    [InlineData("zh-TW", "2026年10月")]
    [InlineData("en", "Oct 2026")]
    public void The_period_is_written_the_locale_way(string locale, string expected) =>
        Assert.Equal(expected, FormText.For(locale).FormatPeriod(new SalesReporting.Data.Period(2026, 10)));

    [Fact]
    public void An_unknown_locale_is_rejected_with_the_supported_ones_named()
    {
        var error = Assert.Throws<ArgumentException>(() => FormText.For("fr"));
        Assert.StartsWith("Unknown form locale 'fr': expected one of zh-CN, zh-TW, en.", error.Message, StringComparison.Ordinal);
    }
}
