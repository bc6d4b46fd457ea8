namespace Ann2Snn.Conversion;

/// <summary>
/// Activation statistics of one node over the calibration set: a layer histogram and one per channel of the positive
/// values, and a layer histogram of the magnitudes |x| (the scale of a signed population).
/// </summary>
public sealed class NodeStatistics
{
    public NodeStatistics(int channels)
    {
        Layer = new StreamingHistogram();
        Magnitude = new StreamingHistogram();
        Channels = new StreamingHistogram[channels];
        for (int c = 0; c < channels; c++) Channels[c] = new StreamingHistogram();
    }

    public StreamingHistogram Layer { get; }
    public StreamingHistogram[] Channels { get; }

    /// <summary>The magnitudes |x| of every activation (a signed population's λ is a percentile of them).</summary>
    public StreamingHistogram Magnitude { get; }

    /// <summary>Adds a batch of activations laid out [batch, C, plane].</summary>
    public void Add(ReadOnlySpan<float> activations, int batch, int plane)
    {
        int c = Channels.Length;
        for (int b = 0; b < batch; b++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                ReadOnlySpan<float> values = activations.Slice((b * c + ch) * plane, plane);
                Channels[ch].Add(values);
                Layer.Add(values);
                foreach (float v in values) Magnitude.Add(MathF.Abs(v));
            }
        }
    }

    /// <summary>
    /// Adds a batch of activations laid out [batch, positions, C], channels last (a recurrent layer's hidden units, the same
    /// C at each of its sequence positions).
    /// </summary>
    public void AddChannelsLast(ReadOnlySpan<float> activations, int batch, int positions)
    {
        int c = Channels.Length;
        for (int row = 0; row < batch * positions; row++)
        {
            ReadOnlySpan<float> values = activations.Slice(row * c, c);
            for (int ch = 0; ch < c; ch++)
            {
                Channels[ch].Add(values[ch]);
                Magnitude.Add(MathF.Abs(values[ch]));
            }
            Layer.Add(values);
        }
    }

    public void Merge(NodeStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Layer.Merge(other.Layer);
        Magnitude.Merge(other.Magnitude);
        for (int c = 0; c < Channels.Length; c++) Channels[c].Merge(other.Channels[c]);
    }
}
