using System.ComponentModel;
using Ann2Snn.Data;
using Ann2Snn.Reports.Imaging;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>Options of commands that read a labelled data set.</summary>
public class DataSettings : GlobalSettings
{
    [CommandOption("--data <DATA>")]
    [Description("mnist | fashion-mnist (bundled), an IDX/image folder, a .npz, or images.npy,labels.npy.")]
    public string Data { get; init; } = "mnist";

    [CommandOption("--limit <N>")]
    [Description("Use only the first N images.")]
    public int? Limit { get; init; }

    [CommandOption("--batch <N>")]
    [Description("Images per batch (default 256).")]
    public int BatchSize { get; init; } = 256;

    public override Spectre.Console.ValidationResult Validate()
    {
        if (Limit is <= 0) return Spectre.Console.ValidationResult.Error($"option '--limit': {Limit} must be positive");
        if (BatchSize <= 0) return Spectre.Console.ValidationResult.Error($"option '--batch': {BatchSize} must be positive");
        if (Threads < 0) return Spectre.Console.ValidationResult.Error($"option '--threads': {Threads} must not be negative");
        return base.Validate();
    }

    public IDataset OpenData(DatasetSplit split) => Open(Data, split);

    /// <summary>Opens the data set <paramref name="spec"/> names, decoding image folders with Skia.</summary>
    protected static IDataset Open(string spec, DatasetSplit split)
        => DatasetResolver.Open(spec, split, imageDecoder: new SkiaImageDecoder());

    public int Count(IDataset data) => Math.Min(data.Count, Limit ?? int.MaxValue);
}
