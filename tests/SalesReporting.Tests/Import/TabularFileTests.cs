using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SalesReporting.Data;

namespace SalesReporting.Tests.Import;

/// <summary>Import files as a person makes them: a .csv from a text editor, an .xlsx saved by Excel.</summary>
public sealed class TabularFileTests : IDisposable
{
    private static readonly string[] Header = ["rep_id", "period", "indicator", "target"];
    private readonly string dir = Directory.CreateTempSubdirectory("sr-tabular-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>A cell: text (shared string), a number, or a number with a cell style (1 = date m/d/yyyy, 2 = mmm-yy).</summary>
    public sealed record XCell(string Ref, object Value, uint? Style = null);

    /// <summary>Writes a workbook the way Excel does: shared strings, numbers as doubles, dates as styled serials.</summary>
    public static string WriteXlsx(string path, string sheetName, XCell[][] rows)
    {
        using var doc = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var wb = doc.AddWorkbookPart();
        wb.Workbook = new Workbook();
        var styles = wb.AddNewPart<WorkbookStylesPart>();
        styles.Stylesheet = new Stylesheet(
            new Fonts(new Font()), new Fills(new Fill()), new Borders(new Border()),
            new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }, new CellFormat { NumberFormatId = 17, ApplyNumberFormat = true }));
        var strings = new List<string>();
        var sheetData = new SheetData();
        foreach (var row in rows)
        {
            var r = new Row { RowIndex = uint.Parse(new string(row[0].Ref.SkipWhile(char.IsLetter).ToArray()), System.Globalization.CultureInfo.InvariantCulture) };
            foreach (var c in row)
            {
                var cell = new Cell { CellReference = c.Ref };
                if (c.Value is string s)
                {
                    if (!strings.Contains(s)) strings.Add(s);
                    cell.DataType = CellValues.SharedString;
                    cell.CellValue = new CellValue(strings.IndexOf(s).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                else cell.CellValue = new CellValue(Convert.ToDouble(c.Value, System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture));
                if (c.Style is { } st) cell.StyleIndex = st;
                r.Append(cell);
            }
            sheetData.Append(r);
        }
        var sst = wb.AddNewPart<SharedStringTablePart>();
        sst.SharedStringTable = new SharedStringTable(strings.Select(s => new SharedStringItem(new Text(s))));
        var ws = wb.AddNewPart<WorksheetPart>();
        ws.Worksheet = new Worksheet(sheetData);
        wb.Workbook.AppendChild(new Sheets(new Sheet { Id = wb.GetIdOfPart(ws), SheetId = 1, Name = sheetName }));
        return path;
    }

    [Fact]
    public void An_xlsx_sheet_reads_as_the_text_a_person_typed_with_excel_row_numbers()
    {
        var path = WriteXlsx(Path.Combine(dir, "targets.xlsx"), "十月目标", [
            [new("A1", "rep_id"), new("B1", "period"), new("C1", "indicator"), new("D1", "target")],
            [new("A2", "R001"), new("B2", "2026-10"), new("C2", "collection_rate"), new("D2", 83.299999999999997)],
            // row 3 left blank, as people do
            [new("A4", "R002"), new("B4", 46296d, 2), new("C4", "revenue"), new("D4", 120)],
            [new("A5", "R003"), new("B5", 46336d, 1), new("D5", 0.5)]]);

        var file = TabularFile.Read(path, Header);

        Assert.Equal("十月目标", file.Sheet);
        Assert.Equal([2, 4, 5], file.Rows.Select(r => r.Row));
        Assert.Equal(["R001", "2026-10", "collection_rate", "83.3"], file.Rows[0].Fields);
        // A month Excel turned into a date (shown mmm-yy) comes back as the month; a full date as the ISO date.
        Assert.Equal(["R002", "2026-10", "revenue", "120"], file.Rows[1].Fields);
        Assert.Equal(["R003", "2026-11-10", "", "0.5"], file.Rows[2].Fields);
        Assert.Equal("targets.xlsx, sheet '十月目标': row 5, column 'indicator': empty", file.Error(5, "indicator", "", "empty").ToString());
    }

    [Fact]
    public void An_xlsx_with_a_wrong_header_is_rejected_naming_sheet_and_row()
    {
        var path = WriteXlsx(Path.Combine(dir, "bad.xlsx"), "Sheet1",
            [[new("A1", "rep"), new("B1", "period"), new("C1", "indicator"), new("D1", "target")]]);
        var ex = Assert.Throws<ImportRejectedException>(() => TabularFile.Read(path, Header));
        var e = Assert.Single(ex.Errors);
        Assert.Equal(("Sheet1", 1, "rep,period,indicator,target"), (e.Sheet, e.Row, e.Value));
        Assert.Contains("wrong header; expected rep_id,period,indicator,target", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_workbook_is_rejected_as_unreadable_not_crashed_on()
    {
        var path = Path.Combine(dir, "renamed.xlsx");
        File.WriteAllText(path, "rep_id,period,indicator,target\n");
        var e = Assert.Single(Assert.Throws<ImportRejectedException>(() => TabularFile.Read(path, Header)).Errors);
        Assert.StartsWith("not a readable .xlsx workbook", e.Reason, StringComparison.Ordinal);
        Assert.Equal("renamed.xlsx", e.File);
    }

    [Fact]
    public void Other_file_types_are_refused_by_extension()
    {
        var path = Path.Combine(dir, "targets.xls");
        File.WriteAllBytes(path, [0xD0, 0xCF]);
        var e = Assert.Single(Assert.Throws<ImportRejectedException>(() => TabularFile.Read(path, Header)).Errors);
        Assert.Equal((".xls", "unsupported file type; expected .csv or .xlsx"), (e.Value, e.Reason));
    }

    [Fact]
    public void A_csv_with_a_byte_order_mark_and_a_short_row_names_the_line()
    {
        var path = Path.Combine(dir, "targets.csv");
        File.WriteAllText(path, "rep_id,period,indicator,target\r\nR001,2026-10,revenue,100\r\n\r\nR002,2026-10,revenue\r\n", new System.Text.UTF8Encoding(true));
        var e = Assert.Single(Assert.Throws<ImportRejectedException>(() => TabularFile.Read(path, Header)).Errors);
        Assert.Equal((4, "expected 4 fields, found 3"), (e.Row, e.Reason));
        Assert.Null(e.Sheet);

        File.WriteAllText(path, "rep_id,period,indicator,target\r\nR001,2026-10,revenue,\" 100 \"\r\n", new System.Text.UTF8Encoding(true));
        Assert.Equal(["R001", "2026-10", "revenue", "100"], Assert.Single(TabularFile.Read(path, Header).Rows).Fields);
    }
}
