using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SalesReporting.Data.Indicators.Catalog;

/// <summary>The anomaly rules of one indicator (docs/indicators.md); a null threshold turns that rule off.</summary>
public sealed record AnomalyRules(decimal? CompletionBelow, decimal? MomDropPercent, decimal? MomDropPoints, decimal? Z, int ZMonths, int ZMinMonths);

/// <summary>One indicator of the catalog as the file has it. <paramref name="Query"/> is null for a built-in indicator
/// (its query is the product's, sql/definitions/catalog) and required for a custom one.</summary>
public sealed record CatalogEntry(string Code, string NameZhCn, string NameZhTw, string NameEn, string Category, string Unit,
    string Direction, string MissingAs, bool HasTarget, int SortOrder, int? SummaryOrder, bool Enabled, AnomalyRules Anomaly, string? Query);

/// <summary>The whole catalog: every indicator, and the weight sets ("*" is the company default, else a team id).</summary>
public sealed record Catalog(IReadOnlyList<CatalogEntry> Indicators, IReadOnlyDictionary<string, IReadOnlyDictionary<string, decimal>> Weights);

/// <summary>
/// The catalog as a YAML file (docs/indicators.md, "The catalog as a file"): what `indicators export` writes and
/// `indicators import` reads. YAML rather than a workbook because a catalog is a few dozen keyed values and a custom
/// indicator's SQL, which reads (and diffs) as a block of text. Read through YamlDotNet's representation model, so
/// every problem names its line and key, an unknown key is an error rather than ignored, and a missing threshold is
/// told apart from one turned off (<c>off</c>).
/// </summary>
public static class CatalogFile
{
    public static readonly string[] Categories = ["result", "process", "team"];
    public static readonly string[] Units = ["wan_yuan", "percent", "count", "days", "score"];
    public static readonly string[] Directions = ["higher", "lower"];
    public static readonly string[] MissingAs = ["zero", "none"];
    private const string Off = "off";

    public static string Write(Catalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var indicators = new YamlSequenceNode();
        foreach (var i in catalog.Indicators)
        {
            var a = i.Anomaly;
            var node = new YamlMappingNode
            {
                { "code", i.Code },
                { "names", Flow(new YamlMappingNode { { "zh-CN", i.NameZhCn }, { "zh-TW", i.NameZhTw }, { "en", i.NameEn } }) },
                { "category", i.Category },
                { "unit", i.Unit },
                { "direction", i.Direction },
                { "missing_as", i.MissingAs },
                { "has_target", Bool(i.HasTarget) },
                { "sort_order", Number(i.SortOrder) },
                { "summary_order", i.SummaryOrder is { } s ? Number(s) : Off },
                { "enabled", Bool(i.Enabled) },
                { "anomaly", Flow(new YamlMappingNode
                    {
                        { "completion_below", Threshold(a.CompletionBelow) }, { "mom_drop_percent", Threshold(a.MomDropPercent) },
                        { "mom_drop_points", Threshold(a.MomDropPoints) }, { "z", Threshold(a.Z) },
                        { "z_months", Number(a.ZMonths) }, { "z_min_months", Number(a.ZMinMonths) },
                    }) },
            };
            if (i.Query is { } q) node.Add("query", new YamlScalarNode(q.Trim('\n', '\r') + "\n") { Style = ScalarStyle.Literal });
            indicators.Add(node);
        }
        var weights = new YamlMappingNode();
        foreach (var (set, values) in catalog.Weights.OrderBy(w => w.Key == "*" ? "" : w.Key, StringComparer.Ordinal))
        {
            var m = Flow(new YamlMappingNode());
            foreach (var (code, weight) in values.OrderBy(v => catalog.Indicators.ToList().FindIndex(i => i.Code == v.Key)).ThenBy(v => v.Key, StringComparer.Ordinal))
                m.Add(code, Number(weight));
            weights.Add(new YamlScalarNode(set) { Style = set == "*" ? ScalarStyle.DoubleQuoted : ScalarStyle.Any }, m);
        }
        var root = new YamlMappingNode { { "version", "1" }, { "indicators", indicators }, { "weights", weights } };
        var text = new StringBuilder("""
            # The indicator catalog of SalesReporting (docs/indicators.md, "The catalog as a file").
            # `indicators import FILE` applies this file whole, in one transaction: every indicator of the catalog is here
            # (retire one with enabled: false; its history stays). A threshold or summary_order of `off` turns it off.
            # A built-in indicator has no query (its query is the product's); a custom one carries its SQL.
            # weights: per weight set, "*" is the company default, any other key a team id with a set of its own.

            """);
        using (var writer = new StringWriter(text, CultureInfo.InvariantCulture))
            new YamlStream(new YamlDocument(root)).Save(new Emitter(writer, new EmitterSettings().WithMaxSimpleKeyLength(1024).WithBestWidth(int.MaxValue)), assignAnchors: false);
        var yaml = text.ToString();
        // YamlStream ends a document with "...": a file of one document needs no end marker.
        return yaml.EndsWith("...\n", StringComparison.Ordinal) ? yaml[..^4] : yaml.EndsWith("...\r\n", StringComparison.Ordinal) ? yaml[..^5] : yaml;

        static YamlMappingNode Flow(YamlMappingNode m) { m.Style = YamlDotNet.Core.Events.MappingStyle.Flow; return m; }
        static YamlScalarNode Bool(bool b) => new(b ? "true" : "false");
        static YamlScalarNode Number(decimal d) => new(d.ToString(CultureInfo.InvariantCulture));
        static YamlScalarNode Threshold(decimal? d) => d is { } v ? Number(v) : new YamlScalarNode(Off);
    }

