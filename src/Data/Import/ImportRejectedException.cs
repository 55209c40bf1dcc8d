namespace SalesReporting.Data;

/// <summary>One problem in an import file: where it is (file, sheet, row, column) and why it is wrong. Row 0 is the
/// whole file (its type, size, encoding): the message names no row then. A text file that is not a table (a YAML
/// catalog) names a line and the key's path instead (<paramref name="RowName"/> "line").</summary>
public sealed record ImportError(string File, int Row, string Column, string Value, string Reason, string? Sheet = null, string RowName = "row")
{
    public override string ToString() =>
        File + (Sheet is null ? "" : $", sheet '{Sheet}'") + (Row > 0 ? $": {RowName} {Row}" : "") + (Column.Length > 0 ? $", {(RowName == "line" ? "key" : "column")} '{Column}'" : "")
        + (Value.Length > 0 ? $" ('{Value}')" : "") + $": {Reason}";
}

/// <summary>A whole import refused: nothing of the file was written.</summary>
public sealed class ImportRejectedException(IReadOnlyList<ImportError> errors)
    : Exception($"The file was rejected and nothing was written ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):\n"
                + string.Join("\n", errors.Take(50).Select(e => "  " + e)) + (errors.Count > 50 ? $"\n  ... and {errors.Count - 50} more" : ""))
{
    public IReadOnlyList<ImportError> Errors { get; } = errors;
}
