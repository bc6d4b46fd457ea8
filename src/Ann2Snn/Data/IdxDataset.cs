using System.Buffers.Binary;
using System.Text.RegularExpressions;

namespace Ann2Snn.Data;

/// <summary>
/// The header of an IDX file (the MNIST format): magic <c>00 00 TT RR</c> with element type <c>TT</c>
/// (08 ubyte, 09 sbyte, 0B short, 0C int, 0D float, 0E double) and rank <c>RR</c>, then <c>RR</c> big-endian
/// 32-bit dimensions, then the elements, big-endian, in row-major order.
/// </summary>
internal sealed record IdxHeader(ElementType Type, long[] Dims, int Length, bool Compressed)
{
    private const int MaxRank = 8;

    /// <summary>Reads and checks the header; the stream is left at the first element.</summary>
    public static IdxHeader Read(Stream stream, string file, bool compressed, long fileLength)
    {
        Span<byte> magic = stackalloc byte[4];
        DataIO.ReadExactly(stream, magic, file, "IDX magic number");
        uint value = BinaryPrimitives.ReadUInt32BigEndian(magic);
        ElementKind? kind = magic[2] switch
        {
            0x08 => ElementKind.UInt8,
            0x09 => ElementKind.Int8,
            0x0B => ElementKind.Int16,
            0x0C => ElementKind.Int32,
            0x0D => ElementKind.Float32,
            0x0E => ElementKind.Float64,
            _ => null,
        };
        if (magic[0] != 0 || magic[1] != 0 || kind is null)
        {
            throw DataIO.Error(file, $"not an IDX file: magic number 0x{value:X8}; expected 0x00000803 (images), 0x00000801 (labels) or another 0x0000TTRR with type TT in 08, 09, 0B, 0C, 0D, 0E");
        }
        int rank = magic[3];
        if (rank is 0 or > MaxRank)
        {
            throw DataIO.Error(file, $"IDX magic number 0x{value:X8} gives rank {rank}; expected 1 to {MaxRank}");
        }
        byte[] dimBytes = new byte[4 * rank];
        DataIO.ReadExactly(stream, dimBytes, file, $"IDX header ({rank} dimensions)");
        long[] dims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
        }
        var header = new IdxHeader(new ElementType(kind.Value, BigEndian: true), dims, 4 + (4 * rank), compressed);
        DataIO.CheckDims(file, dims);
        long claimed = header.Length + (dims.Aggregate(1L, (a, d) => a * d) * header.Type.Size);
        DataIO.CheckClaimedLength(file, claimed, fileLength, compressed, $"{DataIO.Format(dims)} {header.Type}");
        return header;
    }
}

/// <summary>Data sets stored as a pair of IDX files (MNIST, Fashion-MNIST), raw or gzipped.</summary>
public static class IdxDataset
{
    private static readonly Regex FileName = new(
        @"^(?<split>t10k|test|train)-(?<kind>images|labels)[-.]idx\d-ubyte(\.gz)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// Opens an images file (<c>[N, H, W]</c> → samples <c>[1, H, W]</c>; also <c>[N, F]</c> and <c>[N, C, H, W]</c>)
    /// and a labels file (<c>[N]</c>), each raw or gzipped (detected from its first bytes). Labels are read
    /// and checked now; images are streamed on each enumeration.
    /// </summary>
    /// <exception cref="InvalidDatasetException">either file is missing, malformed, truncated or inconsistent.</exception>
    public static IDataset Open(string imagesPath, string labelsPath, DataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        options ??= DataOptions.Default;

        IdxHeader images;
        using (Stream stream = DataIO.OpenMaybeGzip(imagesPath, out bool compressed, out long length))
        {
            images = IdxHeader.Read(stream, imagesPath, compressed, length);
        }
        var shape = DataIO.SampleShape(imagesPath, images.Dims);

        int[] labels;
        using (Stream stream = DataIO.OpenMaybeGzip(labelsPath, out bool compressed, out long length))
        {
            IdxHeader header = IdxHeader.Read(stream, labelsPath, compressed, length);
            labels = TensorDataset.ReadLabels(stream, header.Type, header.Dims, labelsPath, images.Dims[0], imagesPath);
        }

        var source = new TensorSource(imagesPath, () => DataIO.SkipOrDispose(DataIO.OpenMaybeGzip(imagesPath, out _, out _), images.Length, imagesPath), images.Type);
        return new TensorDataset(imagesPath, source, shape, labels, options.Scale ?? images.Type.DefaultScale);
    }

    /// <summary>
    /// Opens the IDX pair of <paramref name="split"/> in a folder, found by the usual names:
    /// <c>t10k-</c> or <c>test-</c> (test) or <c>train-</c> (train), then <c>images-idx3-ubyte</c> and
    /// <c>labels-idx1-ubyte</c> (a dot may replace the dash before <c>idx</c>), optionally <c>.gz</c>.
    /// </summary>
    /// <exception cref="InvalidDatasetException">the folder holds no such pair, or the files are bad.</exception>
    public static IDataset OpenDirectory(string directory, DatasetSplit split, DataOptions? options = null)
    {
        if (!TryFindPair(directory, split, out string? images, out string? labels))
        {
            string expected = split == DatasetSplit.Test ? "t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]" : "train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]";
            throw DataIO.Error(directory, $"no IDX {split.ToString().ToLowerInvariant()} files; expected {expected}");
        }
        return Open(images, labels, options);
    }

    /// <summary>Finds the images and labels files of <paramref name="split"/> in a folder, if it has them.</summary>
    internal static bool TryFindPair(string directory, DatasetSplit split, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? images, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? labels)
    {
        images = labels = null;
        string[] files;
        try
        {
            files = Directory.GetFiles(directory);
        }
        catch (Exception ex) when (DataIO.IsIOError(ex))
        {
            throw DataIO.Error(directory, $"cannot list: {ex.Message}", ex);
        }
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            Match m = FileName.Match(Path.GetFileName(file));
            if (!m.Success || (m.Groups["split"].Value.Equals("train", StringComparison.OrdinalIgnoreCase) != (split == DatasetSplit.Train)))
            {
                continue;
            }
            if (m.Groups["kind"].Value.Equals("images", StringComparison.OrdinalIgnoreCase))
            {
                images ??= file;
            }
            else
            {
                labels ??= file;
            }
        }
        return images is not null && labels is not null;
    }
}
