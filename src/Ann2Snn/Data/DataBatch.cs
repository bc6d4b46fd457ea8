namespace Ann2Snn.Data;

/// <summary>
/// <paramref name="Count"/> samples, <paramref name="Data"/> holding <c>Count × SampleShape.Size</c> floats
/// (NCHW, sample after sample) and <paramref name="Labels"/> one class index per sample.
/// </summary>
public sealed record DataBatch(float[] Data, int[] Labels, int Count);