    /// <summary>Reads a catalog file; every problem found is collected (line and key), and any makes it a refusal.</summary>
    public static Catalog Read(string text, string fileName)
    {
        var errors = new List<ImportError>();
        void Error(Mark at, string key, string value, string reason) => errors.Add(new ImportError(fileName, (int)at.Line, key, value, reason, RowName: "line"));
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ImportRejectedException([new ImportError(fileName, (int)ex.Start.Line, "", "", "not valid YAML: " + ex.Message, RowName: "line")]);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ImportRejectedException([new ImportError(fileName, 0, "", "", "expected one YAML document with the keys version, indicators and weights")]);

        var top = new Fields(root, "", Error, ["version", "indicators", "weights"]);
        if (top.Scalar("version") is { } version && version.Value != "1")
            Error(version.Start, "version", version.Value ?? "", "this release reads catalog files of version 1");
        var entries = new List<CatalogEntry>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        if (top.Node("indicators") is { } list)
        {
            if (list is not YamlSequenceNode sequence) Error(list.Start, "indicators", "", "expected a list of indicators");
            else
                foreach (var item in sequence)
                {
                    if (item is not YamlMappingNode map) { Error(item.Start, "indicators", "", "expected an indicator (a mapping of code, names, ...)"); continue; }
                    var code = map.Children.TryGetValue("code", out var c) && c is YamlScalarNode { Value: { } v } ? v : null;
                    var f = new Fields(map, code is null ? "indicators[?]" : code, Error,
                        ["code", "names", "category", "unit", "direction", "missing_as", "has_target", "sort_order", "summary_order", "enabled", "anomaly", "query"], optional: ["query"]);
                    // A code is known to the weights even when its entry has mistakes: they are told once, where they are.
                    if (code is not null && !codes.Add(code)) Error(map.Start, code + ".code", code, "the indicator appears twice in the file");
                    if (ReadIndicator(f, map, Error) is { } entry) entries.Add(entry);
                }
        }
        var weights = new Dictionary<string, IReadOnlyDictionary<string, decimal>>(StringComparer.Ordinal);
        if (top.Node("weights") is { } w)
        {
            if (w is not YamlMappingNode sets) Error(w.Start, "weights", "", "expected weight sets: \"*\" (the company default) or a team id, each a mapping of indicator: weight");
            else
                foreach (var (key, value) in sets.Children)
                {
                    var set = ((YamlScalarNode)key).Value ?? "";
                    if (value is not YamlMappingNode m) { Error(value.Start, $"weights.{set}", "", "expected a mapping of indicator: weight"); continue; }
                    var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
                    foreach (var (k, v) in m.Children)
                    {
                        var indicator = ((YamlScalarNode)k).Value ?? "";
                        var where = $"weights.{set}.{indicator}";
                        if (!codes.Contains(indicator)) Error(k.Start, where, indicator, "not an indicator of this file");
                        else if (v is not YamlScalarNode { Value: { } text1 } || !TryNumber(text1, out var weight) || weight <= 0 || weight >= 10000 || decimal.Round(weight, 2) != weight)
                            Error(v.Start, where, (v as YamlScalarNode)?.Value ?? "", "a weight is a number above 0 with at most two decimals, e.g. 25 or 12.5");
                        else values[indicator] = weight;
                    }
                    weights[set] = values;
                }
        }
        if (errors.Count > 0) throw new ImportRejectedException(errors);
        return new Catalog(entries, weights);
    }

