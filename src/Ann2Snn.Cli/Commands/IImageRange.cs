using Ann2Snn.Data;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// --limit and --batch, which only the commands that run over the test images take (<see cref="DataSettings"/>,
/// <see cref="RunSettings"/>): their help, their check and the count of images they leave.
/// </summary>
public interface IImageRange
{
    internal const string LimitHelp = "Use only the first N images.";

    internal const string BatchHelp = "Images per batch (default 256).";

    int? Limit { get; }

    int BatchSize { get; }

    /// <summary>The error for a bad --limit or --batch, or null.</summary>
    internal static Spectre.Console.ValidationResult? Check(IImageRange range)
    {
        if (range.Limit is <= 0) return Spectre.Console.ValidationResult.Error($"option '--limit': {range.Limit} must be positive");
        if (range.BatchSize <= 0) return Spectre.Console.ValidationResult.Error($"option '--batch': {range.BatchSize} must be positive");
        return null;
    }

    /// <summary>The images of <paramref name="data"/> the command uses: all, or the first --limit.</summary>
    internal static int Count(IImageRange range, IDataset data) => Math.Min(data.Count, range.Limit ?? int.MaxValue);
}
