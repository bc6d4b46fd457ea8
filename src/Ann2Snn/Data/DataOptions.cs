namespace Ann2Snn.Data;

/// <summary>Options of the data set readers.</summary>
public sealed record DataOptions
{
    public static DataOptions Default { get; } = new();

    /// <summary>
    /// Factor every stored value is multiplied by. <see langword="null"/> (the default) means
    /// <see cref="InputPreprocessing.DefaultScale"/>: <c>1/255</c> for unsigned-byte data (pixels to [0, 1]) and <c>1</c> for
    /// every other type. <see cref="PreprocessedDataset"/> sets it from <see cref="InputPreprocessing.PixelScale"/>. A scale that is
    /// the reciprocal of a whole number <c>n</c> is applied as a division by <c>n</c> (exactly <c>pixel / 255</c>).
    /// </summary>
    public float? Scale { get; init; }

    /// <summary>Channels of image-folder samples.</summary>
    public ImageColorMode Color { get; init; } = ImageColorMode.Auto;
}
