using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SalesReporting.Data;

namespace SalesReporting.Tests.Import;

/// <summary>Import files that are not what they seem (docs/input.md): other encodings, Excel's 1904 dates, percent
/// cells, phonetic guides, NUL characters, binary files, encrypted workbooks, files over the limits. Each is read
/// as the person sees it, or refused with the file and what was expected; never stored as something else.</summary>
public sealed class InputFileTests : IDisposable
{
    private static readonly string[] Reasons = ["rep_id", "period", "indicator", "reason"];
    private const string Expected = "expected comma-separated text (UTF-8, UTF-16 with a byte order mark, GB18030 or Big5)";
    private readonly string dir = Directory.CreateTempSubdirectory("sr-input-").FullName;

    static InputFileTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => Directory.Delete(dir, true);

    private string Bytes(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string Text(string name, string text, Encoding encoding) => Bytes(name, [.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);

    private static ImportError Refused(string path, string? encoding = null, ImportOptions? limits = null) =>
        Assert.Single(Assert.Throws<ImportRejectedException>(() => TabularFile.Read(path, Reasons, limits: limits, encoding: encoding)).Errors);

    private static string[] Only(string path, string? encoding = null) =>
        Assert.Single(TabularFile.Read(path, Reasons, encoding: encoding).Rows).Fields;

    // ---- encodings ----

    [Fact]
    public void Gb18030_csv_without_bom_is_read_as_chinese_text()
    {
        // What Excel's "CSV (comma delimited)" writes on simplified Chinese Windows: code page 936, no byte order mark.
        var path = Text("reasons.csv", "rep_id,period,indicator,reason\r\nR001,2026-10,revenue,客户回款慢，需要每周跟进财务\r\n", Encoding.GetEncoding("GB18030"));
        Assert.Equal(["R001", "2026-10", "revenue", "客户回款慢，需要每周跟进财务"], Only(path));

        var names = Text("names.csv", "rep_id,period,indicator,reason\nR001,2026-10,visits,李明拜访不足\n", Encoding.GetEncoding("GB18030"));
        Assert.Equal("李明拜访不足", Only(names)[3]);
    }

    [Fact]
    public void Big5_csv_without_bom_is_read_as_traditional_chinese_text()
    {
        var path = Text("reasons.csv", "rep_id,period,indicator,reason\r\nR001,2026-10,revenue,客戶回款慢，需要每週跟進財務\r\n", Encoding.GetEncoding("big5"));
        Assert.Equal(["R001", "2026-10", "revenue", "客戶回款慢，需要每週跟進財務"], Only(path));

        var names = Text("names.csv", "rep_id,period,indicator,reason\nR002,2026-10,revenue,張偉業績目標\n", Encoding.GetEncoding("big5"));
        Assert.Equal("張偉業績目標", Only(names)[3]);
    }

    [Fact]
    public void Utf8_with_or_without_bom_and_utf16_with_bom_are_read()
    {
        const string text = "rep_id,period,indicator,reason\nR001,2026-10,revenue,客户A 延期下单 ✓\n";
        foreach (var (name, encoding) in new (string, Encoding)[]
                 {
                     ("utf8.csv", new UTF8Encoding(false)), ("utf8-bom.csv", new UTF8Encoding(true)),
                     ("utf16le.csv", new UnicodeEncoding(false, true)), ("utf16be.csv", new UnicodeEncoding(true, true)),
                 })
            Assert.Equal("客户A 延期下单 ✓", Only(Text(name, text, encoding))[3]);
    }

    [Fact]
    public void A_file_that_reads_as_both_gb18030_and_big5_is_refused_until_the_encoding_is_named()
    {
        // 常到城 in GB18030 is the same bytes as 都善傑 in Big5: both common characters, no way to tell.
        var path = Text("reasons.csv", "rep_id,period,indicator,reason\nR001,2026-10,revenue,常到城\n", Encoding.GetEncoding("GB18030"));
        var e = Refused(path);
        Assert.Equal("reasons.csv: could not tell whether the file is GB18030 or Big5; say which with --encoding", e.ToString());

        Assert.Equal("常到城", Only(path, "GB18030")[3]);
        Assert.Equal("都善傑", Only(path, "Big5")[3]);
    }

    [Fact]
    public void A_csv_in_no_accepted_encoding_is_refused_naming_the_bytes_found_and_read_when_its_encoding_is_named()
    {
        var path = Text("reasons.csv", "rep_id,period,indicator,reason\nR001,2026-10,revenue,café au lait\n", Encoding.Latin1);
        Assert.Equal("reasons.csv: the file is not UTF-8 (line 2 has the bytes E9 20), and read as GB18030 or Big5 it is not Chinese text either; "
                     + "save it as \"CSV UTF-8\", or say its encoding with --encoding", Refused(path).ToString());

        Assert.Equal("café au lait", Only(path, "ISO-8859-1")[3]);
    }

    [Fact]
    public void A_named_encoding_is_used_strictly_and_an_unknown_one_is_refused()
    {
        var gb = Text("reasons.csv", "rep_id,period,indicator,reason\nR001,2026-10,revenue,回款慢\n", Encoding.GetEncoding("GB18030"));
        Assert.Equal("reasons.csv: --encoding 'klingon' is not an encoding this program knows; expected a name such as UTF-8, UTF-16, GB18030 or Big5",
            Refused(gb, "klingon").ToString());
        Assert.Equal("reasons.csv: the file is not valid UTF-8 (--encoding): line 2 has bytes that are not UTF-8 (BB D8)", Refused(gb, "UTF-8").ToString());
    }

    [Fact]
    public void A_byte_order_mark_that_lies_is_refused_not_replaced()
    {
        var path = Bytes("reasons.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.ASCII.GetBytes("rep_id,period,indicator,reason\nR001,2026-10,revenue,"),
            .. Encoding.GetEncoding("GB18030").GetBytes("回款"), (byte)'\n']);
        Assert.Equal("reasons.csv: the file starts with a UTF-8 byte order mark but is not valid UTF-8: line 2 has the bytes BB D8", Refused(path).ToString());
    }

    [Fact]
    public void Random_bytes_named_csv_are_not_a_text_file()
    {
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i % 256)).ToArray();
        Assert.Equal($"data.csv: not a text file: 432 of its 4096 bytes are control bytes no text has (the first, 0x00, at byte 0); {Expected}",
            Refused(Bytes("data.csv", bytes)).ToString());

