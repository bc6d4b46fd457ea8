using Ann2Snn.Data;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>A labelled data set of samples of <paramref name="shape"/> held in one array.</summary>
internal sealed class ArrayDataset(float[] x, int[] labels, Shape shape) : IDataset
{
    private readonly int _size = shape.Size;

    /// <summary>Feature vectors of <paramref name="size"/>.</summary>
    public ArrayDataset(float[] x, int[] labels, int size) : this(x, labels, new Shape(size))
    {
    }

    public string Description => "array";
    public Shape SampleShape => shape;
    public int Count => labels.Length;
    public int ClassCount => labels.Max() + 1;

    public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
    {
        int n = Math.Min(limit ?? Count, Count);
        for (int i = 0; i < n; i += batchSize)
        {
            int c = Math.Min(batchSize, n - i);
            yield return new DataBatch(x[(i * _size)..((i + c) * _size)], labels[i..(i + c)], c);
        }
    }
}
