using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// The input preprocessing a network was converted with, kept in its metadata: <see cref="PixelScaleKey"/> (a number),
/// <see cref="MeanKey"/> and <see cref="StdKey"/> (comma-separated numbers), in the invariant culture and exact (each value
/// written as the shortest text that reads back as the same float). Only the values given are stored: <c>ann2snn
/// convert --pixel-scale/--mean/--std</c> writes them, and evaluation applies them unless told otherwise.
/// </summary>
public static class PreprocessingMetadata
{
    public const string PixelScaleKey = "pixel_scale";
    public const string MeanKey = "mean";
    public const string StdKey = "std";

    private const string InFile = " (in the .snn file)";

    /// <summary>The preprocessing stored with <paramref name="network"/>, or null when none is.</summary>
    /// <exception cref="InvalidOptionException">a stored value is not a number or out of its domain (named as the key in the
    /// file).</exception>
    public static InputPreprocessing? Read(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyDictionary<string, string> m = network.Metadata;
        bool scale = m.TryGetValue(PixelScaleKey, out string? s), mean = m.TryGetValue(MeanKey, out string? mu),
            std = m.TryGetValue(StdKey, out string? sigma);
        if (!scale && !mean && !std) return null;
        var stored = new InputPreprocessing
        {
            PixelScale = scale ? InputPreprocessing.ParseScale(s!, PixelScaleKey + InFile) : null,
            Mean = mean ? InputPreprocessing.ParseList(mu!, MeanKey + InFile) : null,
            Std = std ? InputPreprocessing.ParseList(sigma!, StdKey + InFile) : null,
        };
        stored.Validate(PixelScaleKey + InFile, MeanKey + InFile, StdKey + InFile);
        return stored;
    }

    /// <summary>
    /// <paramref name="network"/> with the given values of <paramref name="preprocessing"/> stored in its metadata (the scale
    /// as <see cref="InputPreprocessing.EffectiveScale"/>), those not given removed, the rest unchanged.
    /// </summary>
    /// <exception cref="InvalidOptionException">a value is out of its domain.</exception>
    public static SpikingNetwork Write(SpikingNetwork network, InputPreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(preprocessing);
        preprocessing.Validate();
        return network.WithMetadata(
            (PixelScaleKey, preprocessing.EffectiveScale is float s ? InputPreprocessing.Format(s) : null),
            (MeanKey, preprocessing.Mean is { } mean ? InputPreprocessing.Format(mean) : null),
            (StdKey, preprocessing.Std is { } std ? InputPreprocessing.Format(std) : null));
    }
}
