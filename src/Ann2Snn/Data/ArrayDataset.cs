using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// A data set held in memory: <paramref name="x"/> holds the samples one after another, each of <paramref name="shape"/>.
/// </summary>
public sealed class ArrayDataset(float[] x, int[] labels, Shape shape, string description = "array") : IDataset
{
    /// <summary>Feature vectors of <paramref name="size"/> elements.</summary>
    public ArrayDataset(float[] x, int[] labels, int size) : this(x, labels, new Shape(size)) { }

    public string Description => description;
    public Shape SampleShape => shape;
    public int Count => labels.Length;
    public int ClassCount => labels.Length == 0 ? 0 : labels.Max() + 1;

    public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
    {
        int n = Math.Min(limit ?? Count, Count), size = shape.Size;
        for (int i = 0; i < n; i += batchSize)
        {
            int c = Math.Min(batchSize, n - i);
            yield return new DataBatch(x[(i * size)..((i + c) * size)], labels[i..(i + c)], c);
        }
    }
}
