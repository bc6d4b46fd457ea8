using System.IO.Compression;
using System.Numerics.Tensors;
using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// File access shared by the readers: every IO or decompression error becomes an
/// <see cref="InvalidDatasetException"/> naming the file, and every size a header claims is checked
/// against what the file can hold before anything is allocated.
/// </summary>
internal static class DataIO
{
    /// <summary>Most samples a data set may hold (array index range).</summary>
    public const long MaxSamples = int.MaxValue;

    /// <summary>Largest sample we accept, the same bound as <see cref="Shape"/>.</summary>
    public const long MaxSampleElements = Shape.MaxElements;

    /// <summary>Largest batch (samples × elements) one enumeration step may allocate: 2^27 floats, 512 MiB.</summary>
    public const long MaxBatchElements = 1L << 27;

    /// <summary>Largest label value + 1 we accept.</summary>
    public const int MaxClasses = 1 << 16;

    /// <summary>
    /// Deflate cannot expand data more than about 1032:1, so a gzip or zip member of <c>n</c> compressed
    /// bytes holds at most about <c>1032 n</c> bytes; a header claiming more is lying.
    /// </summary>
    public const long MaxDeflateRatio = 1032;

    public static bool IsIOError(Exception ex) =>
        ex is IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException or ArgumentException;

    public static InvalidDatasetException Error(string file, string problem, Exception? inner = null) =>
        new($"{file}: {problem}", inner);

    public static FileStream OpenFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (IsIOError(ex))
        {
            throw Error(path, $"cannot open: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/>, transparently decompressing it when it starts with the gzip magic bytes.
    /// <paramref name="fileLength"/> is the length on disk (compressed when <paramref name="compressed"/>).
    /// </summary>
    public static Stream OpenMaybeGzip(string path, out bool compressed, out long fileLength)
    {
        FileStream file = OpenFile(path);
        try
        {
            fileLength = file.Length;
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            file.Position = 0;
            compressed = got == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            return compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
        }
        catch (Exception ex) when (IsIOError(ex))
        {
            file.Dispose();
            throw Error(path, $"cannot read: {ex.Message}", ex);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="stream"/> or throws "truncated".</summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string file, string what)
    {
        int got;
        try
        {
            got = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            throw Error(file, $"corrupt compressed data while reading {what}: {ex.Message}", ex);
        }
        catch (Exception ex) when (IsIOError(ex))
        {
            throw Error(file, $"cannot read {what}: {ex.Message}", ex);
        }
        if (got < buffer.Length)
        {
            throw Error(file, $"truncated: expected {buffer.Length} bytes of {what} but the data ends after {got}");
        }
    }

    /// <summary>Advances a stream by <paramref name="count"/> bytes (seeking when it can).</summary>
    public static void Skip(Stream stream, long count, string file)
    {
        if (stream.CanSeek)
        {
            try
            {
                stream.Seek(count, SeekOrigin.Current);
            }
            catch (Exception ex) when (IsIOError(ex))
            {
                throw Error(file, $"cannot seek: {ex.Message}", ex);
            }
            return;
        }
        byte[] scratch = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            int n = (int)Math.Min(count, scratch.Length);
            ReadExactly(stream, scratch.AsSpan(0, n), file, "header");
            count -= n;
        }
    }

    /// <summary>
    /// Multiplies <paramref name="values"/> by <paramref name="scale"/>; when the scale is the reciprocal of a
    /// whole number <c>n</c> it divides by <c>n</c> instead, so the default 1/255 gives exactly <c>pixel / 255</c>
    /// (as torchvision's ToTensor does) rather than a value one rounding away.
    /// </summary>
    public static void ApplyScale(Span<float> values, float scale)
    {
        if (scale == 1f)
        {
            return;
        }
        float divisor = MathF.Round(1f / scale);
        if (divisor >= 2f && float.IsFinite(divisor) && 1f / divisor == scale)
        {
            TensorPrimitives.Divide(values, divisor, values);
        }
        else
        {
            TensorPrimitives.Multiply(values, scale, values);
        }
    }

    /// <summary>Skips a header, returning the stream at its data, or disposes it when that fails.</summary>
    public static Stream SkipOrDispose(Stream stream, long count, string file)
    {
        try
        {
            Skip(stream, count, file);
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks that a file (or archive member) of <paramref name="storedLength"/> bytes can hold the
    /// <paramref name="claimedLength"/> bytes its header describes: exactly, when stored raw; plausibly
    /// (within the deflate expansion bound), when compressed.
    /// </summary>
    public static void CheckClaimedLength(string file, long claimedLength, long storedLength, bool compressed, string what)
    {
        if (compressed)
        {
            long bound = (storedLength * MaxDeflateRatio) + 1024;
            if (claimedLength > bound)
            {
                throw Error(file, $"truncated or corrupt header: it claims {what} ({claimedLength} bytes), "
                    + $"more than {storedLength} compressed bytes can hold");
            }
            return;
        }
        if (claimedLength > storedLength)
        {
            throw Error(file, $"truncated: the header claims {what} ({claimedLength} bytes) but the file holds {storedLength} bytes");
        }
        if (claimedLength < storedLength)
        {
            throw Error(file, $"{storedLength - claimedLength} unexpected bytes after the data: "
                + $"the header claims {what} ({claimedLength} bytes) but the file holds {storedLength} bytes");
        }
    }

    /// <summary>
    /// Validates the dimensions of an array of samples (<c>dims[0]</c> = count) and returns the per-sample
    /// shape: <c>[N, F]</c> → <c>[F]</c>, <c>[N, H, W]</c> → <c>[1, H, W]</c>, <c>[N, C, H, W]</c> as is.
    /// </summary>
    public static Shape SampleShape(string file, IReadOnlyList<long> dims)
    {
        if (dims.Count is < 2 or > 4)
        {
            throw Error(file, $"samples of shape {Format(dims)} (rank {dims.Count}) are not supported; "
                + "expected [N, F], [N, H, W] or [N, C, H, W]");
        }
        CheckDims(file, dims);
        int[] sample = dims.Count == 3
            ? [1, (int)dims[1], (int)dims[2]]
            : dims.Skip(1).Select(d => (int)d).ToArray();
        return new Shape(sample);
    }

    /// <summary>
    /// Refuses a zero or absurd dimension: every sample dimension positive, at most
    /// <see cref="MaxSampleElements"/> per sample, the count positive and at most <see cref="MaxSamples"/>.
    /// </summary>
    public static void CheckDims(string file, IReadOnlyList<long> dims)
    {
        if (dims.Count == 0)
        {
            throw Error(file, "holds a scalar; expected an array of samples");
        }
        if (dims[0] <= 0)
        {
            throw Error(file, $"holds no samples (shape {Format(dims)})");
        }
        if (dims[0] > MaxSamples)
        {
            throw Error(file, $"shape {Format(dims)}: {dims[0]} samples exceeds the limit of {MaxSamples}");
        }
        long size = 1;
        for (int i = 1; i < dims.Count; i++)
        {
            if (dims[i] <= 0)
            {
                throw Error(file, $"shape {Format(dims)}: dimension {i} is {dims[i]}; sample dimensions must be positive");
            }
            size *= dims[i];
            if (size > MaxSampleElements)
            {
                throw Error(file, $"shape {Format(dims)}: more than {MaxSampleElements} elements per sample");
            }
        }
    }

    public static string Format(IReadOnlyList<long> dims) => "[" + string.Join("×", dims) + "]";
}