        var random = new byte[8192];
        new Random(15).NextBytes(random);
        Assert.StartsWith("not a text file: ", Refused(Bytes("random.csv", random)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf16_without_a_byte_order_mark_is_named_as_such_not_read_as_utf8_with_a_wrong_header()
    {
        const string text = "rep_id,period,indicator,reason\r\nR001,2026-10,revenue,客户回款慢\r\n";
        var little = Bytes("reasons.csv", Encoding.Unicode.GetBytes(text)); // no preamble
        Assert.Equal("reasons.csv: the file looks like UTF-16 (little-endian) without a byte order mark: a 0x00 byte beside each ASCII character; "
                     + "expected UTF-8, or UTF-16 with a byte order mark — save it as \"CSV UTF-8\", or say its encoding with --encoding UTF-16",
            Refused(little).ToString());
        Assert.Equal(["R001", "2026-10", "revenue", "客户回款慢"], Only(little, "UTF-16"));

        var big = Bytes("big.csv", Encoding.BigEndianUnicode.GetBytes(text));
        Assert.Equal("big.csv: the file looks like UTF-16 (big-endian) without a byte order mark: a 0x00 byte beside each ASCII character; "
                     + "expected UTF-8, or UTF-16 with a byte order mark — save it as \"CSV UTF-8\", or say its encoding with --encoding UTF-16BE",
            Refused(big).ToString());
        Assert.Equal(["R001", "2026-10", "revenue", "客户回款慢"], Only(big, "UTF-16BE"));
    }

    [Fact]
    public void A_file_of_nul_bytes_is_not_a_text_file_although_it_is_valid_utf8()
    {
        Assert.Equal($"zeros.csv: not a text file: 600 of its 600 bytes are control bytes no text has (the first, 0x00, at byte 0); {Expected}",
            Refused(Bytes("zeros.csv", new byte[600])).ToString());
        // A header and rows with NULs between them: valid UTF-8, but more control bytes than any text has.
        var padded = Bytes("padded.csv", [.. Encoding.ASCII.GetBytes("rep_id,period,indicator,reason\n"), .. new byte[40], .. Encoding.ASCII.GetBytes("R001,2026-10,revenue,x\n")]);
        Assert.Equal($"padded.csv: not a text file: 40 of its 94 bytes are control bytes no text has (the first, 0x00, at byte 31); {Expected}",
            Refused(padded).ToString());
    }

    [Fact]
    public void A_workbook_named_csv_is_not_a_text_file()
    {
        var path = TabularFileTests.WriteXlsx(Path.Combine(dir, "targets.csv"), "Sheet1", [[new("A1", "rep_id")]]);
        Assert.Equal($"targets.csv: not a text file: it is a zip archive (an .xlsx workbook named .csv?); {Expected}", Refused(path).ToString());
    }

    // ---- CSV structure ----

    [Fact]
    public void Rows_are_numbered_by_the_line_they_start_on_even_after_a_field_of_several_lines()
    {
        var path = Text("reasons.csv", "rep_id,period,indicator,reason\r\nR001,2026-10,revenue,\"第一行\r\n第二行，\"\"引号\"\"\"\r\n\r\nR002,2026-10,visits\r\n", new UTF8Encoding(false));
        var e = Assert.Single(Assert.Throws<ImportRejectedException>(() => TabularFile.Read(path, Reasons)).Errors);
        Assert.Equal("reasons.csv: row 5 ('R002,2026-10,visits'): expected 4 fields, found 3", e.ToString());

        File.WriteAllText(path, "rep_id,period,indicator,reason\nR001,2026-10,revenue,\"第一行\n第二行，\"\"引号\"\"\"\n\nR002,2026-10,visits,x\n");
        var file = TabularFile.Read(path, Reasons);
        Assert.Equal([2, 5], file.Rows.Select(r => r.Row));
        Assert.Equal("第一行\n第二行，\"引号\"", file.Rows[0].Fields[3]);
    }

    [Fact]
    public void Broken_quoting_is_refused_naming_the_line()
    {
        var open = Text("open.csv", "rep_id,period,indicator,reason\nR001,2026-10,revenue,ok\nR002,2026-10,revenue,\"never closed\nR003,2026-10,revenue,x\n", new UTF8Encoding(false));
        Assert.Equal("open.csv: row 3: a quoted field is not closed; expected a closing \" before the end of the file", Refused(open).ToString());

        var stray = Text("stray.csv", "rep_id,period,indicator,reason\nR001,2026-10,revenue,a 27\" screen\n", new UTF8Encoding(false));
        Assert.Equal("stray.csv: row 2: a quote inside a field that does not start with one; expected the whole field in quotes, with the quote doubled (\"\")",
            Refused(stray).ToString());
    }

    [Fact]
    public void A_nul_character_in_a_field_is_refused_naming_file_row_and_column()
    {
        var path = Text("reasons.csv", "rep_id,period,indicator,reason\nR001,2026-10,revenue,ok\nR002,2026-10,revenue,bad\0text\n", new UTF8Encoding(false));
        Assert.Equal("reasons.csv: row 3, column 'reason' ('bad\u2400text'): contains a NUL character (U+0000), which text cannot hold; remove it",
            Refused(path).ToString());
    }

    // ---- limits and files that are not what they claim ----

    [Fact]
    public void A_file_over_the_size_limit_is_refused_naming_the_limit_and_the_setting()
    {
        var path = Text("big.csv", "rep_id,period,indicator,reason\n" + string.Concat(Enumerable.Repeat("R001,2026-10,revenue," + new string('x', 1000) + "\n", 1500)), new UTF8Encoding(false));
        var limits = new ImportOptions { MaxFileMegabytes = 1 };
        Assert.Equal("big.csv: the file is 1.5 MB; an import file may be at most 1 MB (setting Import:MaxFileMegabytes)", Refused(path, limits: limits).ToString());
        Assert.Equal(1500, TabularFile.Read(path, Reasons).Rows.Count); // the default, 20 MB, takes it
    }

    [Fact]
    public void A_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_parsed()
    {
        var path = TabularFileTests.WriteXlsx(Path.Combine(dir, "bomb.xlsx"), "Sheet1", [
            [new("A1", "rep_id"), new("B1", "period"), new("C1", "indicator"), new("D1", "reason")]]);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            using var stream = zip.CreateEntry("xl/media/padding.bin", CompressionLevel.SmallestSize).Open();
            stream.Write(new byte[3 * 1024 * 1024]);
        }
        Assert.True(new FileInfo(path).Length < 100_000);
        var limits = new ImportOptions { MaxXlsxUncompressedMegabytes = 2 };
        Assert.Equal("bomb.xlsx: the workbook unpacks to 3 MB; an .xlsx may unpack to at most 2 MB (setting Import:MaxXlsxUncompressedMegabytes)",
            Refused(path, limits: limits).ToString());
    }

    /// <summary>An OLE compound file as Excel writes an encrypted workbook: its header, and its directory naming the
    /// streams EncryptionInfo and EncryptedPackage (UTF-16).</summary>
    private static byte[] Ole(params string[] streams) =>
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. new byte[504], .. streams.SelectMany(s => Encoding.Unicode.GetBytes(s).Concat(new byte[128 - s.Length * 2])), .. new byte[512]];

