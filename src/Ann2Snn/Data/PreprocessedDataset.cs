using System.Numerics.Tensors;
using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// A data set's samples as a model takes them: scaled and normalized by an <see cref="InputPreprocessing"/>
/// (<c>x′ = (x·S − mean[c]) / std[c]</c>) and laid out by an <see cref="InputAdaptation"/>, batch by batch as they are read.
/// The scale <c>S</c> is set on the data set's reader when it has one (so values are scaled once, as the reader would);
/// a data set of another kind is scaled here. Batches whose values and layout do not change are passed through as they are.
/// </summary>
public sealed class PreprocessedDataset : IDataset
{
    private readonly IDataset _source;
    private readonly float _scale;
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly bool _changesValues;

    private PreprocessedDataset(IDataset source, InputPreprocessing preprocessing, InputAdaptation adaptation, float scale)
    {
        _source = source;
        Preprocessing = preprocessing;
        Adaptation = adaptation;
        _scale = scale;
        _mean = preprocessing.MeanPerChannel(adaptation.Channels);
        _std = preprocessing.StdPerChannel(adaptation.Channels);
        _changesValues = scale != 1f || _mean.Any(m => m != 0f) || _std.Any(s => s != 1f);
    }

    /// <summary>The preprocessing applied.</summary>
    public InputPreprocessing Preprocessing { get; }

    /// <summary>The change of layout applied (<see cref="InputAdaptationKind.Identity"/> when the shapes agree).</summary>
    public InputAdaptation Adaptation { get; }

    public string Description => _source.Description;

    /// <summary>The model's input shape.</summary>
    public Shape SampleShape => Adaptation.To;

    public int Count => _source.Count;
    public int ClassCount => _source.ClassCount;

    /// <summary>
    /// <paramref name="data"/> preprocessed for a model whose input is <paramref name="modelInput"/>.
    /// </summary>
    /// <param name="data">the data set as read.</param>
    /// <param name="preprocessing">the scale, mean and standard deviation.</param>
    /// <param name="modelInput">the shape the model takes, per sample.</param>
    /// <param name="model">the model, for messages (e.g. <c>model 'mlp'</c>).</param>
    /// <param name="option">the option that names the data set, for messages.</param>
    /// <exception cref="InvalidOptionException">naming <paramref name="option"/> and both shapes when no
    /// <see cref="InputAdaptation"/> fits; naming the preprocessing option when a value is bad or a list does not fit the
    /// channels.</exception>
    public static PreprocessedDataset For(IDataset data, InputPreprocessing preprocessing, Shape modelInput, string model,
        string option = "data")
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(modelInput);
        preprocessing.Validate();
        InputAdaptation? adaptation = InputAdaptation.Choose(data.SampleShape, modelInput, preprocessing.Sequence);
        if (adaptation is null && preprocessing.Sequence != SequenceLayout.None)
        {
            string layout = preprocessing.Sequence.ToString().ToLowerInvariant();
            ThrowHelper.InvalidOption(InputPreprocessing.SequenceOption, InputAdaptation.SequenceShape(data.SampleShape,
                preprocessing.Sequence) is { } sequence
                ? $"{layout} makes the samples {data.SampleShape} of {data.Description} the sequence {sequence}, "
                    + $"but {model} takes {modelInput}"
                : $"{layout} applies to image samples [C, H, W]; {data.Description} has samples of shape {data.SampleShape}");
        }
        if (adaptation is null)
        {
            ThrowHelper.InvalidOption(option,
                $"{data.Description} has samples of shape {data.SampleShape}, but {model} takes {modelInput}");
        }
        float scale = 1f;
        IDataset source = data;
        if (preprocessing.EffectiveScale is float s)
        {
            IDataset? rescaled = (data as IRescalable)?.WithScale(s);
            source = rescaled ?? data;
            scale = rescaled is null ? s : 1f;
        }
        return new PreprocessedDataset(source, preprocessing, adaptation, scale);
    }

    public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
    {
        TensorDataset.CheckBatchArguments(batchSize, limit, Count, SampleShape);
        IEnumerable<DataBatch> batches = _source.Batches(batchSize, limit);
        return _changesValues || !Adaptation.KeepsLayout ? Transform(batches) : batches;
    }

    private IEnumerable<DataBatch> Transform(IEnumerable<DataBatch> batches)
    {
        int from = Adaptation.From.Size, to = Adaptation.To.Size;
        float[] plane = new float[Adaptation.PlaneSize];
        foreach (DataBatch batch in batches)
        {
            float[] data = new float[batch.Count * to];
            for (int i = 0; i < batch.Count; i++)
            {
                Sample(batch.Data.AsSpan(i * from, from), data.AsSpan(i * to, to), plane);
            }
            yield return new DataBatch(data, batch.Labels, batch.Count);
        }
    }

    /// <summary>
    /// One sample: channel <c>c</c> (channel 0 when replicating) normalized plane by plane, written at <c>c·P + p</c>, or at
    /// <c>p·C + c</c> channels last (through <paramref name="plane"/>).
    /// </summary>
    private void Sample(ReadOnlySpan<float> x, Span<float> y, Span<float> plane)
    {
        InputAdaptation a = Adaptation;
        int channels = a.Channels, size = a.PlaneSize;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> source = x.Slice((a.Replicates ? 0 : c) * size, size);
            if (!a.ChannelsLast)
            {
                Normalize(source, y.Slice(c * size, size), _scale, _mean[c], _std[c]);
                continue;
            }
            Normalize(source, plane, _scale, _mean[c], _std[c]);
            for (int p = 0; p < size; p++)
            {
                y[(p * channels) + c] = plane[p];
            }
        }
    }

    /// <summary>
    /// <c>y = (x·scale − mean) / std</c>, in that order (as <c>Normalize</c> after <c>ToTensor</c>), each step skipped when it
    /// is the identity.
    /// </summary>
    private static void Normalize(ReadOnlySpan<float> x, Span<float> y, float scale, float mean, float std)
    {
        x.CopyTo(y);
        DataIO.ApplyScale(y, scale);
        if (mean != 0f) TensorPrimitives.Subtract(y, mean, y);
        if (std != 1f) TensorPrimitives.Divide(y, std, y);
    }
}
