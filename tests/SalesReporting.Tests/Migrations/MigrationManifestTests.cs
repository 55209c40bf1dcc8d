using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SalesReporting.Data;

namespace SalesReporting.Tests.Migrations;

/// <summary>
/// A migration that has landed is history (docs/migrations.md): DbUp runs a script once by its name, so a database
/// migrated before an edit never gets the edit. sql/migrations/MANIFEST.sha256 holds the hash of every landed one.
/// </summary>
public sealed partial class MigrationManifestTests
{
    private const string Fix = "A landed migration is never edited or removed (docs/migrations.md): restore it, and put the change in a new "
        + "numbered migration, or, for a view, function, trigger or built-in catalog query, in its file under sql/definitions.";

    /// <summary>File name → sha256 (hex) of the landed migrations, from the manifest (sha256sum's format).</summary>
    private static Dictionary<string, string> Manifest()
    {
        var manifest = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "sql", "migrations", "MANIFEST.sha256")).Where(l => l.Length > 0))
        {
            var m = ManifestLine().Match(line);
            if (!m.Success) throw new InvalidDataException($"sql/migrations/MANIFEST.sha256: \"{line}\" is not a sha256sum line (hash, two spaces, file name)");
            manifest.Add(m.Groups["file"].Value, m.Groups["hash"].Value);
        }
        return manifest;
    }

    /// <summary>File name → sha256 (hex) of the embedded resources whose names start with the prefix.</summary>
    private static Dictionary<string, string> Embedded(System.Reflection.Assembly assembly, string prefix) =>
        assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[prefix.Length..], n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                return Convert.ToHexStringLower(SHA256.HashData(stream));
            });

    [Fact]
    public void Every_landed_migration_is_unchanged_and_every_migration_is_in_the_manifest()
    {
        var manifest = Manifest();
        var scripts = Embedded(typeof(Migrator).Assembly, "migrations.");
        var problems = new List<string>();
        foreach (var (file, hash) in manifest)
        {
            if (!scripts.TryGetValue(file, out var actual))
                problems.Add($"{file} has landed and is gone. {Fix}");
            else if (actual != hash)
                problems.Add($"{file} has landed and its content changed (sha256 {actual}, landed as {hash}). {Fix}");
        }
        foreach (var file in scripts.Keys.Except(manifest.Keys).Order(StringComparer.Ordinal))
            problems.Add($"{file} is not in sql/migrations/MANIFEST.sha256: a new migration is added to it with its hash "
                + $"(cd sql/migrations && sha256sum {file} >> MANIFEST.sha256); once it is on main it never changes.");
        foreach (var number in scripts.Keys.GroupBy(f => f.Split('_')[0]).Where(g => g.Count() > 1))
            problems.Add($"migrations {string.Join(" and ", number.Order(StringComparer.Ordinal))} share the number {number.Key}: a new migration takes the next free number.");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_2026_11_29_fixture_is_the_migrations_landed_that_day()
    {
        var manifest = Manifest();
        var fixture = Embedded(typeof(MigrationManifestTests).Assembly, UpgradeFixture.Prefix);
        Assert.Equal(13, fixture.Count);
        Assert.All(fixture, f => Assert.Equal(manifest[f.Key], f.Value));
    }

    [GeneratedRegex("^(?<hash>[0-9a-f]{64})  (?<file>.+)$")]
    private static partial Regex ManifestLine();
}