    [Fact]
    public void A_password_protected_xlsx_is_refused_as_such()
    {
        Assert.Equal("targets.xlsx: the workbook is password-protected (encrypted), so it cannot be read; expected an .xlsx saved without a password to open",
            Refused(Bytes("targets.xlsx", Ole("Root Entry", "EncryptionInfo", "EncryptedPackage"))).ToString());
        Assert.Equal("old.xlsx: the file is an old Excel 97-2003 workbook (.xls) named .xlsx; expected an .xlsx: open it in Excel and save it as Excel Workbook (.xlsx)",
            Refused(Bytes("old.xlsx", Ole("Root Entry", "Workbook"))).ToString());
    }

    // ---- what an .xlsx shows ----

    /// <summary>A workbook with the given cell formats (index 0 is General) and 1904 date system or not; cells are
    /// numbers with a style index, or text.</summary>
    private string Workbook(string name, bool date1904, (uint Id, string? Code)[] formats, params Row[] rows)
    {
        var path = Path.Combine(dir, name);
        using var doc = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var wb = doc.AddWorkbookPart();
        wb.Workbook = new Workbook();
        if (date1904) wb.Workbook.Append(new WorkbookProperties { Date1904 = true });
        var styles = wb.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new NumberingFormats(formats.Where(f => f.Code is not null).Select(f => new NumberingFormat { NumberFormatId = f.Id, FormatCode = f.Code })),
            new Fonts(new Font()), new Fills(new Fill()), new Borders(new Border()),
            new CellFormats(new[] { new CellFormat() }.Concat(formats.Select(f => new CellFormat { NumberFormatId = f.Id, ApplyNumberFormat = true }))));
        var ws = wb.AddNewPart<WorksheetPart>();
        ws.Worksheet = new Worksheet(new SheetData(rows));
        wb.Workbook.Append(new Sheets(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = "Sheet1" }));
        return path;
    }

    private static Row Row(uint index, params Cell[] cells) => new(cells) { RowIndex = index };

    private static Cell Str(string reference, string text) =>
        new() { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };

    private static Cell Num(string reference, double value, uint style = 0) =>
        new() { CellReference = reference, CellValue = new CellValue(value.ToString("R", CultureInfo.InvariantCulture)), StyleIndex = style };

    private static Row HeaderRow() => Row(1, Str("A1", "rep_id"), Str("B1", "period"), Str("C1", "indicator"), Str("D1", "reason"));

    [Fact]
    public void Dates_of_a_1904_workbook_are_the_dates_excel_shows()
    {
        // Excel for Mac: serial 0 is 1904-01-01. 2026-10-15 is 45,213 there, 46,675 in the 1900 system.
        var serial1904 = new DateTime(2026, 10, 15).ToOADate() - 1462;
        var path = Workbook("mac.xlsx", true, [(14, null), (17, null)], HeaderRow(),
            Row(2, Str("A2", "R001"), Num("B2", new DateTime(2026, 10, 1).ToOADate() - 1462, 2), Str("C2", "revenue"), Num("D2", serial1904, 1)));
        Assert.Equal(["R001", "2026-10", "revenue", "2026-10-15"], Only(path));

        var windows = Workbook("windows.xlsx", false, [(14, null)], HeaderRow(),
            Row(2, Str("A2", "R001"), Str("B2", "2026-10"), Str("C2", "revenue"), Num("D2", serial1904 + 1462, 1)));
        Assert.Equal("2026-10-15", Only(windows)[3]);
    }

    [Fact]
    public void A_period_typed_as_a_date_on_the_first_of_the_month_is_that_month()
    {
        var path = Workbook("periods.xlsx", false, [(14, null), (164, "yyyy\"年\"m\"月\"")], HeaderRow(),
            Row(2, Str("A2", "R001"), Num("B2", new DateTime(2026, 10, 1).ToOADate(), 1), Str("C2", "revenue"), Num("D2", new DateTime(2026, 10, 1).ToOADate(), 1)),
            Row(3, Str("A3", "R002"), Num("B3", new DateTime(2026, 11, 1).ToOADate(), 2), Str("C3", "revenue"), Str("D3", "x")),
            Row(4, Str("A4", "R003"), Num("B4", new DateTime(2026, 11, 15).ToOADate(), 1), Str("C4", "revenue"), Str("D4", "x")));
        var rows = TabularFile.Read(path, Reasons).Rows;
        // In the period column the first of a month is the month; elsewhere a date stays a date. A mid-month date in the
        // period column is left as the date, for the importer to refuse ("expected YYYY-MM").
        Assert.Equal(["R001", "2026-10", "revenue", "2026-10-01"], rows[0].Fields);
        Assert.Equal("2026-11", rows[1].Fields[1]);
        Assert.Equal("2026-11-15", rows[2].Fields[1]);
    }

    [Fact]
    public void A_percent_cell_is_read_as_the_number_the_person_sees()
    {
        // 9 = 0%, 10 = 0.00%, custom 0.0%; a % in quotes or escaped is a literal sign, not a percentage.
        var path = Workbook("percent.xlsx", false, [(9, null), (10, null), (164, "0.0%"), (165, "0.00\"%\""), (166, "#,##0"), (167, "0\\%")], HeaderRow(),
            Row(2, Str("A2", "R001"), Str("B2", "2026-10"), Str("C2", "collection_rate"), Num("D2", 0.9, 1)),
            Row(3, Str("A3", "R001"), Str("B3", "2026-10"), Str("C3", "lead_conversion"), Num("D3", 0.835, 2)),
            Row(4, Str("A4", "R001"), Str("B4", "2026-10"), Str("C4", "gross_margin"), Num("D4", 0.125, 3)),
            Row(5, Str("A5", "R001"), Str("B5", "2026-10"), Str("C5", "team_share"), Num("D5", 90, 4)),
            Row(6, Str("A6", "R001"), Str("B6", "2026-10"), Str("C6", "revenue"), Num("D6", 1234567.5, 5)),
            Row(7, Str("A7", "R001"), Str("B7", "2026-10"), Str("C7", "visits"), Num("D7", 95, 6)));
        Assert.Equal(["90", "83.5", "12.5", "90", "1234567.5", "95"], TabularFile.Read(path, Reasons).Rows.Select(r => r.Fields[3]));
    }

    [Fact]
    public void Phonetic_guides_are_not_part_of_the_text()
    {
        var path = Path.Combine(dir, "ruby.xlsx");
        using (var doc = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook))
        {
            var wb = doc.AddWorkbookPart();
            wb.Workbook = new Workbook();
            var sst = wb.AddNewPart<SharedStringTablePart>();
            sst.SharedStringTable = new SharedStringTable(
                new SharedStringItem(new Text("rep_id")), new SharedStringItem(new Text("period")), new SharedStringItem(new Text("indicator")), new SharedStringItem(new Text("reason")),
                // What Excel on Japanese Windows saves for 東京 typed with an IME: the reading beside the text.
                new SharedStringItem(new Text("東京"), new PhoneticRun(new Text("トウキョウ")) { BaseTextStartIndex = 0, EndingBaseIndex = 2 }, new PhoneticProperties { FontId = 0 }),
                new SharedStringItem(new Run(new Text("李")), new Run(new RunProperties(new Bold()), new Text("明")), new PhoneticRun(new Text("lǐ míng")) { BaseTextStartIndex = 0, EndingBaseIndex = 2 }));
            static Cell Shared(string reference, int index) => new() { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString(CultureInfo.InvariantCulture)) };
            var ws = wb.AddNewPart<WorksheetPart>();
            ws.Worksheet = new Worksheet(new SheetData(
                Row(1, Shared("A1", 0), Shared("B1", 1), Shared("C1", 2), Shared("D1", 3)),
                Row(2, Str("A2", "R001"), Str("B2", "2026-10"), Shared("C2", 4), Shared("D2", 5)),
                Row(3, Str("A3", "R002"), Str("B3", "2026-10"), Str("C3", "revenue"),
                    new Cell { CellReference = "D3", DataType = CellValues.InlineString, InlineString = new InlineString(new Text("王"), new PhoneticRun(new Text("wáng")) { BaseTextStartIndex = 0, EndingBaseIndex = 1 }) })));
            wb.Workbook.Append(new Sheets(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = "Sheet1" }));
        }
        var rows = TabularFile.Read(path, Reasons).Rows;
        Assert.Equal(["R001", "2026-10", "東京", "李明"], rows[0].Fields);
        Assert.Equal("王", rows[1].Fields[3]);
    }
}
