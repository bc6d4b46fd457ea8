using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// A data set whose samples are one stored array (IDX, NPY, NPZ member) streamed batch by batch, and whose
/// labels were read and checked when it was opened.
/// </summary>
internal sealed class TensorDataset : IDataset, IRescalable
{
    private readonly TensorSource _images;
    private readonly int[] _labels;
    private readonly float _scale;

    public TensorDataset(string description, TensorSource images, Shape sampleShape, int[] labels, float scale)
    {
        Description = description;
        _images = images;
        SampleShape = sampleShape;
        _labels = labels;
        _scale = scale;
        ClassCount = labels.Length == 0 ? 0 : labels.Max() + 1;
    }

    public string Description { get; }
    public Shape SampleShape { get; }
    public int Count => _labels.Length;
    public int ClassCount { get; }

    public IDataset WithScale(float scale) => new TensorDataset(Description, _images, SampleShape, _labels, scale);

    public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
    {
        int total = CheckBatchArguments(batchSize, limit, Count, SampleShape);
        return Read(batchSize, total);
    }

    private IEnumerable<DataBatch> Read(int batchSize, int total)
    {
        if (total == 0)
        {
            yield break;
        }
        int sampleSize = SampleShape.Size;
        int sampleBytes = sampleSize * _images.Type.Size;
        using Stream stream = _images.OpenAtData();
        byte[] raw = new byte[Math.Min(batchSize, total) * sampleBytes];
        for (int start = 0; start < total; start += batchSize)
        {
            int n = Math.Min(batchSize, total - start);
            Span<byte> bytes = raw.AsSpan(0, n * sampleBytes);
            DataIO.ReadExactly(stream, bytes, _images.File, $"samples {start}..{start + n - 1} of {Count}");
            float[] data = new float[n * sampleSize];
            _images.Type.Convert<float>(bytes, data);
            if (_images.Type.IsFloat)
            {
                ElementType.CheckFinite(data, _images.File, start, sampleSize);
            }
            DataIO.ApplyScale(data, _scale);
            yield return new DataBatch(data, _labels.AsSpan(start, n).ToArray(), n);
        }
    }

    /// <summary>
    /// Reads the labels array described by <paramref name="dims"/> (shape <c>[N]</c> or <c>[N, 1]</c>) from
    /// <paramref name="stream"/>, after checking it has as many labels as the images file has samples.
    /// </summary>
    public static int[] ReadLabels(Stream stream, ElementType type, long[] dims, string file, long sampleCount, string imagesFile)
    {
        if (dims.Length != 1 && !(dims.Length == 2 && dims[1] == 1))
        {
            throw DataIO.Error(file, $"labels of shape {DataIO.Format(dims)}; expected [N] or [N, 1]");
        }
        if (dims[0] != sampleCount)
        {
            throw DataIO.Error(file, $"holds {dims[0]} labels but {imagesFile} holds {sampleCount} samples");
        }
        return type.ReadLabels(stream, (int)dims[0], file);
    }

    /// <summary>
    /// Validates the arguments of <see cref="IDataset.Batches"/> eagerly and returns how many samples to read.
    /// </summary>
    public static int CheckBatchArguments(int batchSize, int? limit, int count, Shape sampleShape)
    {
        if (batchSize <= 0)
        {
            ThrowHelper.InvalidOption("batch-size", $"{batchSize} is not positive");
        }
        if (limit < 0)
        {
            ThrowHelper.InvalidOption("limit", $"{limit} is negative");
        }
        int total = Math.Min(limit ?? count, count);
        long elements = (long)Math.Min(batchSize, Math.Max(total, 1)) * sampleShape.Size;
        if (elements > DataIO.MaxBatchElements)
        {
            ThrowHelper.InvalidOption("batch-size", $"{batchSize} samples of {sampleShape} make {elements} values, "
                + $"over the limit of {DataIO.MaxBatchElements}; use a smaller batch");
        }
        return total;
    }
}
