using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using SalesReporting.Data;
using SalesReporting.Data.Actions;

namespace SalesReporting.Worker.Api;

public sealed record ApiKeyInfo(long Id, string Name, string Role, string? ScopeId, DateTime CreatedAt, DateTime? RevokedAt);

/// <summary>
/// API keys: "srk_" + 32 random bytes (base64url). Only their SHA-256 is stored; the key itself is shown once
/// when created. A high-entropy key needs no slow hash, and looking up its hash reveals nothing usable.
/// </summary>
public sealed class ApiKeys(Databases db)
{
    public static readonly string[] Roles = ["admin", "manager", "rep"];

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public async Task<(long Id, string Key)> CreateAsync(string name, string role, string? scopeId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("--name is required (who or what uses the key).", nameof(name));
        if (!Roles.Contains(role)) throw new ArgumentException($"--role must be admin, manager or rep, not '{role}'.", nameof(role));
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        if (role == "admin" && scopeId is not null) throw new ArgumentException("An admin key has no --team or --rep.", nameof(scopeId));
        if (role == "manager" && !await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from staging.teams where team_id = @scopeId)", new { scopeId }, cancellationToken: ct)))
            throw new ArgumentException($"A manager key needs --team with a team id known to the CRM; '{scopeId}' is not one.", nameof(scopeId));
        if (role == "rep" && !await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from staging.reps where rep_id = @scopeId)", new { scopeId }, cancellationToken: ct)))
            throw new ArgumentException($"A rep key needs --rep with a rep id known to the CRM; '{scopeId}' is not one.", nameof(scopeId));

        var key = "srk_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var id = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into reporting.api_key(name, role, scope_id, key_hash) values (@name, @role, @scopeId, @hash) returning id
            """, new { name, role, scopeId, hash = Hash(key) }, cancellationToken: ct));
        return (id, key);
    }

    /// <summary>The scope of a valid, unrevoked key; null for anything else.</summary>
    public async Task<AccessScope?> FindAsync(string presented, CancellationToken ct) =>
        await FindKeyAsync(presented, ct) is { } key ? new AccessScope(key.Role, key.ScopeId, Actor(key.Id, key.Name)) : null;

    /// <summary>A valid, unrevoked key: its id, name, role and scope; null for anything else.</summary>
    public async Task<(long Id, string Name, string Role, string? ScopeId)?> FindKeyAsync(string presented, CancellationToken ct)
    {
        if (!presented.StartsWith("srk_", StringComparison.Ordinal) || presented.Length > 100) return null;
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(long Id, string Name, string Role, string? ScopeId)>(new CommandDefinition(
            "select id, name, role, scope_id from reporting.api_key where key_hash = @hash and revoked_at is null",
            new { hash = Hash(presented) }, cancellationToken: ct));
        return row.Id == 0 ? null : row;
    }

    /// <summary>An admin key that is not revoked, by id: its name; null otherwise (a workspace session of a revoked key ends).</summary>
    public async Task<string?> AdminKeyNameAsync(long id, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
            "select name from reporting.api_key where id = @id and role = 'admin' and revoked_at is null", new { id }, cancellationToken: ct));
    }

    /// <summary>How a key is named where a person's address would be: the change log, the API's actor.</summary>
    public static string Actor(long id, string name) => $"key {id} ({name})";

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ApiKeyInfo>(new CommandDefinition(
            "select id, name, role, scope_id, created_at, revoked_at from reporting.api_key order by id", cancellationToken: ct))).ToList();
    }

    public async Task<bool> RevokeAsync(long id, CancellationToken ct)
    {
        await using var conn = await db.Reporting.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "update reporting.api_key set revoked_at = now() where id = @id and revoked_at is null", new { id }, cancellationToken: ct)) == 1;
    }
}
