using System.Globalization;
using System.Text;

namespace SalesReporting.Data;

/// <summary>
/// The text of an import file, whatever encoding Excel or a text editor saved it in: UTF-8 (with or without a byte
/// order mark), UTF-16 LE/BE with a byte order mark, or — without a mark — GB18030/GBK (Excel's "CSV" on simplified
/// Chinese Windows) or Big5 (traditional Chinese Windows). Every decoding is strict: a byte that does not belong to the
/// encoding refuses the file, so no U+FFFD is ever stored. A file that could be GB18030 or Big5 is told apart by which
/// reading gives common Chinese characters; where both do and they differ, the file is refused and the person names
/// the encoding (<c>--encoding</c>).
/// </summary>
public static class TextDecoding
{
    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encodings detected without a byte order mark, after UTF-8.</summary>
    private static readonly string[] Chinese = ["GB18030", "Big5"];

    /// <summary>The bytes, decoded; or <see cref="ImportRejectedException"/> naming the file and what was found.</summary>
    /// <param name="encodingName">the person's <c>--encoding</c>: used as given (strictly), no detection</param>
    public static (string Text, string Encoding) Decode(byte[] bytes, string fileName, string? encodingName = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ImportRejectedException Refuse(string reason) => new([new ImportError(fileName, 0, "", "", reason)]);

        if (!string.IsNullOrWhiteSpace(encodingName))
        {
            var named = Strict(encodingName.Trim()) ?? throw Refuse(
                $"--encoding '{encodingName}' is not an encoding this program knows; expected a name such as UTF-8, UTF-16, GB18030 or Big5");
            var skip = named.Preamble.Length > 0 && bytes.AsSpan().StartsWith(named.Preamble) ? named.Preamble.Length : 0;
            return TryDecode(named, bytes, skip, out var text, out var bad) ? (text, named.WebName)
                : throw Refuse($"the file is not valid {encodingName.Trim()} (--encoding): line {Line(bytes, bad)} has bytes that are not {encodingName.Trim()} ({Hex(bytes, bad)})");
        }

        if (bytes.AsSpan().StartsWith((byte[])[0xFF, 0xFE, 0, 0]) || bytes.AsSpan().StartsWith((byte[])[0, 0, 0xFE, 0xFF]))
            throw Refuse("the file is UTF-32 (it starts with a UTF-32 byte order mark); expected UTF-8, UTF-16, GB18030 or Big5 — save it as \"CSV UTF-8\"");
        foreach (var (bom, encoding, label) in new (byte[], Encoding, string)[]
                 {
                     ([0xEF, 0xBB, 0xBF], new UTF8Encoding(false, true), "UTF-8"),
                     ([0xFF, 0xFE], new UnicodeEncoding(false, false, true), "UTF-16 LE"),
                     ([0xFE, 0xFF], new UnicodeEncoding(true, false, true), "UTF-16 BE"),
                 })
        {
            if (!bytes.AsSpan().StartsWith(bom)) continue;
            return TryDecode(encoding, bytes, bom.Length, out var text, out var bad) ? (text, encoding.WebName)
                : throw Refuse($"the file starts with a {label} byte order mark but is not valid {label}: line {Line(bytes, bad)} has the bytes {Hex(bytes, bad)}");
        }

        // Before UTF-8 is believed: UTF-16 of ASCII text and a file of NULs are valid UTF-8 too, and then failed as a "wrong header".
        if (Utf16WithoutBom(bytes) is { } utf16) throw Refuse(utf16);
        if (Binary(bytes, ValidUtf8ControlShare) is { } nuls) throw Refuse(nuls);
        if (TryDecode(new UTF8Encoding(false, true), bytes, 0, out var utf8, out var utf8Bad)) return (utf8, "utf-8");
        if (Binary(bytes, ControlShare) is { } binary) throw Refuse(binary);

        var candidates = new List<(string Name, string Text, double Score)>();
        foreach (var name in Chinese)
        {
            if (!TryDecode(Strict(name)!, bytes, 0, out var text, out _)) continue;
            if (text.Any(c => c is '\uFFFD' || char.GetUnicodeCategory(c) is UnicodeCategory.PrivateUse)) continue;
            candidates.Add((name, text, Common(text)));
        }
        // When only one of the two reads cleanly, it needs fewer common characters to be believed than when both do.
        var needed = candidates.Count == 1 ? OnlyReadingShare : PlausibleShare;
        var plausible = candidates.Where(c => c.Score >= needed).OrderByDescending(c => c.Score).ToList();
        if (plausible.Count == 1 || (plausible.Count == 2 && plausible[0].Score - plausible[1].Score >= ClearLead))
            return (plausible[0].Text, plausible[0].Name);
        if (plausible.Count == 2)
            throw Refuse("could not tell whether the file is GB18030 or Big5; say which with --encoding");
        throw Refuse($"the file is not UTF-8 (line {Line(bytes, utf8Bad)} has the bytes {Hex(bytes, utf8Bad)}), and read as GB18030 or Big5 it is not Chinese text either; "
                     + "save it as \"CSV UTF-8\", or say its encoding with --encoding");
    }

