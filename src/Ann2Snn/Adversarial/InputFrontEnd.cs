using Ann2Snn.Data;
using Ann2Snn.Tensors;

namespace Ann2Snn.Adversarial;

/// <summary>
/// The map from images as the data set gives them (scaled, e.g. pixels in [0, 1], in the data set's layout) to the model's
/// input: x[j] = (u[source[j]] − mean[j]) / std[j], the normalization of element j's channel after the layout change (flatten,
/// channels last, a replicated channel), computed as the evaluation computes it. Attacks perturb u, where ε and the valid range mean what a
/// user means by them; their gradients come back through <see cref="ToData"/>, the map's transpose.
/// </summary>
/// <remarks>
/// The map is read off the very preprocessing the evaluation applies (<see cref="PreprocessedDataset"/>), by passing probe
/// images through it: the indices 0, 1, … (exact in single precision) give the layout, and a zero image normalized by the
/// means 0, 1, 2, … each element's channel.
/// </remarks>
public sealed class InputFrontEnd
{
    private readonly int[] _source;
    private readonly float[] _mean;
    private readonly float[] _std;

    private InputFrontEnd(Shape data, Shape model, int[] source, float[] mean, float[] std)
    {
        DataShape = data;
        ModelShape = model;
        _source = source;
        _mean = mean;
        _std = std;
    }

    /// <summary>Per-image shape of u (the data set's).</summary>
    public Shape DataShape { get; }

    /// <summary>Per-image shape of x (the model's input).</summary>
    public Shape ModelShape { get; }

    /// <summary>
    /// The front end of a model taking <paramref name="modelInput"/> from images of <paramref name="dataShape"/> (already scaled),
    /// normalized by <paramref name="preprocessing"/>'s mean and standard deviation.
    /// </summary>
    public static InputFrontEnd For(Shape dataShape, Shape modelInput, InputPreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(dataShape);
        ArgumentNullException.ThrowIfNull(modelInput);
        ArgumentNullException.ThrowIfNull(preprocessing);
        int n = dataShape.Size;
        if (n >= 1 << 24) ThrowHelper.InvalidOption("data", $"samples of {n} elements are too large to attack");
        InputAdaptation adaptation = InputAdaptation.Choose(dataShape, modelInput)
            ?? throw new InvalidOptionException($"option 'data': samples of shape {dataShape} do not fit the model's input {modelInput}");
        int channels = adaptation.Channels;
        float[] means = preprocessing.MeanPerChannel(channels), stds = preprocessing.StdPerChannel(channels);
        float[] Probe(Func<int, float> value, InputPreprocessing p)
        {
            var x = new float[n];
            for (int i = 0; i < n; i++) x[i] = value(i);
            var probe = new ArrayDataset(x, [0], dataShape, "probe");
            return PreprocessedDataset.For(probe, p, modelInput, "model").Batches(1).Single().Data;
        }
        float[] layout = Probe(i => i, new InputPreprocessing { PixelScale = 1f });
        float[] channel = Probe(_ => 0f,
            new InputPreprocessing { PixelScale = 1f, Mean = [.. Enumerable.Range(0, channels).Select(c => (float)c)] });
        int[] source = [.. layout.Select(v => (int)v)];
        int[] channelOf = [.. channel.Select(v => (int)-v)];
        return new InputFrontEnd(dataShape, modelInput, source, [.. channelOf.Select(c => means[c])], [.. channelOf.Select(c => stds[c])]);
    }

    /// <summary>
    /// <paramref name="preprocessing"/> for images that are already scaled: its mean and standard deviation, a scale of one.
    /// </summary>
    public static InputPreprocessing ScaledOnly(InputPreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return preprocessing with { PixelScale = 1f, ModelTakesBytes = false };
    }

    /// <summary>x = (u[source] − mean) / std for <paramref name="count"/> images (each step skipped where it is the identity).</summary>
    public void ToModel(ReadOnlySpan<float> u, Span<float> x, int count)
    {
        int from = DataShape.Size, to = ModelShape.Size;
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> us = u.Slice(s * from, from);
            Span<float> xs = x.Slice(s * to, to);
            for (int j = 0; j < to; j++)
            {
                float v = us[_source[j]];
                if (_mean[j] != 0f) v -= _mean[j];
                if (_std[j] != 1f) v /= _std[j];
                xs[j] = v;
            }
        }
    }

    /// <summary>The transpose: gu[source[j]] += gx[j] / std[j] (gu is cleared first), for <paramref name="count"/> images.</summary>
    public void ToData(ReadOnlySpan<float> gx, Span<float> gu, int count)
    {
        int from = DataShape.Size, to = ModelShape.Size;
        gu[..(count * from)].Clear();
        for (int s = 0; s < count; s++)
        {
            ReadOnlySpan<float> g = gx.Slice(s * to, to);
            Span<float> d = gu.Slice(s * from, from);
            for (int j = 0; j < to; j++) d[_source[j]] += _std[j] == 1f ? g[j] : g[j] / _std[j];
        }
    }
}
