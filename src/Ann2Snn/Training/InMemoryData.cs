using Ann2Snn.Data;

namespace Ann2Snn.Training;

/// <summary>A data set read into memory once (training visits it in a new order every epoch).</summary>
public sealed class InMemoryData
{
    public InMemoryData(float[] images, int[] labels, int sampleSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (sampleSize <= 0 || images.Length != (long)labels.Length * sampleSize)
        {
            throw new ArgumentException($"{images.Length} values are not {labels.Length} samples of {sampleSize}");
        }
        Images = images;
        Labels = labels;
        SampleSize = sampleSize;
    }

    public float[] Images { get; }
    public int[] Labels { get; }
    public int SampleSize { get; }
    public int Count => Labels.Length;

    /// <summary>
    /// The first min(limit, Count) samples of <paramref name="data"/>; throws <see cref="InvalidDatasetException"/> when a label
    /// is outside 0..<paramref name="classes"/>−1 or the set is empty.
    /// </summary>
    public static InMemoryData Load(IDataset data, int classes, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int count = Math.Min(data.Count, limit ?? int.MaxValue), size = data.SampleShape.Size;
        if (count <= 0) ThrowHelper.InvalidDataset($"{data.Description}: no images to train on");
        var images = new float[checked((long)count * size)];
        var labels = new int[count];
        int at = 0;
        foreach (DataBatch b in data.Batches(1024, count))
        {
            b.Data.AsSpan(0, b.Count * size).CopyTo(images.AsSpan(at * size));
            b.Labels.AsSpan(0, b.Count).CopyTo(labels.AsSpan(at));
            at += b.Count;
        }
        foreach (int y in labels)
        {
            if ((uint)y >= (uint)classes) ThrowHelper.InvalidDataset($"{data.Description}: label {y} is outside the network's "
                + $"{classes} classes");
        }
        return new InMemoryData(images, labels, size);
    }
}
