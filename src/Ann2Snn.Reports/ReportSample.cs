using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Ann2Snn.Data;

namespace Ann2Snn.Reports;

/// <summary>
/// The SHA-256 of the images and labels a run evaluates, independent of the batch size: SHA-256 of (SHA-256 of every
/// image's float32 values, in data order) followed by (SHA-256 of the int32 labels), all little-endian and a copy of the first
/// <see cref="Count"/> images for the studies that rerun a few of them.
/// </summary>
public sealed record ReportSample(string Sha256, float[] Images, int[] Labels, int Count)
{
    /// <summary>
    /// Reads the images <paramref name="data"/> yields with <paramref name="limit"/>, hashing all and keeping the first
    /// <paramref name="keep"/>.
    /// </summary>
    public static ReportSample Read(IDataset data, int batchSize, int? limit, int keep = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (keep < 0) ThrowHelper.InvalidOption("keep", $"{keep} must not be negative");
        using var imageHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var labelHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        int size = data.SampleShape.Size, kept = 0;
        var images = new List<float>();
        var labels = new List<int>();
        foreach (DataBatch batch in data.Batches(batchSize, limit))
        {
            imageHash.AppendData(MemoryMarshal.AsBytes(batch.Data.AsSpan(0, batch.Count * size)));
            labelHash.AppendData(MemoryMarshal.AsBytes(batch.Labels.AsSpan(0, batch.Count)));
            int take = Math.Min(keep - kept, batch.Count);
            if (take <= 0) continue;
            images.AddRange(batch.Data.AsSpan(0, take * size));
            labels.AddRange(batch.Labels.AsSpan(0, take));
            kept += take;
        }
        byte[] both = [.. imageHash.GetHashAndReset(), .. labelHash.GetHashAndReset()];
        return new ReportSample(Convert.ToHexStringLower(SHA256.HashData(both)), [.. images], [.. labels], kept);
    }

    /// <summary>The first <paramref name="count"/> images (at most <see cref="Count"/>) as one batch.</summary>
    public DataBatch First(int count)
    {
        int n = Math.Min(count, Count), size = Count == 0 ? 0 : Images.Length / Count;
        return new DataBatch(Images[..(n * size)], Labels[..n], n);
    }
}