    /// <summary>The share of common characters a Chinese reading needs to count as plausible.</summary>
    private const double PlausibleShare = 0.5;

    /// <summary>The share needed when the other Chinese encoding does not read the file at all.</summary>
    private const double OnlyReadingShare = 0.2;

    /// <summary>How far one plausible reading must lead the other to be chosen without asking.</summary>
    private const double ClearLead = 0.3;

    /// <summary>A strict (throwing) instance of the named encoding; null when the name is unknown.</summary>
    private static Encoding? Strict(string name)
    {
        try { return Encoding.GetEncoding(name, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback); }
        catch (ArgumentException) { return null; }
    }

    private static bool TryDecode(Encoding encoding, byte[] bytes, int skip, out string text, out int badIndex)
    {
        try
        {
            text = encoding.GetString(bytes, skip, bytes.Length - skip);
            badIndex = -1;
            return true;
        }
        catch (DecoderFallbackException ex)
        {
            text = "";
            // The index is where the decoder stood in the chunk it was decoding; close enough to name the line.
            badIndex = Math.Clamp(skip + Math.Max(ex.Index, 0), 0, Math.Max(bytes.Length - 1, 0));
            if (ex.BytesUnknown is { Length: > 0 } unknown && bytes.AsSpan(skip).IndexOf(unknown) is var at and >= 0 && at + skip <= badIndex) badIndex = at + skip;
            return false;
        }
    }

    /// <summary>The share of control bytes above which bytes that are not UTF-8 are no text at all.</summary>
    private const double ControlShare = 0.01;

    /// <summary>The share above which even bytes that are valid UTF-8 are no text (a file of NULs): a stray NUL or two in a
    /// field is the row's problem, named with its row and column.</summary>
    private const double ValidUtf8ControlShare = 0.1;

    /// <summary>UTF-16 without a byte order mark (Excel's "Unicode Text", some exports), told by its 0x00 bytes: one beside
    /// every ASCII character, all on the same side of the pair. Null when the bytes do not look so.</summary>
    private static string? Utf16WithoutBom(byte[] bytes)
    {
        var pairs = Math.Min(bytes.Length, 4096) / 2;
        if (pairs < 2) return null;
        int zeroFirst = 0, zeroSecond = 0;
        for (var i = 0; i < pairs; i++)
        {
            if (bytes[2 * i] == 0) zeroFirst++;
            if (bytes[2 * i + 1] == 0) zeroSecond++;
        }
        string? order = zeroSecond * 4 >= pairs && zeroFirst * 10 <= zeroSecond ? "little-endian"
            : zeroFirst * 4 >= pairs && zeroSecond * 10 <= zeroFirst ? "big-endian" : null;
        return order is null ? null
            : $"the file looks like UTF-16 ({order}) without a byte order mark: a 0x00 byte beside each ASCII character; "
              + $"expected UTF-8, or UTF-16 with a byte order mark — save it as \"CSV UTF-8\", or say its encoding with --encoding {(order == "little-endian" ? "UTF-16" : "UTF-16BE")}";
    }

