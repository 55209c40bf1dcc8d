using System.Text.Json;
using SalesReporting.Data;
using SalesReporting.Data.Actions;
using SalesReporting.Worker.Jobs;

namespace SalesReporting.Worker.Api;

/// <summary>
/// The JSON API for improvement actions, notes and anomaly reasons (docs/design.md). Every request carries an API key
/// (header X-Api-Key, or Authorization: Bearer); every read and write is limited to the key's scope, and an
/// action outside it is answered 404 as if it did not exist.
/// </summary>
public static class ActionApi
{
    /// <summary>The API's JSON: snake_case names, as the import files.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly string[] ActionFieldNames =
        ["rep_id", "period", "problem", "root_cause", "cause_category", "action", "owner_name", "owner_email", "due_on", "checkpoint_on",
         "support_needed", "indicator", "status"];
    private const string ScopeKey = "SalesReporting.AccessScope";

    /// <returns>the /api group, for the other APIs behind the same key check</returns>
    public static RouteGroupBuilder MapActionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var presented = http.Request.Headers["X-Api-Key"].ToString();
            var auth = http.Request.Headers.Authorization.ToString();
            if (presented.Length == 0 && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) presented = auth[7..].Trim();
            var scope = presented.Length == 0 ? null : await http.RequestServices.GetRequiredService<ApiKeys>().FindAsync(presented, http.RequestAborted);
            if (scope is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"SalesReporting\"";
                return Results.Problem(statusCode: 401, title: "Unauthorized",
                    detail: presented.Length == 0 ? "An API key is required (header X-Api-Key)." : "The API key is not valid.");
            }
            http.Items[ScopeKey] = scope;
            return await next(context);
        });

        api.MapGet("/actions", async (HttpContext http, ActionStore store, string? rep_id, string? period, string? status, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            DateOnly? p = null;
            if (period is not null) { if (Period.TryParse(period, out var pp)) p = pp.Start; else errors["period"] = ["expected YYYY-MM"]; }
            if (status is not null && !ActionRules.Statuses.Contains(status)) errors["status"] = ["expected open or done"];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            var list = await store.ListAsync(Scope(http), rep_id, p, status, ct);
            return Results.Json(list.Select(Dto), Json);
        });

        api.MapGet("/actions/{id:long}", async (HttpContext http, ActionStore store, long id, CancellationToken ct) =>
            await store.GetAsync(Scope(http), id, ct) is { } a ? Results.Json(Dto(a), Json) : NotFound(id));

        // The action and its follow-up jobs are one unit (ActionWrites): when scheduling fails, nothing is kept.
        api.MapPost("/actions", async (HttpContext http, ActionStore store, ActionWrites writes, CancellationToken ct) =>
        {
            var (fields, problem) = await ReadActionAsync(http, store, ct);
            if (problem is not null) return problem;
            var created = await writes.CreateAsync(fields!, ct);
            if (created is null)
                return Results.Problem(statusCode: 409, title: "Conflict",
                    detail: $"An action for rep {fields!.RepId}, period {Period.FromDate(fields.Period)} and this problem exists already; change it with PUT.");
            return Results.Json(Dto(created), Json, statusCode: 201);
        });

        api.MapPut("/actions/{id:long}", async (HttpContext http, ActionStore store, ActionWrites writes, long id, CancellationToken ct) =>
        {
            if (await store.GetAsync(Scope(http), id, ct) is null) return NotFound(id);
            var (fields, problem) = await ReadActionAsync(http, store, ct);
            if (problem is not null) return problem;
            var (outcome, updated) = await writes.UpdateAsync(Scope(http), id, fields!, ct);
            if (outcome == ActionStore.UpdateOutcome.NotFound) return NotFound(id);
            if (outcome == ActionStore.UpdateOutcome.Conflict)
                return Results.Problem(statusCode: 409, title: "Conflict", detail: "Another action has the same rep, period and problem.");
            return Results.Json(Dto(updated!), Json);
        });

        api.MapGet("/actions/{id:long}/notes", async (HttpContext http, ActionStore store, long id, CancellationToken ct) =>
            await store.GetAsync(Scope(http), id, ct) is null ? NotFound(id) : Results.Json(await store.NotesAsync(id, ct), Json));

        api.MapPost("/actions/{id:long}/notes", async (HttpContext http, ActionStore store, long id, CancellationToken ct) =>
        {
            if (await store.GetAsync(Scope(http), id, ct) is null) return NotFound(id);
            var (values, problem) = await ReadStringsAsync(http, ["note"]);
            if (problem is not null) return problem;
            var text = values!.GetValueOrDefault("note")?.Trim() ?? "";
            if (text.Length == 0 || text.Length > ActionRules.MaxText)
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["note"] = [text.Length == 0 ? "required" : $"longer than {ActionRules.MaxText} characters"] });
            var note = await store.AddNoteAsync(Scope(http), id, text, ct);
            return note is null ? NotFound(id) : Results.Json(note, Json, statusCode: 201);
        });

        api.MapGet("/reasons", async (HttpContext http, ActionStore store, string? period, string? rep_id, CancellationToken ct) =>
        {
            DateOnly? p = null;
            if (period is not null) { if (Period.TryParse(period, out var pp)) p = pp.Start; else return Results.ValidationProblem(new Dictionary<string, string[]> { ["period"] = ["expected YYYY-MM"] }); }
            return Results.Json(await store.ReasonsAsync(Scope(http), p, rep_id, ct), Json);
        });

        api.MapPut("/reasons/{period}/{rep_id}/{indicator}", async (HttpContext http, ActionStore store, string period, string rep_id, string indicator, CancellationToken ct) =>
        {
            var (values, problem) = await ReadStringsAsync(http, ["reason"]);
            if (problem is not null) return problem;
            var errors = await CheckReasonKeyAsync(http, store, period, rep_id, indicator, ct);
            var reason = values!.GetValueOrDefault("reason")?.Trim() ?? "";
            if (reason.Length == 0) errors["reason"] = ["required"];
            else if (reason.Length > ActionRules.MaxText) errors["reason"] = [$"longer than {ActionRules.MaxText} characters"];
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            return Results.Json(await store.SetReasonAsync(Period.Parse(period).Start, rep_id, indicator, reason, Scope(http).Name, ct), Json);
        });

        api.MapDelete("/reasons/{period}/{rep_id}/{indicator}", async (HttpContext http, ActionStore store, string period, string rep_id, string indicator, CancellationToken ct) =>
        {
            var errors = await CheckReasonKeyAsync(http, store, period, rep_id, indicator, ct);
            if (errors.Count > 0) return Results.ValidationProblem(errors);
            return await store.DeleteReasonAsync(Period.Parse(period).Start, rep_id, indicator, ct) ? Results.NoContent()
                : Results.Problem(statusCode: 404, title: "Not found", detail: "No reason written for this period, rep and indicator.");
        });
        return api;
    }

    internal static AccessScope Scope(HttpContext http) => (AccessScope)http.Items[ScopeKey]!;

    private static IResult NotFound(long id) => Results.Problem(statusCode: 404, title: "Not found", detail: $"No action {id}.");

    private static object Dto(ActionRecord a) => new
    {
        a.Id, a.RepId, Period = Period.FromDate(a.Period).ToString(), a.Problem, a.RootCause, a.CauseCategory, a.Action, a.OwnerName,
        a.OwnerEmail, a.DueOn, a.CheckpointOn, a.SupportNeeded, a.Indicator, a.Status, a.Effectiveness, a.CreatedAt, a.UpdatedAt,
    };

    /// <summary>What a key is told of a rep it may not name, whether or not the rep exists.</summary>
    public const string UnknownOrHidden = "unknown rep, or not one this key may see";

    private static async Task<Dictionary<string, string[]>> CheckReasonKeyAsync(HttpContext http, ActionStore store, string period, string repId, string indicator, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Period.TryParse(period, out _)) errors["period"] = ["expected YYYY-MM"];
        var (reps, indicators) = await store.KnownAsync(ct, [repId]);
        if (!reps.Contains(repId) || !await store.RepInScopeAsync(Scope(http), repId, ct)) errors["rep_id"] = [UnknownOrHidden];
        if (!indicators.Contains(indicator)) errors["indicator"] = ["unknown indicator"];
        return errors;
    }

    private static async Task<(ActionFields?, IResult?)> ReadActionAsync(HttpContext http, ActionStore store, CancellationToken ct)
    {
        var (v, problem) = await ReadStringsAsync(http, ActionFieldNames);
        if (problem is not null) return (null, problem);
        string? F(string name) => v!.GetValueOrDefault(name);
        var (reps, indicators) = await store.KnownAsync(ct, F("rep_id")?.Trim() is { Length: > 0 } rep ? [rep] : []);
        var (fields, errors) = ActionRules.Check(new ActionDraft(F("rep_id"), F("period"), F("problem"), F("root_cause"), F("cause_category"),
            F("action"), F("owner_name"), F("owner_email"), F("due_on"), F("checkpoint_on"), F("support_needed"), F("indicator"), F("status")),
            reps, indicators, store.Today);
        var all = errors.ToList();
        // A rep outside the key's scope reads the same as an unknown one: the API does not tell which reps exist (and so
        // does not say "not in the CRM" of a rep that is there).
        var scope = Scope(http);
        if (scope.Role != "admin" && F("rep_id")?.Trim() is { Length: > 0 } asked && reps.Problem(asked) is { } unknown)
            all = [.. all.Where(e => !(e.Field == "rep_id" && e.Reason == unknown)), new FieldError("rep_id", asked, UnknownOrHidden)];
        else if (fields is not null && !await store.RepInScopeAsync(scope, fields.RepId, ct))
            all.Add(new FieldError("rep_id", fields.RepId, UnknownOrHidden));
        if (all.Count == 0) return (fields, null);
        return (null, Results.ValidationProblem(all.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray()),
            title: "The action is not valid."));
    }

    /// <summary>What PostgreSQL text cannot hold, said the same way everywhere (docs/input.md).</summary>
    public const string NulReason = "contains a NUL character (U+0000), which text cannot hold; remove it";
    public const string SurrogateReason = "contains a lone UTF-16 surrogate (such as \\ud800 without its pair), which is no character; expected Unicode text";

    /// <summary>A JSON object of string (or null) fields. Unknown fields and wrong types are errors naming the field, and so is
    /// text PostgreSQL cannot store (a NUL, a lone surrogate); a body that is not UTF-8 is refused whole. All answered 400.</summary>
    private static async Task<(Dictionary<string, string?>?, IResult?)> ReadStringsAsync(HttpContext http, string[] allowed)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var bytes = buffer.ToArray();
        if (StorableText.FirstInvalidUtf8(bytes) is { } at)
            return (null, Results.ValidationProblem(new Dictionary<string, string[]>
                { ["body"] = [$"not valid UTF-8: byte {at} is 0x{bytes[at]:X2}; expected JSON in UTF-8"] }));
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes); }
        catch (JsonException ex)
        {
            return (null, Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"not valid JSON: {ex.Message}"] }));
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return (null, Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["expected a JSON object"] }));
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            var errors = new Dictionary<string, string[]>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var name = StorableText.Shown(p.Name);
                if (!allowed.Contains(p.Name)) errors[name] = ["unknown field; expected one of " + string.Join(", ", allowed)];
                else if (p.Value.ValueKind == JsonValueKind.String)
                {
                    string? text;
                    try { text = p.Value.GetString(); }
                    catch (InvalidOperationException) { errors[name] = [SurrogateReason]; continue; }
                    if (text is not null && text.Contains('\0', StringComparison.Ordinal)) errors[name] = [NulReason];
                    else if (text is not null && StorableText.HasLoneSurrogate(text)) errors[name] = [SurrogateReason];
                    else values[p.Name] = text;
                }
                else if (p.Value.ValueKind == JsonValueKind.Null) values[p.Name] = null;
                else errors[name] = ["expected a string"];
            }
            return errors.Count > 0 ? (null, Results.ValidationProblem(errors)) : (values, null);
        }
    }
}

