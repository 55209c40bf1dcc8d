using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SalesReporting.Tests.Infrastructure;

namespace SalesReporting.Tests.Hosting;

/// <summary>Printing and delivery settings are checked when the worker starts, naming the key, not in the middle of a month-end.</summary>
public sealed class OptionsValidationTests : IAsyncLifetime
{
    private TestDatabase db = null!;

    public async Task InitializeAsync() => db = await TestDatabase.CreateAsync("sr_options");

    public async Task DisposeAsync() => await db.DisposeAsync();

    [Theory]
    [InlineData("Chromium:BatchSize", "0", "Chromium:BatchSize is 0; it must be at least 1.")]
    [InlineData("Chromium:MaxConcurrentPages", "0", "Chromium:MaxConcurrentPages is 0; it must be at least 1.")]
    [InlineData("Chromium:BatchGlyphBudget", "-1", "Chromium:BatchGlyphBudget is -1; it must not be negative.")]
    [InlineData("Forms:DeliveryChunk", "0", "DeliveryChunk")]
    [InlineData("Forms:Parallelism", "0", "Parallelism")]
    // MimeKit takes a bare word as an address without a domain; a sender needs one.
    [InlineData("Mail:From", "reports", MailFromMessage)]
    [InlineData("Mail:From", "not-an-email", MailFromMessage)]
    [InlineData("Mail:From", "Sales Reports <reports>", MailFromMessage)]
    [InlineData("Mail:From", "reports@", MailFromMessage)]
    [InlineData("Mail:From", "a@x.example, b@x.example", MailFromMessage)]
    public async Task A_bad_value_stops_the_start_with_a_message_naming_it(string key, string value, string message)
    {
        using var host = db.BuildHost(new Dictionary<string, string?> { [key] = value, ["Mail:PickupDirectory"] = Path.GetTempPath() });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private const string MailFromMessage = "Mail:From is not an email address (e.g. \"Sales Reports <reports@example.com>\").";

    [Theory]
    [InlineData("reports@example.com")]
    [InlineData("Sales Reports <reports@example.com>")]
    [InlineData("\"销售报表\" <reports@localhost>")]
    public void A_sender_with_a_domain_is_an_address(string from) => Assert.True(SalesReporting.Reports.Delivery.MailOptions.IsSenderAddress(from));
}
