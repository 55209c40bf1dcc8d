using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace SalesReporting.Data;

/// <summary>A data row of an import file, with the row number a person sees in Excel or a text editor.</summary>
public sealed record TabularRow(int Row, string[] Fields);

/// <summary>
/// The rows of an import file: a .csv (UTF-8, RFC 4180) or the first sheet of an .xlsx workbook. Both give the
/// same thing: trimmed text fields in the order of the required header, so an importer checks values only once,
/// whatever the file type. Where a problem is found, the error names the file, the sheet and the row.
/// </summary>
public sealed record TabularFile(string FileName, string? Sheet, IReadOnlyList<TabularRow> Rows)
{
    public ImportError Error(int row, string column, string value, string reason) => new(FileName, row, column, value, reason, Sheet);

    /// <summary>The header the file has: the required columns, or the required and the optional ones.</summary>
    public IReadOnlyList<string> Header { get; init; } = [];

    /// <summary>Reads the file; a wrong header, a row with the wrong number of fields or an unreadable file
    /// rejects it (<see cref="ImportRejectedException"/>); blank rows are skipped. The header is the required
    /// columns, optionally followed by all the <paramref name="optional"/> ones; fields come in the header's order.</summary>
    public static TabularFile Read(string path, IReadOnlyList<string> required, IReadOnlyList<string>? optional = null)
    {
        ArgumentNullException.ThrowIfNull(required);
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        var (sheet, records) = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => (null, ReadCsv(path, name)),
            ".xlsx" => ReadXlsx(path, name),
            var ext => throw new ImportRejectedException([new ImportError(name, 0, "", ext, "unsupported file type; expected .csv or .xlsx")]),
        };

        var file = new TabularFile(name, sheet, []);
        var first = records.FirstOrDefault(r => !IsBlank(r.Fields));
        if (first is null)
            throw new ImportRejectedException([file.Error(1, "", "", "the file is empty; expected the header " + string.Join(",", required))]);
        var found = first.Fields.Select(f => f.Trim()).ToArray();
        // An .xlsx row may carry empty cells after the last column; they are not part of the header.
        var trimmed = found.Reverse().SkipWhile(string.IsNullOrEmpty).Reverse().ToArray();
        IReadOnlyList<string> full = [.. required, .. optional ?? []];
        var header = trimmed.SequenceEqual(required, StringComparer.Ordinal) ? required
            : optional is { Count: > 0 } && trimmed.SequenceEqual(full, StringComparer.Ordinal) ? full
            : throw new ImportRejectedException([file.Error(first.Row, "", string.Join(",", trimmed), "wrong header; expected " + string.Join(",", required))]);

        var errors = new List<ImportError>();
        var rows = new List<TabularRow>();
        foreach (var record in records.SkipWhile(r => r != first).Skip(1))
        {
            if (IsBlank(record.Fields)) continue;
            var fields = record.Fields;
            if (sheet is not null && fields.Length < header.Count) fields = [.. fields, .. Enumerable.Repeat("", header.Count - fields.Length)];
            if (fields.Length > header.Count && fields.Skip(header.Count).All(string.IsNullOrWhiteSpace)) fields = fields[..header.Count];
            if (fields.Length != header.Count)
            {
                errors.Add(file.Error(record.Row, "", string.Join(",", fields), $"expected {header.Count} fields, found {fields.Length}"));
                continue;
            }
            rows.Add(new TabularRow(record.Row, fields.Select(f => f.Trim()).ToArray()));
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        return file with { Rows = rows, Header = header };
    }

    private static bool IsBlank(string[] fields) => fields.All(string.IsNullOrWhiteSpace);