/// <summary>Text PostgreSQL can store: no NUL (U+0000), valid UTF-8, no lone surrogate.</summary>
public static class StorableText
{
    private static readonly System.Text.UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    /// <summary>The offset of the first byte that is not UTF-8, or null.</summary>
    public static int? FirstInvalidUtf8(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try { Strict.GetCharCount(bytes); return null; }
        catch (System.Text.DecoderFallbackException ex) { return Math.Max(0, ex.Index); }
    }

    public static bool HasLoneSurrogate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    public static bool Storable(string? text) => text is null || (!text.Contains('\0', StringComparison.Ordinal) && !HasLoneSurrogate(text));

    /// <summary>A value as it may be shown back: a NUL as ␀, a lone surrogate as U+FFFD.</summary>
    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = text.Replace('\0', '␀').ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { i++; continue; }
            if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    /// <summary>
    /// Before any endpoint of /api and /app: a NUL or a lone surrogate in the path, the query or a submitted form's fields is
    /// answered 400 naming where, instead of reaching PostgreSQL (which would fail the request with a 500).
    /// </summary>
    /// <param name="prefix">/api (answered with problem details) or /app (plain text)</param>
    public static async Task GuardAsync(string prefix, HttpContext http, Func<Task> next)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(next);
        if (!http.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) { await next(); return; }
        var api = prefix == "/api";
        string? problem = null;
        if (!Storable(http.Request.Path.Value)) problem = "the path " + (http.Request.Path.Value!.Contains('\0', StringComparison.Ordinal) ? ApiNul : ApiSurrogate);
        foreach (var (key, values) in http.Request.Query)
            if (problem is null && (!Storable(key) || values.Any(v => !Storable(v))))
                problem = $"the query parameter '{Shown(key)}' " + (key.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true) ? ApiNul : ApiSurrogate);
        if (problem is null && http.Request.HasFormContentType && HttpMethods.IsPost(http.Request.Method))
        {
            IFormCollection? form = null;
            try { form = await http.Request.ReadFormAsync(http.RequestAborted); }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
            {
                // The framework's own refusal of a form it cannot read (an endpoint would answer it 400 without a word).
                problem = ex.Message == "The form value contains invalid characters."
                    ? "a field of the form contains a character text cannot hold (a NUL, U+0000, or a lone surrogate); remove it"
                    : $"the form cannot be read ({ex.Message.TrimEnd('.')})";
            }
            foreach (var (key, values) in form ?? new FormCollection(null))
                if (problem is null && (!Storable(key) || values.Any(v => !Storable(v))))
                    problem = $"the field '{Shown(key)}' " + (key.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true) ? ApiNul : ApiSurrogate);
        }
        if (problem is null) { await next(); return; }
        http.Response.StatusCode = StatusCodes.Status400BadRequest;
        if (api)
            await Results.Problem(statusCode: 400, title: "Bad request", detail: char.ToUpperInvariant(problem[0]) + problem[1..] + ".").ExecuteAsync(http);
        else
        {
            http.Response.ContentType = "text/plain; charset=utf-8";
            await http.Response.WriteAsync(char.ToUpperInvariant(problem[0]) + problem[1..] + ".", http.RequestAborted);
        }
    }

    private const string ApiNul = ActionApi.NulReason;
    private const string ApiSurrogate = ActionApi.SurrogateReason;
}
