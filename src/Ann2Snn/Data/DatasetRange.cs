using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// Samples <c>Start … Start + Count − 1</c> of another data set, in its order. Batches are cut from the source's batches of the
/// same size, so every sample of the range sits in a batch it shares with no sample outside the source's own batch: the
/// range's batches are pieces of the whole set's batches (the samples before <see cref="Start"/> are read and dropped).
/// </summary>
public sealed class DatasetRange : IDataset
{
    private readonly IDataset _source;

    /// <param name="source">the whole data set.</param>
    /// <param name="start">the first sample taken (0-based).</param>
    /// <param name="count">how many samples are taken.</param>
    /// <exception cref="InvalidOptionException">the range is empty or reaches past the source's samples.</exception>
    public DatasetRange(IDataset source, int start, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (start < 0 || count <= 0 || (long)start + count > source.Count)
        {
            ThrowHelper.InvalidOption("range", $"samples {start}..{(long)start + count - 1} are not within the {source.Count} "
                + $"samples of {source.Description}");
        }
        _source = source;
        Start = start;
        Count = count;
    }

    /// <summary>Index in the source of the first sample.</summary>
    public int Start { get; }

    public int Count { get; }

    public string Description => _source.Description;
    public Shape SampleShape => _source.SampleShape;
    public int ClassCount => _source.ClassCount;

    public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
    {
        int total = TensorDataset.CheckBatchArguments(batchSize, limit, Count, SampleShape);
        return Read(batchSize, total);
    }

    private IEnumerable<DataBatch> Read(int batchSize, int total)
    {
        int size = SampleShape.Size, at = 0; // at: index in the source of the first sample of the batch read
        foreach (DataBatch batch in _source.Batches(batchSize, Start + total))
        {
            int from = Math.Max(Start, at) - at, to = Math.Min(Start + total, at + batch.Count) - at;
            at += batch.Count;
            if (to <= from) continue;
            if (from == 0 && to == batch.Count)
            {
                yield return batch;
                continue;
            }
            int n = to - from;
            yield return new DataBatch(batch.Data.AsSpan(from * size, n * size).ToArray(), batch.Labels[from..to], n);
        }
    }
}
