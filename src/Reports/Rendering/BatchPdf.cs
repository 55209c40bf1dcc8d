using System.Globalization;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Tokens;
using UglyToad.PdfPig.Writer;

namespace SalesReporting.Reports.Rendering;

/// <summary>
/// Cuts the PDF of a printed batch (<see cref="BatchDocument.Combine"/>) into one PDF per document and
/// numbers each one's pages "x / y" in its own footer. Where a document starts is read from its marker
/// link, so a document of any length is cut right; the markers themselves are not copied.
/// </summary>
/// <remarks>
/// The pages are copied as objects: each page's dictionary and everything it refers to (content streams, fonts,
/// images), byte for byte, renumbered into a new file. Nothing is parsed that a copy does not need. PdfPig's
/// <c>PdfDocumentBuilder.AddPage</c> does the same copy, but first parses every page's content, twice (its letters,
/// and the transform the content leaves behind); in a month-end that parse was most of the worker's own CPU, and
/// its token cache is behind one lock that concurrent cuts queued on.
/// </remarks>
internal static class BatchPdf
{
    // Where Chromium's own footer template prints the page number: 8 px type centred in the bottom margin.
    private const double FooterFontSize = 6;
    private const double FooterBaseline = 17;
    // The footer's grey (#7b8794), as PDF fill colour components.
    private const string FooterColor = "0.4824 0.5294 0.5804";

    public static IReadOnlyList<byte[]> Split(byte[] batchPdf, IReadOnlyList<BatchDocument> documents)
    {
        using var source = PdfDocument.Open(batchPdf);
        var pages = Pages(source);
        var starts = FirstPages(source, pages, documents.Count);
        var producer = source.Information.Producer;
        var creator = source.Information.Creator;
        var version = source.Version.ToString("0.0", CultureInfo.InvariantCulture);

        var result = new byte[documents.Count][];
        for (var i = 0; i < documents.Count; i++)
        {
            var first = starts[i];
            var last = i + 1 < documents.Count ? starts[i + 1] - 1 : pages.Count;
            var info = new Dictionary<NameToken, IToken>();
            if (documents[i].Title.Length > 0) info[NameToken.Title] = Text(documents[i].Title);
            if (producer is not null) info[NameToken.Producer] = Text(producer);
            if (creator is not null) info[NameToken.Creator] = Text(creator);
            result[i] = PageCopy.Write(source, version, pages.GetRange(first - 1, last - first + 1), info);
        }
        return result;
    }

    /// <summary>A string of the document information: PDFDocEncoding when ASCII, else UTF-16 with its byte order mark.</summary>
    private static IToken Text(string value) =>
        value.All(c => c is >= ' ' and <= '~')
            ? new StringToken(value)
            : new HexToken(("FEFF" + Convert.ToHexString(Encoding.BigEndianUnicode.GetBytes(value))).AsSpan());

    /// <summary>A leaf of the page tree, with what it inherits from the nodes above it.</summary>
    private sealed record PageNode(IndirectReference Reference, DictionaryToken Dictionary, IReadOnlyDictionary<string, IToken> Inherited, double Left, double Width);

