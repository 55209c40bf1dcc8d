using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace SalesReporting.Tests.Infrastructure;

/// <summary>An .xlsx read back as a person sees it: per sheet, each cell's value (text, or number), its number
/// format and fill colour, the frozen rows and the filter range.</summary>
public static class WorkbookReader
{
    public sealed record ReadCell(string? Text, decimal? Number, string? NumberFormat, string? Fill);

    public sealed record ReadSheet(string Name, IReadOnlyDictionary<string, ReadCell> Cells, double? FrozenRows, string? Filter)
    {
        public string? Text(string reference) => Cells.TryGetValue(reference, out var c) ? c.Text : null;
        public decimal? Number(string reference) => Cells.TryGetValue(reference, out var c) ? c.Number : null;

        /// <summary>The texts (or numbers, invariant) of one row from column A, up to its last cell.</summary>
        public IReadOnlyList<string> Row(int row)
        {
            var cells = Cells.Where(c => RowOf(c.Key) == row).OrderBy(c => ColumnOf(c.Key)).ToList();
            if (cells.Count == 0) return [];
            var last = ColumnOf(cells[^1].Key);
            return Enumerable.Range(1, last).Select(col => cells.FirstOrDefault(c => ColumnOf(c.Key) == col) is { Value: { } v }
                ? v.Text ?? v.Number?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "" : "").ToList();
        }

        /// <summary>The first row whose column A reads <paramref name="text"/>; 0 when none does.</summary>
        public int RowStarting(string text) => Cells.Where(c => ColumnOf(c.Key) == 1 && c.Value.Text == text).Select(c => RowOf(c.Key)).DefaultIfEmpty(0).Min();

        private static int RowOf(string reference) => int.Parse(reference.AsSpan(reference.IndexOfAny("0123456789".ToCharArray())), System.Globalization.CultureInfo.InvariantCulture);
        private static int ColumnOf(string reference) => reference.TakeWhile(char.IsLetter).Aggregate(0, (n, ch) => n * 26 + (ch - 'A' + 1));
    }

    public sealed record ReadWorkbook(IReadOnlyList<ReadSheet> Sheets)
    {
        public ReadSheet this[string name] => Sheets.Single(s => s.Name == name);
    }

    public static ReadWorkbook Read(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var styles = workbook.WorkbookStylesPart!.Stylesheet;
        var formats = styles.CellFormats!.Elements<CellFormat>().ToList();
        var numberFormats = styles.NumberingFormats?.Elements<NumberingFormat>().ToDictionary(n => n.NumberFormatId!.Value, n => n.FormatCode!.Value!) ?? [];
        var fills = styles.Fills!.Elements<Fill>().ToList();
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToList() ?? [];
        var sheets = new List<ReadSheet>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var worksheet = ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet;
            var cells = new Dictionary<string, ReadCell>(StringComparer.Ordinal);
            foreach (var cell in worksheet.Descendants<Cell>())
            {
                var format = cell.StyleIndex is { } si ? formats[(int)si.Value] : null;
                var numFmt = format?.NumberFormatId is { } id && id.Value != 0 ? numberFormats.GetValueOrDefault(id.Value, $"builtin {id.Value}") : null;
                var fill = format?.FillId is { } fid ? fills[(int)fid.Value].PatternFill?.ForegroundColor?.Rgb?.Value : null;
                string? text = null;
                decimal? number = null;
                if (cell.DataType?.Value == CellValues.InlineString) text = cell.InlineString!.InnerText;
                else if (cell.DataType?.Value == CellValues.SharedString) text = shared[int.Parse(cell.CellValue!.Text, System.Globalization.CultureInfo.InvariantCulture)];
                else if (cell.DataType?.Value == CellValues.String) text = cell.CellValue!.Text;
                else if (cell.CellValue is { } v) number = decimal.Parse(v.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
                cells[cell.CellReference!.Value!] = new ReadCell(text, number, numFmt, fill);
            }
            var pane = worksheet.Descendants<Pane>().FirstOrDefault();
            sheets.Add(new ReadSheet(sheet.Name!.Value!, cells, pane?.State?.Value == PaneStateValues.Frozen ? pane.VerticalSplit?.Value : null,
                worksheet.Elements<AutoFilter>().FirstOrDefault()?.Reference?.Value));
        }
        return new ReadWorkbook(sheets);
    }
}
