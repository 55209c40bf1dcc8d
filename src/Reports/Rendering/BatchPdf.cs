using System.Globalization;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Tokens;
using UglyToad.PdfPig.Writer;

namespace SalesReporting.Reports.Rendering;

/// <summary>
/// Cuts the PDF of a printed batch (<see cref="BatchDocument.Combine"/>) into one PDF per document and
/// numbers each one's pages "x / y" in its own footer. Where a document starts is read from its marker
/// link, so a document of any length is cut right; the markers themselves are not copied.
/// </summary>
internal static class BatchPdf
{
    // Where Chromium's own footer template prints the page number: 8 px type centred in the bottom margin.
    private const double FooterFontSize = 6;
    private const double FooterBaseline = 17;

    public static IReadOnlyList<byte[]> Split(byte[] batchPdf, IReadOnlyList<BatchDocument> documents)
    {
        using var source = PdfDocument.Open(batchPdf);
        var (starts, widths) = FirstPages(source, documents.Count);
        var producer = source.Information.Producer;
        var creator = source.Information.Creator;

        var result = new byte[documents.Count][];
        for (var i = 0; i < documents.Count; i++)
        {
            var first = starts[i];
            var last = i + 1 < documents.Count ? starts[i + 1] - 1 : source.NumberOfPages;
            var count = last - first + 1;
            using var builder = new PdfDocumentBuilder();
            if (documents[i].Title.Length > 0) builder.DocumentInformation.Title = documents[i].Title;
            if (producer is not null) builder.DocumentInformation.Producer = producer;
            if (creator is not null) builder.DocumentInformation.Creator = creator;
            var font = builder.AddStandard14Font(Standard14Font.Helvetica);
            for (var p = first; p <= last; p++)
            {
                // Batched documents have no links of their own (see BatchDocument.TryParse): the only
                // annotation on a page is a batch marker, which must not travel into the form.
                var page = builder.AddPage(source, p, new PdfDocumentBuilder.AddPageOptions { KeepAnnotations = false });
                var number = string.Create(CultureInfo.InvariantCulture, $"{p - first + 1} / {count}");
                var width = page.MeasureText(number, FooterFontSize, new PdfPoint(0, 0), font)
                    .Max(l => l.EndBaseLine.X);
                page.SetTextAndFillColor(0x7b, 0x87, 0x94);
                // The builder does not know the size of a copied page; the page tree does.
                page.AddText(number, FooterFontSize, new PdfPoint((widths[p] - width) / 2, FooterBaseline), font);
                page.ResetColor();
            }
            result[i] = builder.Build();
        }
        return result;
    }

    /// <summary>The page each document starts on, from the named destination of its marker link. Read from
    /// the catalog's /Dests and the page tree alone: parsing every page's content to find its links would
    /// cost as much as the copying itself. Anything but one marker per document, in order, starting on
    /// page 1, is a broken print.</summary>
    private static (int[] Starts, Dictionary<int, double> Widths) FirstPages(PdfDocument source, int documents)
    {
        var catalog = source.Structure.Catalog.CatalogDictionary;
        var pageNumbers = new Dictionary<IndirectReference, int>();
        var widths = new Dictionary<int, double>();
        if (catalog.TryGet(NameToken.Pages, out var pagesToken) && pagesToken is IndirectReferenceToken pagesRef)
            NumberPages(source, pagesRef.Data, null, pageNumbers, widths);
        if (pageNumbers.Count != source.NumberOfPages)
            throw new InvalidOperationException($"The batch PDF's page tree lists {pageNumbers.Count} pages of {source.NumberOfPages}.");
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
        return (starts, widths);
    }

    private static IToken Resolve(PdfDocument source, IToken token) =>
        token is IndirectReferenceToken reference ? source.Structure.GetObject(reference.Data).Data : token;

    private static void NumberPages(PdfDocument source, IndirectReference node, ArrayToken? inheritedMediaBox,
        Dictionary<IndirectReference, int> numbers, Dictionary<int, double> widths)
    {
        if (Resolve(source, new IndirectReferenceToken(node)) is not DictionaryToken dictionary) return;
        var mediaBox = dictionary.TryGet(NameToken.MediaBox, out var box) && Resolve(source, box) is ArrayToken own ? own : inheritedMediaBox;
        if (dictionary.TryGet(NameToken.Kids, out var kidsToken) && Resolve(source, kidsToken) is ArrayToken kids)
        {
            foreach (var kid in kids.Data.OfType<IndirectReferenceToken>()) NumberPages(source, kid.Data, mediaBox, numbers, widths);
            return;
        }
        var number = numbers.Count + 1;
        numbers[node] = number;
        widths[number] = mediaBox is { Length: 4 } && mediaBox.Data[0] is NumericToken x0 && mediaBox.Data[2] is NumericToken x1
            ? x1.Double - x0.Double
            : throw new InvalidOperationException($"Page {number} of the batch PDF has no media box.");
    }
}
