using System.Globalization;

namespace Ann2Snn.Data;

/// <summary>
/// How stored sample values become the model's inputs, as torchvision's <c>ToTensor</c> and <c>Normalize(mean, std)</c>
/// make them: for an element <c>x</c> of channel <c>c</c>,
/// <code>x′ = (x·S − mean[c]) / std[c]</code>
/// with <c>S</c> the <see cref="PixelScale"/>. A property left null was not given: <c>S</c> is then the data's own
/// (<see cref="DefaultScale"/>), the mean 0 and the standard deviation 1. A list of one value holds for every channel;
/// otherwise it has one value per channel. Channels are those of the samples as the model sees them, counted before any
/// change of layout (<see cref="InputAdaptation.Channels"/>). <see cref="PreprocessedDataset"/> applies it.
/// </summary>
public sealed record InputPreprocessing
{
    /// <summary>The option that sets <see cref="PixelScale"/>, as messages name it.</summary>
    public const string PixelScaleOption = "--pixel-scale";

    /// <summary>The option that sets <see cref="Mean"/>, as messages name it.</summary>
    public const string MeanOption = "--mean";

    /// <summary>The option that sets <see cref="Std"/>, as messages name it.</summary>
    public const string StdOption = "--std";

    /// <summary>The option that sets <see cref="Sequence"/>, as messages name it.</summary>
    public const string SequenceOption = "--sequence";

    /// <summary>Nothing given: the data's own scale, no normalization.</summary>
    public static InputPreprocessing Default { get; } = new();

    /// <summary>
    /// <c>S</c>, the factor every stored value is multiplied by (applied by the data set's reader where it can, as
    /// <see cref="DataOptions.Scale"/>, so never twice); null: the data's own, <see cref="DefaultScale"/>.
    /// </summary>
    public float? PixelScale { get; init; }

    /// <summary>Subtracted after scaling: one value for every channel, or one per channel; null: 0.</summary>
    public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>Divides after the mean is subtracted: one value for every channel, or one per channel; null: 1.</summary>
    public IReadOnlyList<float>? Std { get; init; }

    /// <summary>
    /// The model's input is unsigned bytes (an ONNX uint8 input that casts and divides inside the model), so it takes the
    /// raw stored values: <c>S</c> is then 1 unless <see cref="PixelScale"/> says otherwise. The importer sets it.
    /// </summary>
    public bool ModelTakesBytes { get; init; }

    /// <summary>How image samples become sequences for a recurrent model (rows or pixels); None: fed as they are.</summary>
    public SequenceLayout Sequence { get; init; }

    /// <summary>
    /// <paramref name="text"/> (rows or pixels) as a <see cref="SequenceLayout"/>; <see cref="InvalidOptionException"/>
    /// naming <see cref="SequenceOption"/> otherwise.
    /// </summary>
    public static SequenceLayout ParseSequence(string text) => text.Trim().ToLowerInvariant() switch
    {
        "rows" => SequenceLayout.Rows,
        "pixels" => SequenceLayout.Pixels,
        _ => ThrowHelper.InvalidOption<SequenceLayout>(SequenceOption,
            $"'{ThrowHelper.Printable(text, 40)}' is not a sequence layout; expected rows or pixels"),
    };

    /// <summary>
    /// The scale readers use when none is given: <c>1/255</c> for unsigned-byte data (pixels to [0, 1], as <c>ToTensor</c>
    /// does), 1 for every other type.
    /// </summary>
    public static float DefaultScale(bool unsignedBytes) => unsignedBytes ? 1f / 255f : 1f;

    /// <summary>
    /// The scale imposed on the data: <see cref="PixelScale"/>, else 1 for a model that takes bytes, else null (the data's own).
    /// </summary>
    public float? EffectiveScale => PixelScale ?? (ModelTakesBytes ? 1f : null);

    /// <summary>Whether a mean or a standard deviation is given.</summary>
    public bool Normalizes => Mean is not null || Std is not null;

    /// <summary>Whether nothing is given: the data's own scale, no normalization.</summary>
    public bool IsDefault => EffectiveScale is null && !Normalizes;

    /// <summary>
    /// These values where given, else those of <paramref name="stored"/> (e.g. what a converted network stores):
    /// explicit options override stored ones.
    /// </summary>
    public InputPreprocessing Over(InputPreprocessing? stored) => stored is null ? this : new InputPreprocessing
    {
        PixelScale = PixelScale ?? stored.PixelScale,
        Mean = Mean ?? stored.Mean,
        Std = Std ?? stored.Std,
        ModelTakesBytes = ModelTakesBytes || stored.ModelTakesBytes,
        Sequence = Sequence != SequenceLayout.None ? Sequence : stored.Sequence,
    };

    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> naming the option and the value: a scale that is not positive and finite,
    /// an empty list, a mean that is not finite, a standard deviation that is not positive and finite.
    /// </summary>
    public void Validate() => Validate(PixelScaleOption, MeanOption, StdOption);

