using System.Globalization;
using System.IO.Compression;
using System.Text;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace SalesReporting.Data;

/// <summary>A data row of an import file, with the row number a person sees in Excel or a text editor.</summary>
public sealed record TabularRow(int Row, string[] Fields);

/// <summary>
/// The rows of an import file: a .csv (RFC 4180, in UTF-8, UTF-16, GB18030 or Big5: <see cref="TextDecoding"/>) or
/// the first sheet of an .xlsx workbook. Both give the same thing: trimmed text fields in the order of the required
/// header, as the person sees them, so an importer checks values only once, whatever the file type. Where a problem is
/// found, the error names the file, the sheet and the row. What is accepted and refused: docs/input.md.
/// </summary>
public sealed record TabularFile(string FileName, string? Sheet, IReadOnlyList<TabularRow> Rows)
{
    public ImportError Error(int row, string column, string value, string reason) => new(FileName, row, column, value, reason, Sheet);

    /// <summary>The header the file has: the required columns, or the required and the optional ones.</summary>
    public IReadOnlyList<string> Header { get; init; } = [];

    /// <summary>A row as read, before the header is matched: for an .xlsx, the columns whose cell is a date on the
    /// first of a month (a period column takes it as the month).</summary>
    private sealed record Record(int Row, string[] Fields, IReadOnlySet<int>? MonthStarts = null);