    /// <summary>The page each document starts on, from the named destination of its marker link. Read from
    /// the catalog's /Dests and the page tree alone: parsing every page's content to find its links would
    /// cost as much as the copying itself. Anything but one marker per document, in order, starting on
    /// page 1, is a broken print.</summary>
    private static int[] FirstPages(PdfDocument source, List<PageNode> pages, int documents)
    {
        if (pages.Count != source.NumberOfPages)
            throw new InvalidOperationException($"The batch PDF's page tree lists {pages.Count} pages of {source.NumberOfPages}.");
        var pageNumbers = pages.Select((p, i) => (p.Reference, Number: i + 1)).ToDictionary(p => p.Reference, p => p.Number);
        var catalog = source.Structure.Catalog.CatalogDictionary;
        var dests = catalog.TryGet(NameToken.Dests, out var destsToken) ? Resolve(source, destsToken) as DictionaryToken : null;

        var starts = new int[documents];
        for (var i = 0; i < documents; i++)
        {
            var name = BatchDocument.MarkerPrefix + i.ToString(CultureInfo.InvariantCulture);
            starts[i] = dests is not null && dests.TryGet(NameToken.Create(name), out var dest)
                        && Resolve(source, dest) is ArrayToken { Length: > 0 } array
                        && array.Data[0] is IndirectReferenceToken page && pageNumbers.TryGetValue(page.Data, out var number)
                ? number
                : throw new InvalidOperationException($"Document {i + 1} of {documents} left no start marker in the batch PDF; it was not printed whole.");
            if (i == 0 ? starts[i] != 1 : starts[i] <= starts[i - 1])
                throw new InvalidOperationException(
                    $"Document {i + 1} of {documents} starts on page {starts[i]}, which does not follow the previous document; the batch cannot be cut safely.");
        }
        return starts;
    }

    private static IToken Resolve(PdfDocument source, IToken token) =>
        token is IndirectReferenceToken reference ? source.Structure.GetObject(reference.Data).Data : token;

    /// <summary>The page tree's leaves in order, each with the inheritable entries (resources, boxes, rotation) of its ancestors.</summary>
    private static List<PageNode> Pages(PdfDocument source)
    {
        var pages = new List<PageNode>();
        var catalog = source.Structure.Catalog.CatalogDictionary;
        if (catalog.TryGet(NameToken.Pages, out var pagesToken) && pagesToken is IndirectReferenceToken pagesRef)
            Walk(source, pagesRef.Data, new Dictionary<string, IToken>(), pages, depth: 0);
        return pages;
    }

    private static readonly string[] Inheritable = [NameToken.Resources.Data, NameToken.MediaBox.Data, NameToken.CropBox.Data, NameToken.Rotate.Data];

    private static void Walk(PdfDocument source, IndirectReference node, Dictionary<string, IToken> inherited, List<PageNode> pages, int depth)
    {
        if (depth > 64) throw new InvalidOperationException("The batch PDF's page tree is deeper than 64 levels.");
        if (Resolve(source, new IndirectReferenceToken(node)) is not DictionaryToken dictionary) return;
        var own = new Dictionary<string, IToken>(inherited);
        foreach (var key in Inheritable)
            if (dictionary.Data.TryGetValue(key, out var value)) own[key] = value;
        if (dictionary.TryGet(NameToken.Kids, out var kidsToken) && Resolve(source, kidsToken) is ArrayToken kids)
        {
            foreach (var kid in kids.Data.OfType<IndirectReferenceToken>()) Walk(source, kid.Data, own, pages, depth + 1);
            return;
        }
        if (!(own.TryGetValue(NameToken.MediaBox.Data, out var box) && Resolve(source, box) is ArrayToken { Length: 4 } mediaBox
              && mediaBox.Data[0] is NumericToken x0 && mediaBox.Data[2] is NumericToken x1))
            throw new InvalidOperationException($"Page {pages.Count + 1} of the batch PDF has no media box.");
        pages.Add(new PageNode(node, dictionary, own, x0.Double, x1.Double - x0.Double));
    }

    /// <summary>One document's pages written as a PDF of their own.</summary>
    private sealed class PageCopy
    {
        private readonly PdfDocument _source;
        private readonly MemoryStream _output = new();
        private readonly Dictionary<IndirectReference, IndirectReference> _numbers = [];
        private readonly Queue<(IndirectReference From, IndirectReference To)> _pending = new();
        private readonly Dictionary<IndirectReference, long> _offsets = [];
        private long _next = 1;

        private PageCopy(PdfDocument source) => _source = source;

