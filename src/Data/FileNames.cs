using System.Text.RegularExpressions;

namespace SalesReporting.Data;

/// <summary>
/// The one rule for file names built from source data (a rep's or a team's id, a recipient): whatever the
/// CRM sends, a name has only letters, digits, '.', '-', '_' and '@', never starts with a dot, and the path it
/// makes stays inside its folder.
/// </summary>
public static partial class FileNames
{
    /// <summary>What an id must look like to be staged at all: the sync quarantines the rest (a regex PostgreSQL reads too).</summary>
    public const string PlainIdPattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    public const string PlainIdReason = "id is not a plain identifier (1 to 64 ASCII letters, digits, dots, hyphens or underscores, starting with a letter or digit)";

    [GeneratedRegex(PlainIdPattern)]
    private static partial Regex PlainId();

    public static bool IsPlainId(string? id) => id is not null && PlainId().IsMatch(id);

    /// <summary>One part of a file name: every other character becomes '_', a leading dot too, so no part is ".." or hidden.</summary>
    public static string Part(string value)
    {
        var chars = value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@' ? c : '_').ToArray();
        if (chars.Length > 0 && chars[0] == '.') chars[0] = '_';
        return chars.Length == 0 ? "_" : new string(chars);
    }

    /// <summary>The full path of <paramref name="fileName"/> in <paramref name="directory"/>; refuses any name that would leave it.</summary>
    public static string Within(string directory, string fileName)
    {
        var root = Path.GetFullPath(directory);
        var path = Path.GetFullPath(Path.Combine(root, fileName));
        if (Path.GetFileName(path) != fileName || !string.Equals(Path.GetDirectoryName(path), root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
            throw new InvalidOperationException($"File name '{fileName}' would leave the folder {root}; refused.");
        return path;
    }
}