    private static List<TabularRow> ReadCsv(string path, string name)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        try
        {
            return Csv.Read(reader).Select(r => new TabularRow(r.Line, r.Fields)).ToList();
        }
        catch (FormatException ex)
        {
            throw new ImportRejectedException([new ImportError(name, 0, "", "", ex.Message)]);
        }
    }

    private static (string Sheet, List<TabularRow> Rows) ReadXlsx(string path, string name)
    {
        try
        {
            using var document = SpreadsheetDocument.Open(path, isEditable: false);
            var workbook = document.WorkbookPart ?? throw new InvalidDataException("it has no workbook part");
            var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException("it has no sheet");
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id?.Value ?? throw new InvalidDataException("its first sheet has no id"));
            var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];
            var dateStyles = DateStyles(workbook);
            var rows = new List<TabularRow>();
            var next = 1;
            foreach (var row in part.Worksheet.Descendants<Row>())
            {
                var number = (int?)row.RowIndex?.Value ?? next;
                next = number + 1;
                var fields = new List<string>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : fields.Count;
                    while (fields.Count < column) fields.Add("");
                    fields.Add(CellText(cell, shared, dateStyles));
                }
                rows.Add(new TabularRow(number, fields.ToArray()));
            }
            return (sheet.Name?.Value ?? "Sheet1", rows);
        }
        catch (Exception ex) when (ex is InvalidDataException or OpenXmlPackageException or FileFormatException or InvalidCastException or KeyNotFoundException
                                       or ArgumentOutOfRangeException or System.Xml.XmlException)
        {
            throw new ImportRejectedException([new ImportError(name, 0, "", "", "not a readable .xlsx workbook: " + ex.Message)]);
        }
    }

    /// <summary>0-based column of a cell reference such as "C7".</summary>
    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (c is < 'A' or > 'Z') break;
            index = index * 26 + (c - 'A' + 1);
        }
        return index - 1;
    }

    private static string CellText(Cell cell, string[] shared, Dictionary<uint, bool> dateStyles)
    {
        var raw = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
            return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Length ? shared[i] : "";
        if (cell.DataType?.Value == CellValues.InlineString) return cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.Boolean) return raw == "1" ? "TRUE" : "FALSE";
        if (cell.DataType is not null && cell.DataType.Value != CellValues.Number) return raw;
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return raw;
        // A date typed into Excel is a serial number with a date style; give it back as the ISO text the layouts ask for.
        // A month typed as 2026-10 becomes a date shown without its day (mmm-yy): it comes back as 2026-10.
        if (cell.StyleIndex?.Value is { } style && dateStyles.TryGetValue(style, out var hasDay) && number is > 0 and < 2958466)
            return DateTime.FromOADate(number).ToString(hasDay ? "yyyy-MM-dd" : "yyyy-MM", CultureInfo.InvariantCulture);
        // Excel stores 83.3 as 83.299999999999997; the shortest text that reads back the same is what was typed.
        return Math.Abs(number) < 7.9e27 ? ((decimal)number).ToString(CultureInfo.InvariantCulture) : number.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The cell-format indexes whose number format is a date (built in, or a custom code with d or y
    /// outside quotes), each with whether the format shows the day.</summary>
    private static Dictionary<uint, bool> DateStyles(WorkbookPart workbook)
    {
        var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
        var custom = stylesheet?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode?.Value ?? "") ?? [];
        var result = new Dictionary<uint, bool>();
        var index = 0u;
        foreach (var format in stylesheet?.CellFormats?.Elements<CellFormat>() ?? [])
        {
            var id = format.NumberFormatId?.Value ?? 0;
            // Built-in date formats: 14 m/d/yyyy, 15 d-mmm-yy, 16 d-mmm, 17 mmm-yy, 22 m/d/yy h:mm (18-21, 45-47 are times).
            if (id is 14 or 15 or 16 or 22) result[index] = true;
            else if (id == 17) result[index] = false;
            else if (custom.TryGetValue(id, out var code) && DateCode(code) is { } hasDay) result[index] = hasDay;
            index++;
        }
        return result;
    }

    /// <summary>Whether a custom format code shows the day; null when it is not a date format.</summary>
    private static bool? DateCode(string code)
    {
        bool quoted = false, bracket = false, day = false, year = false;
        foreach (var c in code)
        {
            if (c == '"') quoted = !quoted;
            else if (c == '[') bracket = true;
            else if (c == ']') bracket = false;
            else if (!quoted && !bracket && char.ToLowerInvariant(c) == 'd') day = true;
            else if (!quoted && !bracket && char.ToLowerInvariant(c) == 'y') year = true;
        }
        return day || year ? day : null;
    }
}
