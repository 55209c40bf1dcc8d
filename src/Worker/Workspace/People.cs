using System.Security.Claims;
using Dapper;
using Microsoft.Extensions.Options;
using SalesReporting.Data;
using SalesReporting.Data.Actions;

namespace SalesReporting.Worker.Workspace;

/// <summary>Section "Workspace": who administers it, and how long a session and a sign-in link live.</summary>
public sealed class WorkspaceOptions
{
    public const string Section = "Workspace";
    /// <summary>Email addresses that sign in as admin: every team, every rep.</summary>
    public List<string> Admins { get; set; } = [];
    [System.ComponentModel.DataAnnotations.Range(1, 60)]
    public int SignInLinkMinutes { get; set; } = 15;
    [System.ComponentModel.DataAnnotations.Range(1, 24 * 30)]
    public int SessionHours { get; set; } = 12;
    /// <summary>Sign-in emails one address may receive per 15 minutes; more requests are answered alike and send nothing.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100)]
    public int SignInMailsPerAddress { get; set; } = 3;
    /// <summary>Sign-in requests one client address may make per minute (429 beyond).</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int SignInRequestsPerClient { get; set; } = 10;
    /// <summary>Where the data-protection keys live: unset = the reporting database (shared by every serve process).</summary>
    public string? KeysDirectory { get; set; }
}

/// <summary>
/// The signed-in person and what they may see, resolved from the CRM's current rows on every request: a manager
/// (teams.manager_email) their teams, a rep (reps.email) themself, a configured admin everything. Anything else
/// is answered 404, as if it did not exist.
/// </summary>
public sealed record Person(string Email, string Name, bool IsAdmin, IReadOnlySet<string> ManagedTeams, string? RepId, string? RepTeamId, string Locale)
{
    public bool IsManagerOf(string teamId) => IsAdmin || ManagedTeams.Contains(teamId);

    public bool CanSeeTeam(string teamId) => IsManagerOf(teamId);

    /// <summary>The rep's own pages, or a rep of a team this person manages.</summary>
    public bool CanSeeRep(string repId, string teamId) => IsAdmin || repId == RepId || ManagedTeams.Contains(teamId);

    /// <summary>Manager's writes (reasons, actions, 1:1, sign-off, answers, spot check): the rep's manager or an admin, never the rep.</summary>
    public bool CanManageRep(string teamId) => IsManagerOf(teamId);

    public bool IsRep(string repId) => repId == RepId;

    /// <summary>How the stores that existed before the workspace (actions, the API) see this person.</summary>
    public AccessScope ActionScope(string teamId) => new(IsAdmin ? "admin" : "manager", IsAdmin ? null : teamId, Email);

    public bool HasAnyRole => IsAdmin || ManagedTeams.Count > 0 || RepId is not null;
}

public sealed class People(Databases db, IOptions<WorkspaceOptions> options, SalesReporting.Worker.Api.ApiKeys keys)
{
    public const string EmailClaim = ClaimTypes.Email;
    /// <summary>The id of the admin API key a session was opened with (instead of an address).</summary>
    public const string KeyClaim = "sr_key";

    private sealed record Row(string Kind, string Id, string? TeamId, string? Name, string? Locale);

    /// <summary>Null when the address is nobody's: no rep, no manager, no admin.</summary>
    public async Task<Person?> FindAsync(string email, CancellationToken ct)
    {
        email = email.Trim();
        if (email.Length == 0 || email.Length > 320) return null;
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition($"""
            select 'manager' as kind, t.team_id as id, t.team_id, t.manager_name as name, {TeamLocale.Sql} as locale
            from staging.teams t where lower(t.manager_email) = lower(@email)
            union all
            select 'rep', r.rep_id, r.team_id, r.name, {TeamLocale.Sql}
            from staging.reps r join staging.teams t using (team_id) where lower(r.email) = lower(@email) and r.active
            order by 1, 2
            """, new { email }, cancellationToken: ct))).ToList();
        var admin = options.Value.Admins.Any(a => string.Equals(a.Trim(), email, StringComparison.OrdinalIgnoreCase));
        if (rows.Count == 0 && !admin) return null;
        var rep = rows.FirstOrDefault(r => r.Kind == "rep");
        var managed = rows.Where(r => r.Kind == "manager").Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        var name = rows.Select(r => r.Name).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)) ?? email;
        var locale = TeamLocale.Of((rows.FirstOrDefault(r => r.Kind == "manager") ?? rep)?.Locale);
        return new Person(email, name, admin, managed, rep?.Id, rep?.TeamId, locale);
    }

    /// <summary>The person of a signed-in request; null when signed out or when the address no longer belongs to anyone.</summary>
    public async Task<Person?> CurrentAsync(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated != true) return null;
        if (long.TryParse(http.User.FindFirstValue(KeyClaim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var keyId))
            return await keys.AdminKeyNameAsync(keyId, http.RequestAborted) is { } name
                ? new Person(SalesReporting.Worker.Api.ApiKeys.Actor(keyId, name), name, true, new HashSet<string>(), null, null, TeamLocale.Of(null))
                : null;
        var email = http.User.FindFirstValue(EmailClaim);
        return email is null ? null : await FindAsync(email, http.RequestAborted);
    }
}