    /// <summary>Why the bytes are not text at all (a zip, an OLE file, control bytes no text has), or null.</summary>
    /// <param name="share">the share of control bytes above which they are not text</param>
    private static string? Binary(byte[] bytes, double share)
    {
        const string expected = "expected comma-separated text (UTF-8, UTF-16 with a byte order mark, GB18030 or Big5)";
        if (bytes.AsSpan().StartsWith("PK\u0003\u0004"u8))
            return "not a text file: it is a zip archive (an .xlsx workbook named .csv?); " + expected;
        if (bytes.AsSpan().StartsWith((byte[])[0xD0, 0xCF, 0x11, 0xE0]))
            return "not a text file: it is an OLE compound file (an old .xls workbook or a password-protected one); " + expected;
        // A stray NUL in a field is the row's problem (named with its row and column); a file of them is not text.
        static bool Control(byte b) => b is < 0x09 or 0x0B or (> 0x0D and < 0x20) and not 0x1B;
        var count = bytes.Count(Control);
        if (count == 0 || count <= bytes.Length * share) return null;
        var first = Array.FindIndex(bytes, Control);
        return $"not a text file: {count} of its {bytes.Length} bytes are control bytes no text has (the first, 0x{bytes[first]:X2}, at byte {first}); " + expected;
    }

    /// <summary>The share of the non-ASCII letters of the text that are among the most used Chinese characters
    /// (simplified and traditional): a right reading of a Chinese file scores high, a wrong one low.</summary>
    private static double Common(string text)
    {
        int letters = 0, common = 0;
        foreach (var c in text)
        {
            if (c < 0x80 || char.IsPunctuation(c) || char.IsWhiteSpace(c) || char.IsSymbol(c) || c is '\u3000') continue;
            letters++;
            if (Frequent.Contains(c)) common++;
        }
        return letters == 0 ? 1 : (double)common / letters;
    }

    /// <summary>About 640 of the most used characters of Chinese text, with names and sales words, in simplified and
    /// traditional forms.</summary>
    private static readonly HashSet<char> Frequent = [.. "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切团阿病客户销售款额率拜访签约项划措施善升季增润价格订渠线索汇考核绩效奖励培训支协助需负责截止检查评估财预费竞质投诉馈沟邮赵刘陈杨吴徐孙朱胡郭罗郑梁谢宋唐韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶苏魏吕丁沈姚卢姜崔钟谭陆汪范廖贾夏韦付邹孟熊秦邱尹薛闫段雷侯龙陶黎贺顾郝龚邵严覃戴莫孔汤伟芳娜敏静丽磊洋勇艳杰涛超秀霞刚桂玉兰萍梅丹玲鹏斌辉宇浩凯健俊帆帅旭宁峰亮博這來國個說們爲時會過學對裏後麼沒於還發當無開見經頭從動兩長樣現將與進實點種聲話兒問機給幾業間電門東聽氣關並內卻軍產萬體別處總場師書員華報馬張難數車應計親務臺記邊風戰幹許覺題統請愛讓認論喫義術結連遠資隊帶條變聯權該領傳紅決達辦運強區轉衆輕語滿寫識極黃臉錢黨設雙歷廣議際則單據導網專誰讀飛觀爭組視濟離雖壞興團戶銷額訪簽約項劃潤價訂線彙覈績獎勵訓協負責檢評財預費競質訴饋繫溝郵趙劉陳楊吳孫羅鄭謝韓馮鄧蕭蔣餘葉蘇呂盧鍾譚陸範賈韋鄒閆龍賀顧龔嚴湯偉靜麗豔傑濤剛蘭鵬輝凱帥寧峯為著裡眾説"];

    private static int Line(byte[] bytes, int index) => 1 + bytes.AsSpan(0, Math.Clamp(index, 0, bytes.Length)).Count((byte)'\n');

    private static string Hex(byte[] bytes, int index)
    {
        var start = Math.Clamp(index, 0, bytes.Length);
        return string.Join(" ", bytes.Skip(start).Take(2).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
    }
}