    private static CatalogEntry? ReadIndicator(Fields f, YamlMappingNode map, Action<Mark, string, string, string> error)
    {
        var count = f.Errors;
        var code = f.Text("code");
        if (code is not null && !System.Text.RegularExpressions.Regex.IsMatch(code, "^[a-z][a-z0-9_]{0,62}$"))
            f.Fail("code", code, "a code is lower-case letters, digits and _ , starting with a letter (it is stored with every value)");
        string? zhCn = null, zhTw = null, en = null;
        if (f.Node("names") is { } namesNode)
        {
            if (namesNode is not YamlMappingNode names) f.Fail("names", "", "expected the names in three locales: { zh-CN: …, zh-TW: …, en: … }");
            else
            {
                var n = new Fields(names, f.Prefix + ".names", error, ["zh-CN", "zh-TW", "en"]);
                (zhCn, zhTw, en) = (n.Text("zh-CN", 100), n.Text("zh-TW", 100), n.Text("en", 100));
            }
        }
        var category = f.OneOf("category", Categories);
        var unit = f.OneOf("unit", Units);
        var direction = f.OneOf("direction", Directions);
        var missingAs = f.OneOf("missing_as", MissingAs);
        var hasTarget = f.Bool("has_target");
        var sortOrder = f.Int("sort_order", 0, 100_000, allowOff: false);
        var summaryOrder = f.Int("summary_order", 0, 100_000, allowOff: true);
        var enabled = f.Bool("enabled");
        AnomalyRules? rules = null;
        if (f.Node("anomaly") is { } anomalyNode)
        {
            if (anomalyNode is not YamlMappingNode anomaly) f.Fail("anomaly", "", "expected the anomaly rules: { completion_below, mom_drop_percent, mom_drop_points, z, z_months, z_min_months }");
            else
            {
                var a = new Fields(anomaly, f.Prefix + ".anomaly", error, ["completion_below", "mom_drop_percent", "mom_drop_points", "z", "z_months", "z_min_months"]);
                var below = a.Threshold("completion_below", allowZero: true);
                var momPercent = a.Threshold("mom_drop_percent");
                var momPoints = a.Threshold("mom_drop_points");
                var z = a.Threshold("z");
                var zMonths = a.Int("z_months", 2, 24, allowOff: false);
                var zMin = a.Int("z_min_months", 2, 24, allowOff: false);
                if (zMonths is { } zm && zMin is { } zn && zn > zm) a.Fail("z_min_months", zn.ToString(CultureInfo.InvariantCulture), $"at most z_months ({zm})");
                if (a.Errors == 0) rules = new AnomalyRules(below.Value, momPercent.Value, momPoints.Value, z.Value, zMonths!.Value, zMin!.Value);
            }
        }
        string? query = null;
        if (map.Children.TryGetValue("query", out var q))
        {
            if (q is not YamlScalarNode { Value: { Length: > 0 } sql } || string.IsNullOrWhiteSpace(sql)) f.Fail("query", "", "a custom indicator's query is SQL text (a YAML block: query: |)");
            else query = sql;
        }
        if (f.Errors > count) return null;
        return new CatalogEntry(code!, zhCn!, zhTw!, en!, category!, unit!, direction!, missingAs!, hasTarget!.Value, sortOrder!.Value,
            summaryOrder, enabled!.Value, rules!, query);
    }