    /// <summary>
    /// <see cref="Validate()"/>, the values named as <paramref name="scale"/>, <paramref name="mean"/> and <paramref name="std"/>.
    /// </summary>
    internal void Validate(string scale, string mean, string std)
    {
        if (PixelScale is float s && !(s > 0 && float.IsFinite(s)))
        {
            ThrowHelper.InvalidOption(scale, $"{Format(s)} must be positive and finite");
        }
        Check(Mean, mean, float.IsFinite, "finite");
        Check(Std, std, v => v > 0 && float.IsFinite(v), "positive and finite");
    }

    /// <summary>The mean of each of <paramref name="channels"/> channels (0 when none is given).</summary>
    /// <exception cref="InvalidOptionException">the list has neither one value nor one per channel.</exception>
    public float[] MeanPerChannel(int channels) => PerChannel(Mean, 0f, channels, MeanOption);

    /// <summary>The standard deviation of each of <paramref name="channels"/> channels (1 when none is given).</summary>
    /// <exception cref="InvalidOptionException">the list has neither one value nor one per channel.</exception>
    public float[] StdPerChannel(int channels) => PerChannel(Std, 1f, channels, StdOption);

    /// <summary>
    /// A scale as <paramref name="option"/> takes it, in the invariant culture: a number (<c>0.00392156862745098</c>,
    /// <c>255</c>) or a fraction <c>a/b</c> (<c>1/255</c>, the float nearest the quotient).
    /// </summary>
    /// <exception cref="InvalidOptionException">not a number or fraction, or not positive and finite.</exception>
    public static float ParseScale(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/', StringSplitOptions.TrimEntries);
        float value = float.NaN;
        bool parsed = parts.Length is 1 or 2 && TryParse(parts[0], out value);
        if (parsed && parts.Length == 2)
        {
            parsed = TryParse(parts[1], out float divisor);
            value /= divisor;
        }
        if (!parsed)
        {
            ThrowHelper.InvalidOption(option, $"'{ThrowHelper.Printable(text)}' is not a number (e.g. 0.5 or 1/255)");
        }
        if (!(value > 0 && float.IsFinite(value)))
        {
            ThrowHelper.InvalidOption(option, $"'{ThrowHelper.Printable(text)}' must be positive and finite");
        }
        return value;
    }

    /// <summary>A comma-separated list of numbers as <paramref name="option"/> takes it, in the invariant culture.</summary>
    /// <exception cref="InvalidOptionException">empty, or an item is not a number.</exception>
    public static float[] ParseList(string text, string option)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!TryParse(parts[i], out values[i]))
            {
                ThrowHelper.InvalidOption(option, $"'{ThrowHelper.Printable(parts[i])}' in '{ThrowHelper.Printable(text)}' "
                    + "is not a number; "
                    + "give one value, or one per channel separated by commas (e.g. 0.485,0.456,0.406)");
            }
        }
        return values;
    }

    /// <summary>A value as the options and the metadata write it: invariant culture, shortest text that reads back exactly.</summary>
    public static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A list as <see cref="ParseList"/> reads it.</summary>
    public static string Format(IEnumerable<float> values) => string.Join(",", values.Select(Format));

    public bool Equals(InputPreprocessing? other) =>
        other is not null && PixelScale.Equals(other.PixelScale) && SameList(Mean, other.Mean) && SameList(Std, other.Std)
        && ModelTakesBytes == other.ModelTakesBytes;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(PixelScale);
        foreach (float v in Mean ?? []) hash.Add(v);
        foreach (float v in Std ?? []) hash.Add(v);
        hash.Add(ModelTakesBytes);
        return hash.ToHashCode();
    }

    /// <summary>For messages: <c>pixel scale 0.5, mean 0.1307, std 0.3081</c>, or <c>none</c>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (EffectiveScale is float s) parts.Add($"pixel scale {Format(s)}");
        if (Mean is not null) parts.Add($"mean {Format(Mean)}");
        if (Std is not null) parts.Add($"std {Format(Std)}");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    private static bool SameList(IReadOnlyList<float>? a, IReadOnlyList<float>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);

    private static bool TryParse(string text, out float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static void Check(IReadOnlyList<float>? values, string option, Func<float, bool> valid, string must)
    {
        if (values is null) return;
        if (values.Count == 0) ThrowHelper.InvalidOption(option, "no values; give one, or one per channel");
        foreach (float v in values.Where(v => !valid(v)))
        {
            string among = values.Count == 1 ? "" : $" (of {Format(values)})";
            ThrowHelper.InvalidOption(option, $"{Format(v)}{among} must be {must}");
        }
    }

    private static float[] PerChannel(IReadOnlyList<float>? values, float none, int channels, string option)
    {
        if (values is null || values.Count == 1)
        {
            return Enumerable.Repeat(values?[0] ?? none, channels).ToArray();
        }
        if (values.Count != channels)
        {
            string plural = channels == 1 ? "" : "s";
            ThrowHelper.InvalidOption(option, $"{values.Count} values ({Format(values)}) for samples of {channels} channel{plural}; "
                + $"give one value, or {channels}");
        }
        return [.. values];
    }
}
