using System.Globalization;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using SalesReporting.Data;
using SalesReporting.Reports.Forms;
using Format = SalesReporting.Reports.Forms.Format;
using Cell = SalesReporting.Reports.Summary.TeamWorkbookCell;

namespace SalesReporting.Reports.Summary;

/// <summary>
/// The team workbook attached to the manager's summary email (docs/form.md, "The team workbook"): a sheet for the
/// team — a row per rep with the summary's columns, completion as a percentage coloured by how it stands, the header
/// frozen and filtered — and a sheet per rep in the layout of the form the teams fill today (基本信息, 業績指標跟蹤表,
/// 關鍵動作與客戶記錄, 問題分析與改進計劃, 反饋與確認), in the team's locale. Figures are numbers in cells (a
/// completion of 85% is 0.85 shown as 85.0%), so the manager can sort, filter and sum them.
/// </summary>
public static class TeamWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string FileName(Period period, string teamId) => $"{period}_team_{FileNames.Part(teamId)}.xlsx";

    // Cell formats of the stylesheet below, by index.
    internal const uint Plain = 0, Header = 1, Percent = 2, PercentMet = 3, PercentNear = 4, PercentBehind = 5, Score = 6,
        Number = 7, Title = 8, Section = 9, Wrapped = 10, Date = 11, Label = 12;

    public static byte[] Build(TeamSummary summary, IReadOnlyList<FeedbackForm> forms)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(forms);
        var l = FormText.For(summary.Locale);
        var s = SummaryText.For(summary.Locale);
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

            // The team: one row per rep, the summary's columns.
            var team = new SheetBuilder();
            string[] header = [s.ColRank, s.ColRep, "ID", .. summary.KeyIndicators.Select(i => i.Name + l.Parenthesized(l.ColCompletion)), l.Score, l.Tier, s.ColAcknowledged];
            team.Row(header.Select(h => Cell.Of(h, Header)));
            foreach (var r in summary.Reps)
                team.Row([
                    r.Rank is { } rank ? Cell.Of(rank, Number) : Cell.Empty, Cell.Of(r.IsNewHire ? $"{r.RepName} ({l.NewHire})" : r.RepName), Cell.Of(r.RepId),
                    .. r.Completions.Select(CompletionCell), r.Score is { } score ? Cell.Of(Format.Round(score, 1), Score) : Cell.Empty,
                    Cell.Of(l.TierName(r.Tier) ?? ""), Cell.Of(r.Acknowledged ? s.Yes : s.No)]);
            team.Widths([8, 18, 10, .. summary.KeyIndicators.Select(_ => 16.0), 10, 12, 10]);
            team.FreezeHeader = true;
            team.Filter = (header.Length, summary.Reps.Count + 1);
            Add(workbook, sheets, Unique(names, $"{summary.TeamName}"), team);

            // A sheet per rep, in the order of the team sheet, laid out as the form.
            var order = summary.Reps.Select((r, i) => (r.RepId, i)).ToDictionary(x => x.RepId, x => x.i, StringComparer.Ordinal);
            foreach (var form in forms.OrderBy(f => order.GetValueOrDefault(f.Rep.RepId, int.MaxValue)).ThenBy(f => f.Rep.RepId, StringComparer.Ordinal))
                Add(workbook, sheets, Unique(names, $"{form.Rep.RepName} {form.Rep.RepId}"), RepSheet(form));
        }
        return stream.ToArray();
    }

    private static Cell CompletionCell(decimal? completion) => completion is { } c
        ? Cell.Of(Format.Round(c / 100m, 4), Format.Standing(c) switch { "met" => PercentMet, "near" => PercentNear, _ => PercentBehind })
        : Cell.Empty;

    private static SheetBuilder RepSheet(FeedbackForm form)
    {
        var l = FormText.For(form.Locale);
        var sheet = new SheetBuilder();
        sheet.Row([Cell.Of(l.Title, Title)]);
        sheet.Row([]);

        sheet.Row([Cell.Of(l.SectionBasics, Section)]);
        sheet.Row([Cell.Of(l.Period, Label), Cell.Of(l.FormatPeriod(form.Period)), Cell.Of(l.Team, Label), Cell.Of(form.Rep.TeamName)]);
        sheet.Row([Cell.Of(l.Manager, Label), Cell.Of(form.Rep.ManagerName), Cell.Of(l.Rep, Label),
            Cell.Of(form.Rep.RepName + (form.Rep.IsNewHire ? $" ({l.NewHire}{(form.Rep.TenureMonth is { } m ? " · " + l.Tenure(m) : "")})" : ""))]);
        sheet.Row([Cell.Of(l.FilledOn, Label), Cell.Of(form.FilledOn), Cell.Of(l.Score, Label),
            form.Score.Score is { } score ? Cell.Of(Format.Round(score, 1), Score) : Cell.Of(l.NoScore)]);
        sheet.Row([Cell.Of(l.Tier, Label), Cell.Of(l.TierName(form.Score.Tier) ?? l.NoValue)]);
        sheet.Row([]);

        sheet.Row([Cell.Of(l.SectionIndicators, Section)]);
        sheet.Row(new[] { l.ColCategory, l.ColIndicator, l.ColTarget, l.ColActual, l.ColCompletion, l.ColChange, l.ColAnomalyReason }.Select(h => Cell.Of(h, Header)));
        foreach (var i in form.Indicators)
        {
            var change = string.Join(" ", new[] { Format.Change(i.Yoy, i.Unit, l.Yoy, l), Format.Change(i.Mom, i.Unit, l.Mom, l) }.Where(c => c is not null));
            sheet.Row([
                Cell.Of(l.Category(i.Category)), Cell.Of(i.Name + l.UnitSuffix(i.Unit, i.Code)),
                i.Target is { } t ? Cell.Of(Format.Round(t, 2), Number) : Cell.Of(l.NoTarget),
                i.Actual is { } a ? Cell.Of(Format.Round(a, 2), Number) : Cell.Of(l.NoValue),
                i.Completion is { } c ? CompletionCell(c) : Cell.Of(l.NoValueReason(i.NoValueReason)),
                Cell.Of(change.Length == 0 ? l.NoValue : change),
                Cell.Of(i.IsAnomaly ? "⚠ " + (i.AnomalyReason ?? l.Anomaly) : i.AnomalyReason ?? "", Wrapped)]);
        }
        sheet.Row([]);

        sheet.Row([Cell.Of(l.SectionKeyActions, Section)]);
        sheet.Row(new[] { l.ColCustomer, l.ColKeyAction, l.ColDate, l.ColProgress, l.ColSupport }.Select(h => Cell.Of(h, Header)));
        foreach (var k in form.KeyActions)
            sheet.Row([
                Cell.Of(k.Customer + (k.Industry is { } ind ? l.Parenthesized(ind) : "") + (k.IsKeyAccount ? " · " + l.KeyAccount : "")),
                Cell.Of($"{l.ActionKind(k.Kind)}: {k.Subject}", Wrapped), Cell.Of(k.Date), Cell.Of(k.Progress ?? "", Wrapped), Cell.Of(k.SupportNeeded ?? "", Wrapped)]);
        if (form.KeyActions.Count == 0) sheet.Row([Cell.Of(l.NoKeyActions)]);
        foreach (var risk in form.KeyAccountRisks)
            sheet.Row([Cell.Of(l.KeyAccountRisks, Label), Cell.Of(risk.Customer), Cell.Of(risk.Risk, Wrapped)]);
        sheet.Row([]);

        sheet.Row([Cell.Of(l.SectionActionPlan, Section)]);
        sheet.Row(new[] { l.ColProblem, l.ColRootCause, l.ColAction, l.ColOwner, l.ColDue, l.ColCheckpoint, l.ColStatus }.Select(h => Cell.Of(h, Header)));
        foreach (var a in form.Actions)
            sheet.Row([
                Cell.Of(a.Problem, Wrapped), Cell.Of($"[{l.Cause(a.CauseCategory)}] {a.RootCause}", Wrapped), Cell.Of(a.Action, Wrapped), Cell.Of(a.Owner),
                Cell.Of(a.DueOn), a.CheckpointOn is { } cp ? Cell.Of(cp) : Cell.Empty,
                Cell.Of(l.Status(a.Status) + (a.CarriedOver ? " · " + l.CarriedOver : "") + (a.Effectiveness is { } e ? " · " + l.Effect(e) : ""))]);
        if (form.Actions.Count == 0) sheet.Row([Cell.Of(l.NoActions)]);
        sheet.Row([]);

        sheet.Row([Cell.Of(l.SectionFeedback, Section)]);
        if (form.Review is { HeldOn: not null } or { Notes: not null } or { Agreed: not null })
        {
            var r = form.Review!;
            sheet.Row([Cell.Of(l.OneOnOne, Label), r.HeldOn is { } held ? Cell.Of(held) : Cell.Empty]);
            if (r.Notes is { } notes) sheet.Row([Cell.Of(l.OneOnOneNotes, Label), Cell.Of(notes, Wrapped)]);
            if (r.Agreed is { } agreed) sheet.Row([Cell.Of(l.OneOnOneAgreed, Label), Cell.Of(agreed, Wrapped)]);
        }
        sheet.Row([Cell.Of(l.RepSignature, Label), Cell.Of(form.AcknowledgedAt is { } ack ? $"{l.Acknowledged} {l.FormatTimestamp(ack)}" : l.NotAcknowledged),
            Cell.Of(l.ManagerSignature, Label), Cell.Of(form.Review?.SignedOffBy is { } by ? by + (form.Review.SignedOffAt is { } at ? " " + l.FormatTimestamp(at) : "") : "")]);
        sheet.Widths([16, 24, 14, 14, 14, 22, 40]);
        return sheet;
    }

    private static string Unique(HashSet<string> names, string wanted)
    {
        // A sheet name: at most 31 characters, none of : \ / ? * [ ], not starting or ending with an apostrophe.
        var clean = new string(XmlText(wanted).Select(c => c is ':' or '\\' or '/' or '?' or '*' or '[' or ']' || char.IsControl(c) ? ' ' : c).ToArray()).Trim().Trim('\'');
        if (clean.Length == 0) clean = "Sheet";
        var name = Cut(clean, 31);
        for (var n = 2; names.Contains(name); n++)
        {
            var suffix = $" ({n})";
            name = Cut(clean, 31 - suffix.Length) + suffix;
        }
        names.Add(name);
        return name;
    }

    /// <summary>At most <paramref name="length"/> UTF-16 units of the text, never half of a character beyond the basic
    /// plane (a surrogate pair, as 𠀋 in a name): half of one is not a character, and XML cannot carry it.</summary>
    internal static string Cut(string text, int length) =>
        text.Length <= length ? text : text[..(char.IsHighSurrogate(text[length - 1]) ? length - 1 : length)];

    private static void Add(WorkbookPart workbook, Sheets sheets, string name, SheetBuilder builder)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        builder.WriteTo(part);
        var id = (uint)sheets.ChildElements.Count + 1;
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id, Name = name });
        if (builder.Filter is { } f)
        {
            var defined = workbook.Workbook.DefinedNames ??= new DefinedNames();
            defined.Append(new DefinedName($"'{name.Replace("'", "''", StringComparison.Ordinal)}'!$A$1:${Column(f.Columns)}${f.Rows}")
                { Name = "_xlnm._FilterDatabase", LocalSheetId = id - 1, Hidden = true });
        }
    }

    /// <summary>
    /// The text as XML can carry it: XML 1.0 has no place for most control characters (U+0001, a form feed), which a CRM's
    /// free text may hold, and one of them would fail the whole workbook, and the team's summary with it. They are left
    /// out of the cell (they show as nothing anyway); the text in the database is unchanged.
    /// </summary>
    internal static string XmlText(string text)
    {
        StringBuilder? kept = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsSurrogatePair(text, i)) { kept?.Append(text, i, 2); i++; }
            else if (XmlConvert.IsXmlChar(text[i])) kept?.Append(text[i]);
            else kept ??= new StringBuilder(text.Length).Append(text, 0, i);
        }
        return kept?.ToString() ?? text;
    }

    internal static string Column(int number)
    {
        var name = "";
        for (var n = number; n > 0; n = (n - 1) / 26) name = (char)('A' + (n - 1) % 26) + name;
        return name;
    }

    private static Stylesheet Styles()
    {
        static Fill Solid(string rgb) => new(new PatternFill(new ForegroundColor { Rgb = "FF" + rgb }, new BackgroundColor { Indexed = 64 }) { PatternType = PatternValues.Solid });
        var thin = new Border(
            new LeftBorder(new Color { Rgb = "FFBCCCDC" }) { Style = BorderStyleValues.Thin }, new RightBorder(new Color { Rgb = "FFBCCCDC" }) { Style = BorderStyleValues.Thin },
            new TopBorder(new Color { Rgb = "FFBCCCDC" }) { Style = BorderStyleValues.Thin }, new BottomBorder(new Color { Rgb = "FFBCCCDC" }) { Style = BorderStyleValues.Thin },
            new DiagonalBorder());
        var fonts = new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 14 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new Color { Rgb = "FF1E7B34" }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new Color { Rgb = "FFA61B1B" }, new FontName { Val = "Calibri" }));
        // Fills 0 and 1 are reserved (none, gray125); then header grey, met green, near amber, behind red.
        var fills = new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            Solid("E4E7EB"), Solid("DFF5E3"), Solid("FFF3C4"), Solid("FDE2E1"));
        var borders = new Borders(new Border(), thin);
        var formats = new NumberingFormats(
            new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0%" },
            new NumberingFormat { NumberFormatId = 165, FormatCode = "0.0" },
            new NumberingFormat { NumberFormatId = 166, FormatCode = "#,##0.##" },
            new NumberingFormat { NumberFormatId = 167, FormatCode = "yyyy-mm-dd" });
        static CellFormat F(uint font, uint fill, uint border, uint numFmt, bool wrap = false)
        {
            var format = new CellFormat
            {
                FontId = font, FillId = fill, BorderId = border, NumberFormatId = numFmt,
                ApplyFont = font != 0, ApplyFill = fill != 0, ApplyBorder = border != 0, ApplyNumberFormat = numFmt != 0, ApplyAlignment = wrap,
            };
            if (wrap) format.Append(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top });
            return format;
        }
        var cellFormats = new CellFormats(
            F(0, 0, 0, 0),          // Plain
            F(1, 2, 1, 0, true),    // Header
            F(0, 0, 0, 164),        // Percent
            F(3, 3, 0, 164),        // PercentMet
            F(0, 4, 0, 164),        // PercentNear
            F(4, 5, 0, 164),        // PercentBehind
            F(0, 0, 0, 165),        // Score
            F(0, 0, 0, 166),        // Number
            F(2, 0, 0, 0),          // Title
            F(1, 0, 0, 0),          // Section
            F(0, 0, 0, 0, true),    // Wrapped
            F(0, 0, 0, 167),        // Date
            F(1, 0, 0, 0));         // Label
        return new Stylesheet(formats, fonts, fills, borders, new CellStyleFormats(new CellFormat()), cellFormats);
    }

    private sealed class SheetBuilder
    {
        private readonly List<List<Cell>> rows = [];
        private double[] widths = [];
        public bool FreezeHeader { get; set; }
        public (int Columns, int Rows)? Filter { get; set; }

        public void Row(IEnumerable<Cell> cells) => rows.Add(cells.ToList());
        public void Widths(IEnumerable<double> columns) => widths = columns.ToArray();

        /// <summary>
        /// The sheet's XML written straight into its part with an XmlWriter, element by element, in the schema's order
        /// (sheetViews, cols, sheetData, autoFilter). Building the worksheet as Open XML SDK objects and saving them cost
        /// 2.4 ms a rep's sheet, a fifth of the worker's own CPU in a month-end (docs/bench.md).
        /// </summary>
        public void WriteTo(WorksheetPart part)
        {
            const string ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
            using var stream = part.GetStream(FileMode.Create, FileAccess.Write);
            // CheckCharacters stays on, as the SDK's own writer has it; the texts have been through XmlText.
            using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
            xml.WriteStartDocument(true);
            xml.WriteStartElement("worksheet", ns);
            if (FreezeHeader)
            {
                xml.WriteStartElement("sheetViews", ns);
                xml.WriteStartElement("sheetView", ns);
                xml.WriteAttributeString("workbookViewId", "0");
                xml.WriteStartElement("pane", ns);
                xml.WriteAttributeString("ySplit", "1");
                xml.WriteAttributeString("topLeftCell", "A2");
                xml.WriteAttributeString("activePane", "bottomLeft");
                xml.WriteAttributeString("state", "frozen");
                xml.WriteEndElement();
                xml.WriteStartElement("selection", ns);
                xml.WriteAttributeString("pane", "bottomLeft");
                xml.WriteAttributeString("activeCell", "A2");
                xml.WriteAttributeString("sqref", "A2");
                xml.WriteEndElement();
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            if (widths.Length > 0)
            {
                xml.WriteStartElement("cols", ns);
                for (var i = 0; i < widths.Length; i++)
                {
                    var column = (i + 1).ToString(CultureInfo.InvariantCulture);
                    xml.WriteStartElement("col", ns);
                    xml.WriteAttributeString("min", column);
                    xml.WriteAttributeString("max", column);
                    xml.WriteAttributeString("width", widths[i].ToString(CultureInfo.InvariantCulture));
                    xml.WriteAttributeString("customWidth", "1");
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteStartElement("sheetData", ns);
            for (var r = 0; r < rows.Count; r++)
            {
                var rowNumber = (r + 1).ToString(CultureInfo.InvariantCulture);
                xml.WriteStartElement("row", ns);
                xml.WriteAttributeString("r", rowNumber);
                for (var c = 0; c < rows[r].Count; c++)
                {
                    var cell = rows[r][c];
                    if (cell.NumberValue is null && cell.TextValue is null) continue;
                    xml.WriteStartElement("c", ns);
                    xml.WriteAttributeString("r", Column(c + 1) + rowNumber);
                    if (cell.Style != Plain) xml.WriteAttributeString("s", cell.Style.ToString(CultureInfo.InvariantCulture));
                    if (cell.NumberValue is { } n)
                    {
                        xml.WriteElementString("v", ns, n.ToString(CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        xml.WriteAttributeString("t", "inlineStr");
                        xml.WriteStartElement("is", ns);
                        xml.WriteStartElement("t", ns);
                        xml.WriteAttributeString("xml", "space", null, "preserve");
                        xml.WriteString(XmlText(cell.TextValue!));
                        xml.WriteEndElement();
                        xml.WriteEndElement();
                    }
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            if (Filter is { } f)
            {
                xml.WriteStartElement("autoFilter", ns);
                xml.WriteAttributeString("ref", $"A1:{Column(f.Columns)}{f.Rows}");
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
    }
}

/// <summary>A cell of the team workbook to write: a string, a number or a date (an Excel serial date with the date format).</summary>
internal readonly record struct TeamWorkbookCell(string? TextValue, decimal? NumberValue, uint Style)
{
    public static TeamWorkbookCell Empty => default;
    public static TeamWorkbookCell Of(string text, uint style = TeamWorkbook.Plain) => new(text, null, style);
    public static TeamWorkbookCell Of(decimal number, uint style) => new(null, number, style);
    public static TeamWorkbookCell Of(int number, uint style) => new(null, number, style);
    public static TeamWorkbookCell Of(DateOnly date) => new(null, (decimal)date.ToDateTime(TimeOnly.MinValue).ToOADate(), TeamWorkbook.Date);
}

