using Ann2Snn.Data;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>A labelled data set of feature vectors of <paramref name="size"/> held in one array.</summary>
internal sealed class ArrayDataset(float[] x, int[] labels, int size) : IDataset
{
    public string Description => "array";
    public Shape SampleShape => new(size);
    public int Count => labels.Length;
    public int ClassCount => labels.Max() + 1;

    public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
    {
        int n = Math.Min(limit ?? Count, Count);
        for (int i = 0; i < n; i += batchSize)
        {
            int c = Math.Min(batchSize, n - i);
            yield return new DataBatch(x[(i * size)..((i + c) * size)], labels[i..(i + c)], c);
        }
    }
}
