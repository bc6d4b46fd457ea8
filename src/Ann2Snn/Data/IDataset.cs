using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// A labelled data set read in batches. Samples are streamed from their files on each enumeration of
/// <see cref="Batches"/>; nothing is held open between enumerations, and enumerations are independent.
/// </summary>
public interface IDataset
{
    /// <summary>Where the samples come from, for reports (a path, or a bundled name and split).</summary>
    string Description { get; }

    /// <summary>Per-sample shape: <c>[C, H, W]</c> for images, <c>[F]</c> for feature vectors.</summary>
    Shape SampleShape { get; }

    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Number of classes: the largest label plus one (or the number of class folders).</summary>
    int ClassCount { get; }

    /// <summary>
    /// The samples in file order, <paramref name="batchSize"/> at a time; the last batch may be smaller.
    /// With <paramref name="limit"/>, only the first <c>min(limit, Count)</c> samples are read.
    /// </summary>
    /// <exception cref="InvalidOptionException">batch size not positive, limit negative, or a batch too large.</exception>
    /// <exception cref="InvalidDatasetException">the file turns out truncated or corrupt while reading.</exception>
    IEnumerable<DataBatch> Batches(int batchSize, int? limit = null);
}

/// <summary>
/// <paramref name="Count"/> samples, <paramref name="Data"/> holding <c>Count × SampleShape.Size</c> floats
/// (NCHW, sample after sample) and <paramref name="Labels"/> one class index per sample.
/// </summary>
public sealed record DataBatch(float[] Data, int[] Labels, int Count);

/// <summary>Which part of a data set to read.</summary>
public enum DatasetSplit
{
    Test,
    Train,
}

/// <summary>How image pixels become channels.</summary>
public enum ImageColorMode
{
    /// <summary>One channel when every image is grayscale, otherwise three (RGB).</summary>
    Auto,

    /// <summary>One channel: luma <c>(299 R + 587 G + 114 B) / 1000</c>, rounded (as PIL's "L").</summary>
    Grayscale,

    /// <summary>Three channels, R, G, B planes in that order; alpha is dropped.</summary>
    Rgb,
}

/// <summary>Options of the data set readers.</summary>
public sealed record DataOptions
{
    public static DataOptions Default { get; } = new();

    /// <summary>
    /// Factor every stored value is multiplied by. <see langword="null"/> (the default) means
    /// <c>1/255</c> for unsigned-byte data (pixels to [0, 1]) and <c>1</c> for every other type. A scale that is
    /// the reciprocal of a whole number <c>n</c> is applied as a division by <c>n</c> (exactly <c>pixel / 255</c>).
    /// </summary>
    public float? Scale { get; init; }

    /// <summary>Channels of image-folder samples.</summary>
    public ImageColorMode Color { get; init; } = ImageColorMode.Auto;
}