    private static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>The keys of one mapping, each read once, with the problems reported at their line under "prefix.key".</summary>
    private sealed class Fields
    {
        private readonly YamlMappingNode map;
        private readonly Action<Mark, string, string, string> error;
        public string Prefix { get; }
        public int Errors { get; private set; }

        public Fields(YamlMappingNode map, string prefix, Action<Mark, string, string, string> error, string[] keys, string[]? optional = null)
        {
            (this.map, Prefix, this.error) = (map, prefix, error);
            foreach (var (k, _) in map.Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!keys.Contains(key, StringComparer.Ordinal)) Fail(k.Start, key, key, $"unknown key; expected {string.Join(", ", keys)}");
            }
            foreach (var key in keys.Except(optional ?? []))
                if (!map.Children.ContainsKey(key)) Fail(map.Start, key, "", "missing");
        }

        private string Where(string key) => Prefix.Length == 0 ? key : $"{Prefix}.{key}";
        private void Fail(Mark at, string key, string value, string reason) { Errors++; error(at, Where(key), value, reason); }
        public void Fail(string key, string value, string reason) =>
            Fail(map.Children.TryGetValue(key, out var n) ? n.Start : map.Start, key, value, reason);

        public YamlNode? Node(string key) => map.Children.TryGetValue(key, out var n) ? n : null;

        public YamlScalarNode? Scalar(string key)
        {
            if (Node(key) is not { } n) return null;
            if (n is YamlScalarNode s) return s;
            Fail(n.Start, key, "", "expected a single value");
            return null;
        }

        public string? Text(string key, int max = 200)
        {
            if (Scalar(key) is not { } s) return null;
            var v = s.Value?.Trim() ?? "";
            if (v.Length == 0 || v.Length > max) { Fail(s.Start, key, v, $"expected text of 1 to {max} characters"); return null; }
            if (v.Any(char.IsControl)) { Fail(s.Start, key, v, "control characters are not allowed"); return null; }
            return v;
        }

        public string? OneOf(string key, string[] allowed)
        {
            if (Scalar(key) is not { } s) return null;
            if (allowed.Contains(s.Value, StringComparer.Ordinal)) return s.Value;
            Fail(s.Start, key, s.Value ?? "", $"expected one of {string.Join(", ", allowed)}");
            return null;
        }

        public bool? Bool(string key)
        {
            if (Scalar(key) is not { } s) return null;
            if (s.Value is "true" or "false") return s.Value == "true";
            Fail(s.Start, key, s.Value ?? "", "expected true or false");
            return null;
        }

        public int? Int(string key, int min, int max, bool allowOff)
        {
            if (Scalar(key) is not { } s) return null;
            if (allowOff && s.Value == Off) return null;
            if (int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
            Fail(s.Start, key, s.Value ?? "", $"expected a whole number from {min} to {max}" + (allowOff ? ", or off" : ""));
            return null;
        }

        /// <summary>A threshold: a number above 0 (or from 0 when allowed), or <c>off</c> (null: the rule is off).</summary>
        public (bool Ok, decimal? Value) Threshold(string key, bool allowZero = false)
        {
            if (Scalar(key) is not { } s) return (false, null);
            if (s.Value == Off) return (true, null);
            if (TryNumber(s.Value ?? "", out var v) && (allowZero ? v >= 0 : v > 0) && v < 1_000_000) return (true, v);
            Fail(s.Start, key, s.Value ?? "", $"expected a number {(allowZero ? "from 0" : "above 0")}, or off to turn the rule off");
            return (false, null);
        }
    }
}
