using System.ComponentModel;
using Ann2Snn.Data;
using Ann2Snn.Reports.Imaging;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// Options of commands that read a labelled data set: which, and its preprocessing (convert stores the preprocessing with the
/// network; --limit and --batch belong to the commands that run over the images, <see cref="DataSettings"/> and
/// <see cref="RunSettings"/>).
/// </summary>
public class DataSourceSettings : ParallelSettings
{
    [CommandOption("--data <DATA>")]
    [Description("mnist | fashion-mnist (bundled), an IDX/image folder, a .npz, or images.npy,labels.npy.")]
    public string Data { get; init; } = "mnist";

    [CommandOption("--pixel-scale <S>")]
    [Description("Factor each stored value is multiplied by: 1/255 (the default for byte data), 1 (raw 0..255 pixels), or any S > 0. "
        + "convert stores it with the network.")]
    public string? PixelScale { get; init; }

    [CommandOption("--mean <M>")]
    [Description("Subtracted after scaling, as torchvision's Normalize: one value, or one per channel (0.485,0.456,0.406). "
        + "convert stores it.")]
    public string? Mean { get; init; }

    [CommandOption("--std <S>")]
    [Description("Divides after the mean is subtracted: one value, or one per channel (e.g. --mean 0.1307 --std 0.3081 for "
        + "MNIST-normalized models). convert stores it.")]
    public string? Std { get; init; }

    [CommandOption("--sequence <LAYOUT>")]
    [Description("For recurrent models: image samples [[C, H, W]] as sequences, rows (H elements of W·C features, sequential "
        + "MNIST) or pixels (H·W elements of C). Arrays [[N, L, F]] are sequences as they are.")]
    public string? Sequence { get; init; }

    /// <summary>The preprocessing the options give (null values where not given), checked.</summary>
    public InputPreprocessing Preprocessing()
    {
        var preprocessing = new InputPreprocessing
        {
            PixelScale = PixelScale is null ? null : InputPreprocessing.ParseScale(PixelScale, InputPreprocessing.PixelScaleOption),
            Mean = Mean is null ? null : InputPreprocessing.ParseList(Mean, InputPreprocessing.MeanOption),
            Std = Std is null ? null : InputPreprocessing.ParseList(Std, InputPreprocessing.StdOption),
            Sequence = Sequence is null ? SequenceLayout.None : InputPreprocessing.ParseSequence(Sequence),
        };
        preprocessing.Validate();
        return preprocessing;
    }

    public IDataset OpenData(DatasetSplit split) => Open(Data, split);

    /// <summary>Opens the data set <paramref name="spec"/> names, decoding image folders with Skia.</summary>
    protected static IDataset Open(string spec, DatasetSplit split)
        => DatasetResolver.Open(spec, split, imageDecoder: new SkiaImageDecoder());
}
