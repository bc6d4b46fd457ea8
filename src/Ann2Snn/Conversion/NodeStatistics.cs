namespace Ann2Snn.Conversion;

/// <summary>Activation statistics of one node over the calibration set: a layer histogram and one per channel.</summary>
public sealed class NodeStatistics
{
    public NodeStatistics(int channels)
    {
        Layer = new StreamingHistogram();
        Channels = new StreamingHistogram[channels];
        for (int c = 0; c < channels; c++) Channels[c] = new StreamingHistogram();
    }

    public StreamingHistogram Layer { get; }
    public StreamingHistogram[] Channels { get; }

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
            }
        }
    }

    public void Merge(NodeStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Layer.Merge(other.Layer);
        for (int c = 0; c < Channels.Length; c++) Channels[c].Merge(other.Channels[c]);
    }
}
