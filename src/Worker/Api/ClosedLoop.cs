using Microsoft.Extensions.Options;

namespace SalesReporting.Worker.Api;

/// <summary>The closed loop's web side: the actions API and the acknowledgement page. Its services
/// are registered by <c>AddJobs()</c>, its daily follow-up-scan with the other recurring jobs.</summary>
public static class ClosedLoop
{
    /// <summary>The API and the acknowledgement page; refuses to start without the link settings.</summary>
    public static WebApplication MapClosedLoop(this WebApplication app)
    {
        var ack = app.Services.GetRequiredService<IOptions<AcknowledgementOptions>>().Value;
        var problems = ack.Problems().ToList();
        if (problems.Count > 0) throw new OptionsValidationException(AcknowledgementOptions.Section, typeof(AcknowledgementOptions), problems);
        // A NUL or a lone surrogate in a path or query of /api is a 400, never a 500 from PostgreSQL.
        app.Use((http, next) => StorableText.GuardAsync("/api", http, () => next(http)));
        app.MapActionApi().MapDeliveryApi();
        app.MapAcknowledgement();
        return app;
    }
}
