using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Ann2Snn.Data;
using Ann2Snn.Reports.Imaging;
using SkiaSharp;

namespace Ann2Snn.Tests.Data;

/// <summary>Somewhere test files can be written.</summary>
internal interface ITempFiles
{
    /// <summary>A path inside the folder, with its parent folders created.</summary>
    string File(params string[] parts);
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDir : ITempFiles, IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ann2snn-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the folder, with its parent folders created.</summary>
    public string File(params string[] parts)
    {
        string path = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}

/// <summary>Writers of small IDX, NPY, NPZ and image files for the reader tests.</summary>
internal static class DataFiles
{
    public const byte IdxUByte = 0x08;
    public const byte IdxInt = 0x0C;
    public const byte IdxFloat = 0x0D;

    /// <summary>An IDX file: magic 00 00 type rank, big-endian dims, then <paramref name="payload"/> as given.</summary>
    public static byte[] Idx(byte type, uint[] dims, byte[] payload)
    {
        var bytes = new byte[4 + (4 * dims.Length) + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }
        payload.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }

    public static byte[] BigEndianFloats(params float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleBigEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return bytes;
    }

    public static byte[] BigEndianInts(params int[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 * i), values[i]);
        }
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest))
        {
            gz.Write(data);
        }
        return output.ToArray();
    }

    /// <summary>Sequential bytes <c>(i * 7 + 3) mod 256</c>, so every sample differs.</summary>
    public static byte[] Pattern(int length) => Enumerable.Range(0, length).Select(i => (byte)((i * 7) + 3)).ToArray();

    /// <summary>Writes an MNIST-like pair (count × rows × cols ubyte images, labels <c>i mod classes</c>).</summary>
    public static (string Images, string Labels) WriteIdxPair(ITempFiles dir, int count, int rows, int cols, int classes = 10,
        bool gzip = false, string prefix = "t10k")
    {
        string gz = gzip ? ".gz" : "";
        string images = dir.File($"{prefix}-images-idx3-ubyte{gz}");
        string labels = dir.File($"{prefix}-labels-idx1-ubyte{gz}");
        byte[] imageBytes = Idx(IdxUByte, [(uint)count, (uint)rows, (uint)cols], Pattern(count * rows * cols));
        byte[] labelBytes = Idx(IdxUByte, [(uint)count], Enumerable.Range(0, count).Select(i => (byte)(i % classes)).ToArray());
        System.IO.File.WriteAllBytes(images, gzip ? Gzip(imageBytes) : imageBytes);
        System.IO.File.WriteAllBytes(labels, gzip ? Gzip(labelBytes) : labelBytes);
        return (images, labels);
    }

    /// <summary>
    /// An NPY file of format <paramref name="major"/>.0 whose header dict is written from the given parts,
    /// padded to a multiple of 64 bytes and ended by a newline, as NumPy does.
    /// </summary>
    public static byte[] Npy(string descr, long[] shape, byte[] payload, int major = 1, bool fortran = false, string? dict = null)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        dict ??= $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + Encoding.UTF8.GetByteCount(dict) + 1;
        int padding = (64 - (total % 64)) % 64;
        byte[] text = Encoding.UTF8.GetBytes(dict + new string(' ', padding) + "\n");
        using var output = new MemoryStream();
        output.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        var length = new byte[major == 1 ? 2 : 4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)text.Length);
        }
        output.Write(length);
        output.Write(text);
        output.Write(payload);
        return output.ToArray();
    }

    public static byte[] Bytes<T>(params T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static void WriteNpz(string path, CompressionLevel level, params (string Name, byte[] Content)[] members)
    {
        using var zip = new ZipArchive(System.IO.File.Create(path), ZipArchiveMode.Create);
        foreach ((string name, byte[] content) in members)
        {
            using Stream s = zip.CreateEntry(name, level).Open();
            s.Write(content);
        }
    }

    /// <summary>The decoder the image-folder tests read with (the one the CLI uses).</summary>
    public static SkiaImageDecoder ImageDecoder { get; } = new();

    /// <summary>
    /// Encodes an image: <paramref name="channels"/> 1 gives a grayscale image, 3 an opaque RGB one (pixels interleaved).
    /// </summary>
    public static byte[] Image(int width, int height, int channels, byte[] pixels, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        var info = channels == 1
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var row = new byte[bitmap.RowBytes];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int p = (y * width) + x;
                if (channels == 1)
                {
                    row[x] = pixels[p];
                }
                else
                {
                    row[(4 * x) + 0] = pixels[(3 * p) + 0];
                    row[(4 * x) + 1] = pixels[(3 * p) + 1];
                    row[(4 * x) + 2] = pixels[(3 * p) + 2];
                    row[(4 * x) + 3] = 255;
                }
            }
            Marshal.Copy(row, 0, bitmap.GetPixels() + (y * bitmap.RowBytes), row.Length);
        }
        using SKData data = bitmap.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>Reads every batch and concatenates them.</summary>
    public static (float[] Data, int[] Labels, int[] BatchCounts) ReadAll(IDataset dataset, int batchSize, int? limit = null)
    {
        var data = new List<float>();
        var labels = new List<int>();
        var counts = new List<int>();
        foreach (DataBatch batch in dataset.Batches(batchSize, limit))
        {
            Assert.Equal(batch.Count * dataset.SampleShape.Size, batch.Data.Length);
            Assert.Equal(batch.Count, batch.Labels.Length);
            data.AddRange(batch.Data);
            labels.AddRange(batch.Labels);
            counts.Add(batch.Count);
        }
        return ([.. data], [.. labels], [.. counts]);
    }

    /// <summary>
    /// Asserts an <see cref="InvalidDatasetException"/> with a one-line message naming <paramref name="file"/> and containing
    /// <paramref name="words"/>.
    /// </summary>
    public static InvalidDatasetException AssertInvalid(string file, string words, Action action)
    {
        var ex = Assert.Throws<InvalidDatasetException>(action);
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains(words, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    /// <summary>Opens and reads the whole data set (so errors found only while streaming surface too).</summary>
    public static void OpenAndRead(Func<IDataset> open) => ReadAll(open(), 4);
}