        public static byte[] Write(PdfDocument source, string version, List<PageNode> pages, Dictionary<NameToken, IToken> info)
        {
            var copy = new PageCopy(source);
            // The second line's bytes above 127 mark the file as binary, as Chromium's own does.
            copy._output.Write(Encoding.Latin1.GetBytes($"%PDF-{version}\n%\u00e2\u00e3\u00cf\u00d3\n"));
            var tree = copy.Reserve();
            var font = copy.Reserve();
            copy.WriteObject(font, DictionaryToken.With(new Dictionary<string, IToken>
            {
                [NameToken.Type.Data] = NameToken.Font,
                [NameToken.Subtype.Data] = NameToken.Type1,
                [NameToken.BaseFont.Data] = NameToken.Create("Helvetica"),
                [NameToken.Encoding.Data] = NameToken.WinAnsiEncoding,
            }));
            var open = copy.WriteStream("q\n");
            var kids = new List<IToken>(pages.Count);
            for (var p = 0; p < pages.Count; p++)
                kids.Add(new IndirectReferenceToken(copy.Page(pages[p], tree, font, open, p + 1, pages.Count)));
            copy.Drain();
            copy.WriteObject(tree, DictionaryToken.With(new Dictionary<string, IToken>
            {
                [NameToken.Type.Data] = NameToken.Pages,
                [NameToken.Kids.Data] = new ArrayToken(kids),
                [NameToken.Count.Data] = new NumericToken(pages.Count),
            }));
            var catalog = copy.Reserve();
            copy.WriteObject(catalog, DictionaryToken.With(new Dictionary<string, IToken>
            {
                [NameToken.Type.Data] = NameToken.Catalog,
                [NameToken.Pages.Data] = new IndirectReferenceToken(tree),
            }));
            IndirectReference? infoRef = null;
            if (info.Count > 0)
            {
                infoRef = copy.Reserve();
                copy.WriteObject(infoRef.Value, new DictionaryToken(info));
            }
            TokenWriter.Instance.WriteCrossReferenceTable(copy._offsets, catalog, copy._output, infoRef, null);
            return copy._output.ToArray();
        }

        /// <summary>The page: its own entries and inherited ones, its content wrapped in q … Q so the footer is drawn in
        /// the page's own coordinates (a content stream's q and Q are balanced, as Chromium writes them), the footer's font
        /// added to its resources.</summary>
        private IndirectReference Page(PageNode page, IndirectReference tree, IndirectReference font, IndirectReference open, int number, int count)
        {
            var entries = new Dictionary<string, IToken>();
            foreach (var (key, value) in page.Inherited)
                if (key != NameToken.Resources.Data && !page.Dictionary.Data.ContainsKey(key)) entries[key] = Copy(value);
            foreach (var (key, value) in page.Dictionary.Data)
            {
                // The batch marker is the only annotation a batched page has (BatchDocument.TryParse): it stays behind.
                if (key == NameToken.Parent.Data || key == NameToken.Annots.Data || key == NameToken.Contents.Data || key == NameToken.Resources.Data) continue;
                entries[key] = Copy(value);
            }
            entries[NameToken.Type.Data] = NameToken.Page;
            entries[NameToken.Parent.Data] = new IndirectReferenceToken(tree);

            var resources = new Dictionary<string, IToken>();
            var fonts = new Dictionary<string, IToken>();
            if (page.Inherited.TryGetValue(NameToken.Resources.Data, out var resourcesToken) && Resolve(_source, resourcesToken) is DictionaryToken own)
            {
                foreach (var (key, value) in own.Data)
                    if (key != NameToken.Font.Data) resources[key] = Copy(value);
                if (own.TryGet(NameToken.Font, out var fontsToken) && Resolve(_source, fontsToken) is DictionaryToken pageFonts)
                    foreach (var (key, value) in pageFonts.Data) fonts[key] = Copy(value);
            }
            var name = "SRFooter";
            while (fonts.ContainsKey(name)) name += "_";
            fonts[name] = new IndirectReferenceToken(font);
            resources[NameToken.Font.Data] = DictionaryToken.With(fonts);
            entries[NameToken.Resources.Data] = DictionaryToken.With(resources);

            var contents = new List<IToken> { new IndirectReferenceToken(open) };
            if (page.Dictionary.TryGet(NameToken.Contents, out var contentsToken))
            {
                if (contentsToken is IndirectReferenceToken single && _source.Structure.GetObject(single.Data).Data is StreamToken)
                    contents.Add(Copy(single));
                else if (Resolve(_source, contentsToken) is ArrayToken parts)
                    contents.AddRange(parts.Data.Select(Copy));
            }
            contents.Add(new IndirectReferenceToken(WriteStream(Footer(name, number, count, page.Left, page.Width))));
            entries[NameToken.Contents.Data] = new ArrayToken(contents);

            var reference = Reserve();
            WriteObject(reference, DictionaryToken.With(entries));
            return reference;
        }

