using System.Text;

namespace SalesReporting.Data;

/// <summary>RFC 4180 records: quoted fields, doubled quotes, line breaks inside quotes, CRLF or LF.</summary>
public static class Csv
{
    /// <summary>Each record with the 1-based line it starts on.</summary>
    public static IEnumerable<(int Line, string[] Fields)> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1, c;
        bool quoted = false, any = false;
        while ((c = reader.Read()) != -1)
        {
            any = true;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') line++;
                    field.Append((char)c);
                }
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    yield return (start, fields.ToArray());
                    fields.Clear(); any = false; line++; start = line;
                    break;
                default: field.Append((char)c); break;
            }
        }
        if (quoted) throw new FormatException($"line {start}: a quoted field is not closed");
        if (any) { fields.Add(field.ToString()); yield return (start, fields.ToArray()); }
    }

    public static string Escape(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
