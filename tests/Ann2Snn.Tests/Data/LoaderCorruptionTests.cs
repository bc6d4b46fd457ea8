using System.Buffers.Binary;
using System.IO.Compression;
using Ann2Snn.Data;
using SkiaSharp;
using static Ann2Snn.Tests.Data.DataFiles;

namespace Ann2Snn.Tests.Data;

/// <summary>
/// Property tests: small valid IDX/NPY/NPZ files, corrupted by seeded truncations, bit flips and lying
/// length fields, must either load (finite values, labels in range) or fail with <see cref="InvalidDatasetException"/>,
/// within a time and allocation bound.
/// </summary>
public sealed class LoaderCorruptionTests : IDisposable
{
    private const long MaxAllocatedBytes = 64L << 20;
    /// <summary>A hang guard, not a speed test: generous, because the suite runs in parallel on shared machines.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>How the corruption cases of one format ended.</summary>
    private sealed class Tally
    {
        public int Loaded { get; set; }
        public int Rejected { get; set; }
        public int Total => Loaded + Rejected;
    }

    // ---------- the property ----------

    private static void Check(Tally tally, string what, Func<IDataset> open)
    {
        // A thread of its own: a case queued behind other tests' work on the thread pool must not look like a hang.
        var task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            bool loaded;
            try
            {
                IDataset ds = open();
                foreach (DataBatch batch in ds.Batches(4))
                {
                    Assert.Equal(batch.Count * ds.SampleShape.Size, batch.Data.Length);
                    Assert.True(Array.TrueForAll(batch.Data, float.IsFinite), $"{what}: non-finite value loaded");
                    Assert.True(Array.TrueForAll(batch.Labels, l => l >= 0 && l < ds.ClassCount), $"{what}: label out of range");
                }
                loaded = true;
            }
            catch (InvalidDatasetException ex)
            {
                Assert.DoesNotContain('\n', ex.Message);
                loaded = false;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < MaxAllocatedBytes, $"{what}: allocated {allocated} bytes");
            return loaded;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        bool finished;
        try
        {
            finished = task.Wait(Timeout);
        }
        catch (AggregateException ex)
        {
            throw new Xunit.Sdk.XunitException($"{what}: threw {ex.InnerException}");
        }
        Assert.True(finished, $"{what}: did not finish within {Timeout}");
        if (task.Result)
        {
            tally.Loaded++;
        }
        else
        {
            tally.Rejected++;
        }
    }

    // ---------- mutations ----------

    /// <summary>Every truncation of <paramref name="bytes"/> (all when short, else a seeded sample plus the ends).</summary>
    private static IEnumerable<(string What, byte[] Bytes)> Truncations(byte[] bytes, Random rng, int max = 300)
    {
        IEnumerable<int> lengths = bytes.Length <= max
            ? Enumerable.Range(0, bytes.Length)
            : Enumerable.Range(0, 64).Concat(Enumerable.Range(0, max - 72).Select(_ => rng.Next(bytes.Length)))
                .Concat(Enumerable.Range(bytes.Length - 8, 8));
        foreach (int n in lengths.Distinct())
        {
            yield return ($"truncated to {n}", bytes[..n]);
        }
    }

    /// <summary>Seeded single and multiple bit flips.</summary>
    private static IEnumerable<(string What, byte[] Bytes)> BitFlips(byte[] bytes, Random rng, int count)
    {
        for (int c = 0; c < count; c++)
        {
            byte[] copy = (byte[])bytes.Clone();
            int flips = c < count / 2 ? 1 : rng.Next(2, 9);
            var at = new List<string>();
            for (int f = 0; f < flips; f++)
            {
                int bit = rng.Next(copy.Length * 8);
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
                at.Add(bit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            yield return ($"bits {string.Join(",", at)} flipped", copy);
        }
    }

    private static readonly uint[] LyingDims = [0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x10000000, 65536];

    /// <summary>IDX files whose dimension <c>i</c> is replaced by huge, tiny and off-by-one values.</summary>
    private static IEnumerable<(string What, byte[] Bytes)> IdxDimLies(byte[] bytes)
    {
        int rank = bytes[3];
        for (int i = 0; i < rank; i++)
        {
            uint actual = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
            foreach (uint lie in LyingDims.Append(actual - 1).Append(actual + 1).Distinct())
            {
                byte[] copy = (byte[])bytes.Clone();
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(4 + (4 * i)), lie);
                yield return ($"dim {i} = {lie}", copy);
            }
        }
        for (int rank2 = 0; rank2 <= 255; rank2 += rank2 < 10 ? 1 : 61)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[3] = (byte)rank2;
            yield return ($"rank byte = {rank2}", copy);
        }
    }

