using SalesReporting.Data;
using SalesReporting.Reports.Delivery;

namespace SalesReporting.Worker.Api;

/// <summary>The delivery audit for admins on the API: GET /api/deliveries?period=&amp;rep_id=&amp;team_id=&amp;status=, and
/// GET /api/deliveries/documents/{sha256}, the PDF that was sent. Other keys are answered 403.</summary>
public static class DeliveryApi
{
    public static RouteGroupBuilder MapDeliveryApi(this RouteGroupBuilder api)
    {
        api.MapGet("/deliveries", async (HttpContext http, DeliveryAudit audit, string? period, string? rep_id, string? team_id, string? status, CancellationToken ct) =>
        {
            if (AdminOnly(http) is { } refused) return refused;
            var errors = new Dictionary<string, string[]>();
            if (period is null) errors["period"] = ["required, YYYY-MM"];
            else if (!Period.TryParse(period, out _)) errors["period"] = ["expected YYYY-MM"];
            if (status is not null && !DeliveryFilter.Statuses.Contains(status)) errors["status"] = ["expected " + string.Join(", ", DeliveryFilter.Statuses)];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var rows = await audit.ListAsync(new DeliveryFilter(Period.Parse(period!), rep_id, team_id, status), ct);
            return Results.Json(rows.Select(d => new
            {
                d.Id, d.Kind, Period = Period.FromDate(d.Period).ToString(), d.SubjectId, d.Recipient, d.Status, d.SentAt, d.MessageId,
                d.Attempts, d.LastAnswer, d.LastAttemptAt, d.DocumentSha256, d.Sends,
                Document = d.DocumentSha256 is null ? null : $"/api/deliveries/documents/{d.DocumentSha256}",
            }), ActionApi.Json);
        });

        api.MapGet("/deliveries/documents/{sha256}", async (HttpContext http, DeliveryAudit audit, string sha256, CancellationToken ct) =>
        {
            if (AdminOnly(http) is { } refused) return refused;
            if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["sha256"] = ["expected 64 lower-case hex digits"] });
            return await audit.DocumentAsync(sha256, ct) is { } bytes
                ? Results.File(bytes, "application/pdf", $"{sha256[..12]}.pdf")
                : Results.Problem(statusCode: 404, title: "Not found", detail: $"No document {sha256} was sent.");
        });
        return api;
    }

    private static IResult? AdminOnly(HttpContext http) =>
        ActionApi.Scope(http).Role == "admin" ? null
            : Results.Problem(statusCode: 403, title: "Forbidden", detail: "The delivery audit is for admin keys.");
}