    /// <summary>Reads the file; a wrong header, a row with the wrong number of fields, a NUL character, a file over the
    /// limits of <paramref name="limits"/> or an unreadable file rejects it (<see cref="ImportRejectedException"/>); blank
    /// rows are skipped. The header is the required columns, optionally followed by all the <paramref name="optional"/>
    /// ones; fields come in the header's order.</summary>
    /// <param name="encoding">the encoding of a .csv as the person named it (<c>--encoding</c>); detected when null</param>
    public static TabularFile Read(string path, IReadOnlyList<string> required, IReadOnlyList<string>? optional = null,
        ImportOptions? limits = null, string? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(required);
        limits ??= new ImportOptions();
        var name = Path.GetFileName(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"File not found: {path}", path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".csv" or ".xlsx"))
            throw new ImportRejectedException([new ImportError(name, 0, "", ext, "unsupported file type; expected .csv or .xlsx")]);
        var length = new FileInfo(path).Length;
        if (length > limits.MaxFileBytes)
            throw new ImportRejectedException([new ImportError(name, 0, "", "",
                $"the file is {Megabytes(length)} MB; an import file may be at most {limits.MaxFileMegabytes} MB (setting Import:MaxFileMegabytes)")]);
        var (sheet, records) = ext == ".csv" ? (null, ReadCsv(path, name, encoding)) : ReadXlsx(path, name, limits);

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
            : throw new ImportRejectedException([file.Error(first.Row, "", Shown(string.Join(",", trimmed)), "wrong header; expected " + string.Join(",", required))]);
        var period = header.ToList().IndexOf("period");

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
                errors.Add(file.Error(record.Row, "", Shown(string.Join(",", fields)), $"expected {header.Count} fields, found {fields.Length}"));
                continue;
            }
            fields = fields.Select(f => f.Trim()).ToArray();
            // A month typed into Excel may come back as the date of its first day; in a period column it is that month.
            if (period >= 0 && record.MonthStarts?.Contains(period) == true) fields[period] = fields[period][..7];
            var ok = true;
            for (var i = 0; i < fields.Length; i++)
            {
                if (!fields[i].Contains('\0', StringComparison.Ordinal)) continue;
                // PostgreSQL cannot store U+0000 in text: refuse here, by row and column, rather than fail mid-write.
                errors.Add(file.Error(record.Row, header[i], Shown(fields[i]), "contains a NUL character (U+0000), which text cannot hold; remove it"));
                ok = false;
            }
            if (ok) rows.Add(new TabularRow(record.Row, fields));
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        return file with { Rows = rows, Header = header };
    }

    /// <summary>A value as an error message shows it: NUL as ␀, so the message itself can be printed and stored.</summary>
    private static string Shown(string value) => value.Replace('\0', '\u2400');

    private static string Megabytes(long bytes) => (bytes / (1024d * 1024)).ToString("0.#", CultureInfo.InvariantCulture);

    private static bool IsBlank(string[] fields) => fields.All(string.IsNullOrWhiteSpace);

    private static List<Record> ReadCsv(string path, string name, string? encoding)
    {
        var (text, _) = TextDecoding.Decode(File.ReadAllBytes(path), name, encoding);
        var errors = new List<ImportError>();
        var options = new CsvReaderOptions
        {
            HasHeader = false,
            Separator = ',',
            Mode = CsvMode.Rfc4180,
            SkipEmptyLines = true,
            TrackLineNumbers = true,
            TrimWhitespace = false,
            PoolStrings = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            OnMalformedRecord = m => errors.Add(new ImportError(name, (int)m.LineNumber, "", "", Malformed(m.Reason))),
        };
        var records = new List<Record>();
        using (var reader = CsvReader.FromText(text, options))
        {
            while (reader.Read())
            {
                var fields = new string[reader.FieldCount];
                for (var i = 0; i < fields.Length; i++) fields[i] = reader.GetString(i);
                records.Add(new Record((int)reader.LineNumber, fields));
            }
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        return records;
    }

    private static string Malformed(CsvMalformedReason reason) => reason switch
    {
        CsvMalformedReason.UnterminatedQuote => "a quoted field is not closed; expected a closing \" before the end of the file",
        CsvMalformedReason.StrayQuote => "a quote inside a field that does not start with one; expected the whole field in quotes, with the quote doubled (\"\")",
        CsvMalformedReason.TextAfterClosingQuote => "text after the closing quote of a field; expected a comma or the end of the line, or the quote doubled (\"\")",
        _ => "malformed CSV (" + reason + ")",
    };

    private static (string Sheet, List<Record> Rows) ReadXlsx(string path, string name, ImportOptions limits)
    {
        ImportRejectedException Refuse(string reason) => new([new ImportError(name, 0, "", "", reason)]);
        if (OleKind(path) is { } ole) throw Refuse(ole);
        try
        {
            CheckUnpackedSize(path, name, limits);
            using var document = SpreadsheetDocument.Open(path, isEditable: false);
            var workbook = document.WorkbookPart ?? throw new InvalidDataException("it has no workbook part");
            var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw new InvalidDataException("it has no sheet");
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id?.Value ?? throw new InvalidDataException("its first sheet has no id"));
            var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(RichText).ToArray() ?? [];
            var formats = Formats(workbook);
            // Excel for Mac (and workbooks made there) count days from 1904-01-01: serial 0 is 1904-01-01, not 1899-12-30.
            var dateOffset = workbook.Workbook.WorkbookProperties?.Date1904?.Value == true ? 1462 : 0;
            var rows = new List<Record>();
            var next = 1;
            // Row by row: the sheet is not loaded whole, so its size in memory is one row's.
            using var reader = OpenXmlReader.Create(part);
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement) continue;
                var row = (Row)reader.LoadCurrentElement()!;
                var number = (int?)row.RowIndex?.Value ?? next;
                next = number + 1;
                var fields = new List<string>();
                HashSet<int>? monthStarts = null;
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : fields.Count;
                    while (fields.Count < column) fields.Add("");
                    var (text, monthStart) = CellText(cell, shared, formats, dateOffset);
                    if (monthStart) (monthStarts ??= []).Add(fields.Count);
                    fields.Add(text);
                }
                rows.Add(new Record(number, fields.ToArray(), monthStarts));
            }
            return (sheet.Name?.Value ?? "Sheet1", rows);
        }
        catch (Exception ex) when (ex is InvalidDataException or OpenXmlPackageException or FileFormatException or InvalidCastException or KeyNotFoundException
                                       or ArgumentOutOfRangeException or System.Xml.XmlException)
        {
            throw Refuse("not a readable .xlsx workbook: " + ex.Message);
        }
    }

    /// <summary>Why an .xlsx that is an OLE compound file cannot be read: Excel encrypts a workbook with a password into
    /// one (streams EncryptionInfo and EncryptedPackage), and an old .xls is one too. Null for anything else.</summary>
    private static string? OleKind(string path)
    {
        var bytes = File.ReadAllBytes(path); // at most the file limit
        if (!bytes.AsSpan().StartsWith((byte[])[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])) return null;
        return bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes("EncryptedPackage")) >= 0
            ? "the workbook is password-protected (encrypted), so it cannot be read; expected an .xlsx saved without a password to open"
            : "the file is an old Excel 97-2003 workbook (.xls) named .xlsx; expected an .xlsx: open it in Excel and save it as Excel Workbook (.xlsx)";
    }

    /// <summary>Refuses a workbook that unpacks to more than the limit, before it is parsed: first by the sizes its zip
    /// declares, then by what its entries really inflate to (a zip may declare less than it holds), without keeping
    /// any of it.</summary>
    private static void CheckUnpackedSize(string path, string name, ImportOptions limits)
    {
        ImportRejectedException TooLarge(string size) => new([new ImportError(name, 0, "", "",
            $"the workbook unpacks to {size} MB; an .xlsx may unpack to at most {limits.MaxXlsxUncompressedMegabytes} MB (setting Import:MaxXlsxUncompressedMegabytes)")]);
        using var zip = ZipFile.OpenRead(path);
        var declared = zip.Entries.Sum(e => e.Length);
        if (declared > limits.MaxXlsxUncompressedBytes) throw TooLarge(Megabytes(declared));
        var total = 0L;
        var buffer = new byte[81920];
        foreach (var entry in zip.Entries)
        {
            using var stream = entry.Open();
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                total += read;
                if (total > limits.MaxXlsxUncompressedBytes) throw TooLarge("more than " + limits.MaxXlsxUncompressedMegabytes.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>The text of a shared or inline string as the cell shows it: its own &lt;t&gt; and the &lt;t&gt; of its
    /// runs, without the phonetic guides (&lt;rPh&gt;, furigana / pinyin) Excel keeps beside it.</summary>
    private static string RichText(OpenXmlElement item)
    {
        var text = new StringBuilder();
        foreach (var child in item.ChildElements)
        {
            if (child is Text t) text.Append(t.Text);
            else if (child is Run run) foreach (var rt in run.Elements<Text>()) text.Append(rt.Text);
        }
        return text.ToString();
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

    /// <summary>How a number in a cell is shown: as a date with its day, as a month (no day), or as a percentage.</summary>
    private enum Display { DateWithDay, Month, Percent }

    /// <summary>The text the person sees, and whether it is a date on the first of a month.</summary>
    private static (string Text, bool MonthStart) CellText(Cell cell, string[] shared, Dictionary<uint, Display> formats, int dateOffset)
    {
        var raw = cell.CellValue?.Text ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
            return (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Length ? shared[i] : "", false);
        if (cell.DataType?.Value == CellValues.InlineString) return (cell.InlineString is { } inline ? RichText(inline) : "", false);
        if (cell.DataType?.Value == CellValues.Boolean) return (raw == "1" ? "TRUE" : "FALSE", false);
        if (cell.DataType?.Value == CellValues.Date && DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var iso))
            return (iso.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), iso.Day == 1);
        if (cell.DataType is not null && cell.DataType.Value != CellValues.Number) return (raw, false);
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) return (raw, false);
        var shown = cell.StyleIndex?.Value is { } style && formats.TryGetValue(style, out var s) ? s : (Display?)null;
        // A date typed into Excel is a serial number with a date style; give it back as the ISO text the layouts ask for.
        // A month typed as 2026-10 becomes a date shown without its day (mmm-yy): it comes back as 2026-10.
        if (shown is Display.DateWithDay or Display.Month && number + dateOffset is > 0 and < 2958466)
        {
            var date = DateTime.FromOADate(number + dateOffset);
            return (date.ToString(shown == Display.DateWithDay ? "yyyy-MM-dd" : "yyyy-MM", CultureInfo.InvariantCulture), shown == Display.DateWithDay && date.Day == 1);
        }
        // Excel stores 83.3 as 83.299999999999997; the shortest text that reads back the same is what was typed.
        // A cell shown as 90% holds 0.9: the person typed and sees 90.
        if (Math.Abs(number) >= 7.9e25) return (number.ToString("R", CultureInfo.InvariantCulture), false);
        var value = (decimal)number;
        if (shown == Display.Percent) value *= 100;
        return (Normalized(value).ToString(CultureInfo.InvariantCulture), false);
    }

    /// <summary>The value without trailing zeros (90.0 → 90).</summary>
    private static decimal Normalized(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>The cell-format indexes whose number format is a date (built in, or a custom code with d or y
    /// outside quotes) or a percentage (built in 9 and 10, or a custom code with % outside quotes).</summary>
    private static Dictionary<uint, Display> Formats(WorkbookPart workbook)
    {
        var stylesheet = workbook.WorkbookStylesPart?.Stylesheet;
        var custom = stylesheet?.NumberingFormats?.Elements<NumberingFormat>()
            .Where(f => f.NumberFormatId?.Value is not null)
            .GroupBy(f => f.NumberFormatId!.Value)
            .ToDictionary(g => g.Key, g => g.First().FormatCode?.Value ?? "") ?? [];
        var result = new Dictionary<uint, Display>();
        var index = 0u;
        foreach (var format in stylesheet?.CellFormats?.Elements<CellFormat>() ?? [])
        {
            var id = format.NumberFormatId?.Value ?? 0;
            // Built-in date formats: 14 m/d/yyyy, 15 d-mmm-yy, 16 d-mmm, 17 mmm-yy, 22 m/d/yy h:mm (18-21, 45-47 are times).
            // Built-in percentages: 9 0%, 10 0.00%. A custom code takes precedence over a built-in id.
            if (custom.TryGetValue(id, out var code)) { if (Code(code) is { } shown) result[index] = shown; }
            else if (id is 14 or 15 or 16 or 22) result[index] = Display.DateWithDay;
            else if (id == 17) result[index] = Display.Month;
            else if (id is 9 or 10) result[index] = Display.Percent;
            index++;
        }
        return result;
    }

    /// <summary>How a custom format code shows a number (date with day, month, percent); null for any other.
    /// Only the first section (positive numbers) counts; text in quotes or brackets, and escaped characters, do not.</summary>
    private static Display? Code(string code)
    {
        bool quoted = false, bracket = false, escaped = false, day = false, year = false, percent = false;
        foreach (var c in code)
        {
            if (escaped) { escaped = false; continue; }
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == '\\') escaped = true;
            else if (c == '[') bracket = true;
            else if (c == ']') bracket = false;
            else if (bracket) continue;
            else if (c == ';') break;
            else if (char.ToLowerInvariant(c) == 'd') day = true;
            else if (char.ToLowerInvariant(c) == 'y') year = true;
            else if (c == '%') percent = true;
        }
        return day ? Display.DateWithDay : year ? Display.Month : percent ? Display.Percent : null;
    }
}