    private static readonly string[] ShapeLies =
    [
        "(0,)", "(1,)", "()", "(4,)", "(6,)", "(5, 0)", "(5, 2, 3, 1, 1, 1, 1, 1, 1, 1)", "(2147483647,)", "(2147483648, 2, 3)",
        "(9223372036854775807, 2, 3)", "(99999999999999999999999, 2)", "(-1, 2, 3)", "(5, -6)", "(65536, 65536, 65536)",
        "(4, 2, 3)", "(6, 2, 3)", "(5, 2, 4)", "(5, 2, 2)", "(5, 6)", "(5, 1)", "(5,", "5, 2, 3", "(5 2 3)", "(5,,2)",
    ];

    /// <summary>NPY files whose header's shape is replaced, and whose header-length field is huge or off by one.</summary>
    private static IEnumerable<(string What, byte[] Bytes)> NpyLies(string descr, byte[] payload, long[] shape)
    {
        foreach (string lie in ShapeLies)
        {
            string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {lie}, }}";
            yield return ($"shape {lie}", Npy(descr, shape, payload, dict: dict));
            yield return ($"shape {lie} (v2)", Npy(descr, shape, payload, major: 2, dict: dict));
        }
        foreach (string descrLie in new[] { "<f8", "<f2", "<i2", "|b1", ">f4", "<c8", "|O", "<U3", "<f400000000", "" })
        {
            yield return ($"descr {descrLie}", Npy(descrLie, shape, payload));
        }
        byte[] valid = Npy(descr, shape, payload);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(valid.AsSpan(8));
        foreach (int lie in new[] { 0, 1, headerLength - 1, headerLength + 1, headerLength + 64, 0xFFFF })
        {
            byte[] copy = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(8), (ushort)lie);
            yield return ($"header length {lie}", copy);
        }
        byte[] v2 = Npy(descr, shape, payload, major: 2);
        foreach (uint lie in new uint[] { 0, 0x7FFFFFFF, 0xFFFFFFFF, 0x10000000 })
        {
            byte[] copy = (byte[])v2.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(8), lie);
            yield return ($"v2 header length {lie}", copy);
        }
        foreach (byte major in new byte[] { 0, 3, 4, 255 })
        {
            byte[] copy = (byte[])valid.Clone();
            copy[6] = major;
            yield return ($"version {major}", copy);
        }
    }

    // ---------- valid files ----------

    private static byte[] IdxImages() => Idx(IdxUByte, [6, 3, 4], Pattern(6 * 3 * 4));

    private static byte[] IdxFloatImages()
        => Idx(IdxFloat, [6, 5], BigEndianFloats(Enumerable.Range(0, 30).Select(i => i * 0.5f).ToArray()));

    private static byte[] IdxLabels() => Idx(IdxUByte, [6], [0, 1, 2, 3, 4, 5]);

    private static byte[] IdxIntLabels() => Idx(IdxInt, [6], BigEndianInts(5, 4, 3, 2, 1, 0));

    private static readonly long[] NpyShape = [5, 2, 3];

    private static byte[] NpyPayload() => Bytes(Enumerable.Range(0, 30).Select(i => (i * 0.25f) - 3f).ToArray());

    private static byte[] NpyImages() => Npy("<f4", NpyShape, NpyPayload());

    private static byte[] NpyLabels() => Npy("<i8", [5], Bytes(3L, 1L, 4L, 1L, 0L));

    // ---------- IDX ----------

    private void CheckIdx(Tally tally, string what, byte[] images, byte[] labels, bool gzip)
    {
        string x = _dir.File(gzip ? "images.idx.gz" : "images.idx");
        string y = _dir.File(gzip ? "labels.idx.gz" : "labels.idx");
        File.WriteAllBytes(x, images);
        File.WriteAllBytes(y, labels);
        Check(tally, what, () => IdxDataset.Open(x, y));
    }

    /// <summary>The mutations of an IDX pair: each file in turn is corrupted, the other kept valid.</summary>
    private static IEnumerable<(string What, byte[] Images, byte[] Labels)> IdxCases(byte[] images, byte[] labels, Random rng,
        Func<byte[], byte[]> encode)
    {
        byte[] x = encode(images);
        byte[] y = encode(labels);
        foreach (var (what, bytes) in Truncations(x, rng).Concat(BitFlips(x, rng, 150)))
        {
            yield return ($"images {what}", bytes, y);
        }
        foreach (var (what, bytes) in Truncations(y, rng).Concat(BitFlips(y, rng, 80)))
        {
            yield return ($"labels {what}", x, bytes);
        }
        foreach (var (what, bytes) in IdxDimLies(images))
        {
            yield return ($"images {what}", encode(bytes), y);
        }
        foreach (var (what, bytes) in IdxDimLies(labels))
        {
            yield return ($"labels {what}", x, encode(bytes));
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Corrupt_idx_files_load_or_fail_with_InvalidDatasetException(bool gzip, bool floatsAndInts)
    {
        var rng = new Random(gzip ? 71 : 17);
        var tally = new Tally();
        byte[] images = floatsAndInts ? IdxFloatImages() : IdxImages();
        byte[] labels = floatsAndInts ? IdxIntLabels() : IdxLabels();
        Func<byte[], byte[]> encode = gzip ? Gzip : b => b;

        CheckIdx(tally, "valid", encode(images), encode(labels), gzip);
        Assert.Equal(1, tally.Loaded);
        foreach (var (what, x, y) in IdxCases(images, labels, rng, encode))
        {
            CheckIdx(tally, what, x, y, gzip);
        }

        Assert.True(tally.Total > 300, $"{tally.Total} cases");
        Assert.True(tally.Rejected > tally.Total / 4, $"only {tally.Rejected} of {tally.Total} rejected");
    }

    // ---------- NPY ----------

    private void CheckNpy(Tally tally, string what, byte[] images, byte[] labels)
    {
        string x = _dir.File("x.npy");
        string y = _dir.File("y.npy");
        File.WriteAllBytes(x, images);
        File.WriteAllBytes(y, labels);
        Check(tally, what, () => NpyDataset.Open(x, y));
    }

    private static IEnumerable<(string What, byte[] Images, byte[] Labels)> NpyCases(Random rng)
    {
        byte[] x = NpyImages();
        byte[] y = NpyLabels();
        foreach (var (what, bytes) in Truncations(x, rng).Concat(BitFlips(x, rng, 200)).Concat(NpyLies("<f4", NpyPayload(), NpyShape)))
        {
            yield return ($"images {what}", bytes, y);
        }
        foreach (var (what, bytes) in Truncations(y, rng).Concat(BitFlips(y, rng, 120))
            .Concat(NpyLies("<i8", Bytes(3L, 1L, 4L, 1L, 0L), [5])))
        {
            yield return ($"labels {what}", x, bytes);
        }
    }

    [Fact]
    public void Corrupt_npy_files_load_or_fail_with_InvalidDatasetException()
    {
        var tally = new Tally();
        CheckNpy(tally, "valid", NpyImages(), NpyLabels());
        Assert.Equal(1, tally.Loaded);
        foreach (var (what, x, y) in NpyCases(new Random(29)))
        {
            CheckNpy(tally, what, x, y);
        }

        Assert.True(tally.Total > 500, $"{tally.Total} cases");
        Assert.True(tally.Rejected > tally.Total / 4, $"only {tally.Rejected} of {tally.Total} rejected");
    }

    // ---------- NPZ ----------

    private byte[] NpzBytes(CompressionLevel level, byte[] images, byte[] labels)
    {
        string path = _dir.File("build.npz");
        WriteNpz(path, level, ("x_test.npy", images), ("y_test.npy", labels));
        return File.ReadAllBytes(path);
    }

    private void CheckNpz(Tally tally, string what, byte[] archive)
    {
        string path = _dir.File("data.npz");
        File.WriteAllBytes(path, archive);
        Check(tally, what, () => NpyDataset.OpenNpz(path, DatasetSplit.Test));
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Corrupt_npz_archives_load_or_fail_with_InvalidDatasetException(CompressionLevel level)
    {
        var rng = new Random(43 + (int)level);
        var tally = new Tally();
        byte[] valid = NpzBytes(level, NpyImages(), NpyLabels());
        CheckNpz(tally, "valid", valid);
        Assert.Equal(1, tally.Loaded);

        foreach (var (what, bytes) in Truncations(valid, rng, 200).Concat(BitFlips(valid, rng, 250)))
        {
            CheckNpz(tally, what, bytes);
        }
        foreach (var (what, bytes) in NpyLies("<f4", NpyPayload(), NpyShape))
        {
            CheckNpz(tally, $"images {what}", NpzBytes(level, bytes, NpyLabels()));
        }
        foreach (var (what, bytes) in NpyLies("<i8", Bytes(3L, 1L, 4L, 1L, 0L), [5]))
        {
            CheckNpz(tally, $"labels {what}", NpzBytes(level, NpyImages(), bytes));
        }
        foreach (var (what, bytes) in ZipSizeLies(valid))
        {
            CheckNpz(tally, what, bytes);
        }

        Assert.True(tally.Total > 400, $"{tally.Total} cases");
        Assert.True(tally.Rejected > tally.Total / 4, $"only {tally.Rejected} of {tally.Total} rejected");
    }

    /// <summary>Archives whose zip size fields (local and central headers, end record) are huge or off by one.</summary>
    private static IEnumerable<(string What, byte[] Bytes)> ZipSizeLies(byte[] archive)
    {
        // Local header: sig 0x04034b50, sizes at +18 (compressed) and +22 (uncompressed).
        // Central header: sig 0x02014b50, sizes at +20 and +24, local header offset at +42.
        // End record: sig 0x06054b50, entry counts at +8, +10, central size at +12, offset at +16.
        var fields = new List<(string Name, int Offset, int Size)>();
        for (int i = 0; i + 4 <= archive.Length; i++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(archive.AsSpan(i));
            if (sig == 0x04034b50 && i + 30 <= archive.Length)
            {
                fields.Add(($"local@{i} compressed size", i + 18, 4));
                fields.Add(($"local@{i} size", i + 22, 4));
                fields.Add(($"local@{i} name length", i + 26, 2));
            }
            else if (sig == 0x02014b50 && i + 46 <= archive.Length)
            {
                fields.Add(($"central@{i} compressed size", i + 20, 4));
                fields.Add(($"central@{i} size", i + 24, 4));
                fields.Add(($"central@{i} local offset", i + 42, 4));
                fields.Add(($"central@{i} name length", i + 28, 2));
            }
            else if (sig == 0x06054b50 && i + 22 <= archive.Length)
            {
                fields.Add(($"end entries", i + 10, 2));
                fields.Add(($"end central size", i + 12, 4));
                fields.Add(($"end central offset", i + 16, 4));
            }
        }
        Assert.NotEmpty(fields);
        foreach (var (name, offset, size) in fields)
        {
            uint actual = size == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(archive.AsSpan(offset))
                : BinaryPrimitives.ReadUInt16LittleEndian(archive.AsSpan(offset));
            foreach (uint lie in new uint[] { 0, 1, actual - 1, actual + 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x10000000 })
            {
                byte[] copy = (byte[])archive.Clone();
                if (size == 4)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset), lie);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(offset), (ushort)lie);
                }
                yield return ($"{name} = {lie}", copy);
            }
        }
    }

    [Fact]
    public void Npz_whose_end_record_miscounts_its_entries_is_invalid()
    {
        // Reproducer: the central directory is read lazily, so this used to escape as InvalidDataException.
        byte[] archive = NpzBytes(CompressionLevel.NoCompression, NpyImages(), NpyLabels());
        int end = archive.Length - 22;
        Assert.Equal(0x06054b50u, BinaryPrimitives.ReadUInt32LittleEndian(archive.AsSpan(end)));
        BinaryPrimitives.WriteUInt16LittleEndian(archive.AsSpan(end + 8), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(archive.AsSpan(end + 10), 3);
        string path = _dir.File("miscounted.npz");
        File.WriteAllBytes(path, archive);

        AssertInvalid(path, "zip", () => NpyDataset.OpenNpz(path, DatasetSplit.Test));
    }

    // ---------- image folders ----------

    private static byte[] GrayPng() => Image(6, 5, 1, Pattern(30));

    private static byte[] RgbJpeg() => Image(8, 8, 3, Pattern(192), SKEncodedImageFormat.Jpeg);

    /// <summary>
    /// An image folder whose class <c>b</c> holds the mutant as <c>0.png</c>: alone (so its header decides the
    /// sample shape), or after a valid image of class <c>a</c> of the size the mutant claims.
    /// </summary>
    private void CheckImageFolder(Tally tally, string what, byte[] mutant, byte[]? valid)
    {
        string root = _dir.File("images");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        if (valid is not null)
        {
            File.WriteAllBytes(_dir.File("images", "a", "0.png"), valid);
        }
        File.WriteAllBytes(_dir.File("images", "b", "0.png"), mutant);
        Check(tally, what, () => ImageFolderDataset.Open(root, ImageDecoder));
    }

    /// <summary>
    /// PNGs whose IHDR width or height (big-endian at bytes 16 and 20) is huge, zero or off by one, with the chunk's
    /// CRC (bytes 29..32, over bytes 12..28) left stale or recomputed so that the decoder believes the lie.
    /// </summary>
    private static IEnumerable<(string What, byte[] Bytes)> PngSizeLies(byte[] png)
    {
        foreach (var (name, offset) in new[] { ("width", 16), ("height", 20) })
        {
            uint actual = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            foreach (uint lie in new uint[] { 0, 1, actual - 1, actual + 1, 1025, 8192, 8193, 65535, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF })
            {
                byte[] copy = (byte[])png.Clone();
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), lie);
                yield return ($"IHDR {name} = {lie}, stale CRC", (byte[])copy.Clone());
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(copy.AsSpan(12, 17)));
                yield return ($"IHDR {name} = {lie}", copy);
            }
        }
        byte[] square = (byte[])png.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(square.AsSpan(16), 8192);
        BinaryPrimitives.WriteUInt32BigEndian(square.AsSpan(20), 8192);
        BinaryPrimitives.WriteUInt32BigEndian(square.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(square.AsSpan(12, 17)));
        yield return ("IHDR 8192×8192", square);
    }

    private static IEnumerable<(string What, byte[] Bytes)> NotImages() =>
    [
        ("zero bytes", []),
        ("text", "class,label\n0,1\n"u8.ToArray()),
        ("garbage", Pattern(512)),
        ("png magic only", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("jpeg magic only", [0xFF, 0xD8, 0xFF]),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Corrupt_images_load_or_fail_with_InvalidDatasetException(bool afterAValidImage)
    {
        var rng = new Random(afterAValidImage ? 61 : 59);
        var tally = new Tally();
        byte[] png = GrayPng();
        byte[] jpeg = RgbJpeg();
        CheckImageFolder(tally, "valid", png, afterAValidImage ? png : null);
        Assert.Equal(1, tally.Loaded);

        IEnumerable<(string What, byte[] Bytes)> pngCases = Truncations(png, rng).Concat(BitFlips(png, rng, 200)).Concat(PngSizeLies(png))
            .Concat(NotImages());
        foreach (var (what, bytes) in pngCases)
        {
            CheckImageFolder(tally, $"png {what}", bytes, afterAValidImage ? png : null);
        }
        foreach (var (what, bytes) in Truncations(jpeg, rng, 120).Concat(BitFlips(jpeg, rng, 120)))
        {
            CheckImageFolder(tally, $"jpeg {what}", bytes, afterAValidImage ? jpeg : null);
        }

        Assert.True(tally.Total > 500, $"{tally.Total} cases");
        Assert.True(tally.Rejected > tally.Total / 4, $"only {tally.Rejected} of {tally.Total} rejected");
    }

    [Fact]
    public void Image_folder_with_an_empty_class_folder_is_invalid()
    {
        File.WriteAllBytes(_dir.File("images", "a", "0.png"), GrayPng());
        Directory.CreateDirectory(Path.Combine(_dir.Path, "images", "b"));
        File.WriteAllBytes(_dir.File("images", "c", "0.png"), GrayPng());
        File.WriteAllText(_dir.File("images", "d", ".hidden"), "only hidden files");

        var ex = AssertInvalid(Path.Combine(_dir.Path, "images", "b"), "no images",
            () => ImageFolderDataset.Open(Path.Combine(_dir.Path, "images"), ImageDecoder));
        Assert.Contains("'d'", ex.Message, StringComparison.Ordinal);
    }

    // ---------- arguments ----------

    [Fact]
    public void Bad_batch_arguments_throw_typed_exceptions()
    {
        var (x, y) = WriteIdxPair(_dir, count: 3, rows: 2, cols: 2);
        IDataset ds = IdxDataset.Open(x, y);
        foreach (int size in new[] { 0, -1, int.MinValue })
        {
            Assert.Throws<InvalidOptionException>(() => ds.Batches(size).ToList());
        }
        Assert.Throws<InvalidOptionException>(() => ds.Batches(2, -1).ToList());
    }
}
