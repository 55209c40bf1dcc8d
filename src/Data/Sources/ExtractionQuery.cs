using System.Globalization;
using System.Text;
using NpgsqlTypes;

namespace SalesReporting.Data.Sources;

/// <summary>
/// An extraction query (docs/files.md) as the COPY that streams its rows out of the source in PostgreSQL's binary format,
/// straight into the pull's load table: no row is decoded on the way. COPY takes no parameters, so the query's
/// <c>@since</c> is written in as a literal (a timestamp this program formats, never text from elsewhere), and its
/// columns are cast to the staging table's types, which the binary format must match exactly.
/// </summary>
public static class ExtractionQuery
{
    /// <summary>The COPY of <paramref name="query"/>'s rows since <paramref name="since"/> (all of them when null), in the
    /// order and types of <paramref name="table"/>'s columns.</summary>
    public static string CopyOut(string query, SourceTable table, DateTime? since)
    {
        var literal = since is { } t
            ? $"'{t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00'::timestamptz"
            : "'-infinity'::timestamptz";
        var columns = string.Join(", ", table.Columns.Select(c => $"q.{c.Name}::{SqlType(c.Type)}"));
        return $"copy (select {columns} from {AsSubquery(query, table, literal)}) to stdout (format binary)";
    }

    /// <summary>The query as it would run, returning no row: the names and types of its columns, to check them before the COPY.</summary>
    public static string Describe(string query, SourceTable table) =>
        $"select * from {AsSubquery(query, table, "'-infinity'::timestamptz")} limit 0";

    // The closing parenthesis on a line of its own: the query may end in a comment.
    private static string AsSubquery(string query, SourceTable table, string since) =>
        $"(\n{Inline(query, "since", since, table.Source)}\n) q";

    private static string SqlType(NpgsqlDbType type) => type switch
    {
        NpgsqlDbType.Text => "text",
        NpgsqlDbType.TimestampTz => "timestamptz",
        NpgsqlDbType.Date => "date",
        NpgsqlDbType.Numeric => "numeric",
        NpgsqlDbType.Boolean => "boolean",
        NpgsqlDbType.Integer => "integer",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no SQL type for this column type"),
    };

    /// <summary>
    /// <paramref name="sql"/> with each <c>@name</c> placeholder replaced by <paramref name="literal"/>, as Npgsql finds its
    /// parameters (in any case: <c>@Since</c> too): not inside a string, a quoted name, a comment or a dollar-quoted body,
    /// and not as part of a longer name. Strings are read as PostgreSQL reads them with <c>standard_conforming_strings</c> on
    /// (its default): a backslash escapes only in an E'' string (not in the continuation of one on a later line).
    /// A semicolon that ends the query is dropped; one followed by more SQL is an error naming <paramref name="source"/>
    /// (an extraction query is one SELECT).
    /// </summary>
    public static string Inline(string sql, string name, string literal, string source)
    {
        var sb = new StringBuilder(sql.Length + literal.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            int end;
            if (c == '\'')
                end = Quoted(sql, i, '\'', backslashes: i > 0 && sql[i - 1] is 'e' or 'E' && (i < 2 || !IsNamePart(sql[i - 2])));
            else if (c == '"')
                end = Quoted(sql, i, '"', backslashes: false);
            else if (c == '-' && next == '-')
                end = LineEnd(sql, i);
            else if (c == '/' && next == '*')
                end = BlockComment(sql, i);
            else if (c == '$' && (i == 0 || !IsNamePart(sql[i - 1])) && DollarTag(sql, i) is { } tag)
                end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal) is var close and >= 0 ? close + tag.Length : sql.Length;
            else if (c == '@' && (i == 0 || !IsNamePart(sql[i - 1]) && sql[i - 1] != '@')
                     && string.Compare(sql, i + 1, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
                     && (i + 1 + name.Length == sql.Length || !IsNamePart(sql[i + 1 + name.Length])))
            {
                sb.Append(literal);
                i += 1 + name.Length;
                continue;
            }
            else if (c == ';')
            {
                if (!OnlyCommentsAfter(sql, i + 1))
                    throw new InvalidOperationException($"Extraction query for {source} holds more than one statement; it must be one SELECT.");
                i++;
                continue;
            }
            else
            {
                sb.Append(c);
                i++;
                continue;
            }
            sb.Append(sql, i, end - i);
            i = end;
        }
        return sb.ToString();
    }

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    /// <summary>The end (exclusive) of the quoted text starting at <paramref name="start"/>: a doubled quote stays inside,
    /// and so, in an E'' string, does a quote after a backslash. Unterminated, it runs to the end (PostgreSQL says so).</summary>
    private static int Quoted(string sql, int start, char quote, bool backslashes)
    {
        var j = start + 1;
        while (j < sql.Length)
        {
            if (backslashes && sql[j] == '\\') { j += 2; continue; }
            if (sql[j] == quote)
            {
                if (j + 1 < sql.Length && sql[j + 1] == quote) { j += 2; continue; }
                return j + 1;
            }
            j++;
        }
        return sql.Length;
    }

    /// <summary>The end of the -- comment starting at <paramref name="start"/>: its line's end.</summary>
    private static int LineEnd(string sql, int start) => sql.IndexOf('\n', start) is var nl and >= 0 ? nl : sql.Length;

    /// <summary>The end of the comment starting at <paramref name="start"/>; PostgreSQL's block comments nest.</summary>
    private static int BlockComment(string sql, int start)
    {
        var depth = 0;
        var j = start;
        while (j < sql.Length - 1)
        {
            if (sql[j] == '/' && sql[j + 1] == '*') { depth++; j += 2; }
            else if (sql[j] == '*' && sql[j + 1] == '/') { depth--; j += 2; if (depth == 0) return j; }
            else j++;
        }
        return sql.Length;
    }

    /// <summary>The tag (<c>$$</c>, <c>$body$</c>) of a dollar-quoted string starting at <paramref name="start"/>, or null when
    /// the dollar is something else (a positional parameter such as <c>$1</c>).</summary>
    private static string? DollarTag(string sql, int start)
    {
        var j = start + 1;
        if (j < sql.Length && (char.IsDigit(sql[j]))) return null;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_')) j++;
        return j < sql.Length && sql[j] == '$' ? sql[start..(j + 1)] : null;
    }

    private static bool OnlyCommentsAfter(string sql, int start)
    {
        var j = start;
        while (j < sql.Length)
        {
            if (char.IsWhiteSpace(sql[j])) j++;
            else if (sql[j] == '-' && j + 1 < sql.Length && sql[j + 1] == '-') j = LineEnd(sql, j);
            else if (sql[j] == '/' && j + 1 < sql.Length && sql[j + 1] == '*') j = BlockComment(sql, j);
            else return false;
        }
        return true;
    }
}