        /// <summary>"number / count" in 6 pt Helvetica, centred at the foot where Chromium's footer template prints it.</summary>
        private static string Footer(string font, int number, int count, double pageLeft, double pageWidth)
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{number} / {count}");
            // Helvetica's advance widths (its AFM, in thousandths of the size): digits 556, space and slash 278.
            var width = text.Sum(c => char.IsAsciiDigit(c) ? 556 : 278) * FooterFontSize / 1000;
            // The page's content streams read as one: the leading newline keeps its last token apart from this Q.
            return string.Create(CultureInfo.InvariantCulture,
                $"\nQ\nBT /{font} {FooterFontSize} Tf {FooterColor} rg {pageLeft + (pageWidth - width) / 2:0.###} {FooterBaseline} Td ({text}) Tj ET\n");
        }

        private IndirectReference Reserve() => new(_next++, 0);

        /// <summary>The token with every object it refers to copied (queued, written by <see cref="Drain"/>) under a new number.</summary>
        private IToken Copy(IToken token) => token switch
        {
            IndirectReferenceToken reference => new IndirectReferenceToken(Number(reference.Data)),
            DictionaryToken dictionary => DictionaryToken.With(dictionary.Data.ToDictionary(e => e.Key, e => Copy(e.Value))),
            ArrayToken array => new ArrayToken(array.Data.Select(Copy).ToList()),
            // The length is what is written, whatever the source said (or referred to).
            StreamToken stream => new StreamToken(
                ((DictionaryToken)Copy(stream.StreamDictionary.Without(NameToken.Length))).With(NameToken.Length, new NumericToken(stream.Data.Length)), stream.Data),
            _ => token,
        };

        private IndirectReference Number(IndirectReference from)
        {
            if (_numbers.TryGetValue(from, out var to)) return to;
            to = Reserve();
            _numbers[from] = to;
            _pending.Enqueue((from, to));
            return to;
        }

        private void Drain()
        {
            while (_pending.TryDequeue(out var next))
            {
                var data = _source.Structure.GetObject(next.From).Data;
                // Whatever points back into the page tree (another page, the tree itself) is not this document's: it is not followed.
                if (data is DictionaryToken d && d.TryGet(NameToken.Type, out var type) && (type.Equals(NameToken.Page) || type.Equals(NameToken.Pages)))
                    data = NullToken.Instance;
                WriteObject(next.To, Copy(data));
            }
        }

        private IndirectReference WriteStream(string content)
        {
            var bytes = Encoding.ASCII.GetBytes(content);
            var reference = Reserve();
            WriteObject(reference, new StreamToken(DictionaryToken.With(new Dictionary<string, IToken> { [NameToken.Length.Data] = new NumericToken(bytes.Length) }), bytes));
            return reference;
        }

        private void WriteObject(IndirectReference number, IToken token)
        {
            _offsets[number] = _output.Position;
            _output.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{number.ObjectNumber} {number.Generation} obj\n")));
            TokenWriter.Instance.WriteToken(token, _output);
            _output.Write("\nendobj\n"u8);
        }
    }
}
