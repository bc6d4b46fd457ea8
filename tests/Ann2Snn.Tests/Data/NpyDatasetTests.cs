using System.IO.Compression;
using Ann2Snn.Data;
using Ann2Snn.Tensors;
using static Ann2Snn.Tests.Data.DataFiles;

namespace Ann2Snn.Tests.Data;

public sealed class NpyDatasetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (string Images, string Labels) WritePair(byte[] images, byte[] labels)
    {
        string x = _dir.File("x.npy");
        string y = _dir.File("y.npy");
        File.WriteAllBytes(x, images);
        File.WriteAllBytes(y, labels);
        return (x, y);
    }

    private static float[] Floats(int n) => Enumerable.Range(0, n).Select(i => (i * 0.25f) - 1f).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Reads_float_nchw_as_is_in_every_format_version(int major)
    {
        float[] values = Floats(5 * 2 * 2 * 3);
        var (x, y) = WritePair(
            Npy("<f4", [5, 2, 2, 3], Bytes(values), major),
            Npy("<i8", [5], Bytes(3L, 1L, 4L, 1L, 5L), major));

        IDataset ds = NpyDataset.Open(x, y);

        Assert.Equal(new Shape(2, 2, 3), ds.SampleShape);
        Assert.Equal(5, ds.Count);
        Assert.Equal(6, ds.ClassCount);
        var (data, labels, counts) = ReadAll(ds, 2);
        Assert.Equal([2, 2, 1], counts);
        Assert.Equal(values, data);
        Assert.Equal([3, 1, 4, 1, 5], labels);
    }

    [Fact]
    public void Uint8_images_become_one_channel_scaled_by_1_over_255()
    {
        var (x, y) = WritePair(Npy("|u1", [3, 2, 2], Pattern(12)), Npy("<i4", [3, 1], Bytes(0, 2, 1)));

        IDataset ds = NpyDataset.Open(x, y);

        Assert.Equal(new Shape(1, 2, 2), ds.SampleShape);
        var (data, labels, _) = ReadAll(ds, 10, limit: 2);
        Assert.Equal(Pattern(8).Select(b => b / 255f), data);
        Assert.Equal([0, 2], labels);
    }

    [Fact]
    public void Double_and_big_endian_features_become_vectors()
    {
        double[] values = [0.5, -2, 1e-3, 4, 8, 16];
        var (x, y) = WritePair(Npy("<f8", [2, 3], Bytes(values)), Npy("<f4", [2], Bytes(1f, 0f)));
        IDataset ds = NpyDataset.Open(x, y);
        Assert.Equal(new Shape(3), ds.SampleShape);
        Assert.Equal(values.Select(v => (float)v), ReadAll(ds, 1).Data);
        Assert.Equal([1, 0], ReadAll(ds, 1).Labels);

        File.WriteAllBytes(x, Npy(">f4", [2, 2], BigEndianFloats(1.5f, -3f, 0.125f, 9f)));
        Assert.Equal([1.5f, -3f, 0.125f, 9f], ReadAll(NpyDataset.Open(x, y), 2).Data);
    }

    public static TheoryData<string, byte[]> EveryDtype() => new()
    {
        { "|u1", [1, 2, 250] },
        { "|i1", Bytes<sbyte>(1, 2, -6) },
        { "<u2", Bytes<ushort>(1, 2, 60000) },
        { "<i2", Bytes<short>(1, 2, -6) },
        { ">i2", [0, 1, 0, 2, 0xFF, 0xFA] },
        { "<u4", Bytes(1u, 2u, 4_000_000u) },
        { "<i4", Bytes(1, 2, -6) },
        { "<u8", Bytes(1ul, 2ul, 1ul << 40) },
        { "<i8", Bytes(1L, 2L, -6L) },
        { "<f2", Bytes((Half)1, (Half)2, (Half)(-6)) },
        { "<f4", Bytes(1f, 2f, -6f) },
        { ">f8", [0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0x18, 0, 0, 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(EveryDtype))]
    public void Every_numeric_dtype_converts_to_float(string descr, byte[] payload)
    {
        var (x, y) = WritePair(Npy(descr, [1, 3], payload), Npy("|u1", [1], [0]));
        float[] data = ReadAll(NpyDataset.Open(x, y, new DataOptions { Scale = 1f }), 1).Data;
        Assert.Equal([1f, 2f], data[..2]);
        float expected = descr[1..] switch { "u1" => 250, "u2" => 60000, "u4" => 4_000_000, "u8" => 1L << 40, _ => -6 };
        Assert.Equal(expected, data[2]);
    }

    [Fact]
    public void Reading_a_batch_does_not_load_the_whole_file()
    {
        // 2000 samples of 1×32×32 floats: an 8 MB file; the first batch of one sample must read about 4 KB.
        var (x, y) = WritePair(Npy("<f4", [2000, 1, 32, 32], new byte[2000 * 1024 * 4]), Npy("|u1", [2000], new byte[2000]));
        IDataset ds = NpyDataset.Open(x, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        DataBatch first = ds.Batches(1).First();
        Assert.Equal(1024, first.Data.Length);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (1 << 20), "reading one sample must not load the file");
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Reads_npz_with_split_and_explicit_keys(CompressionLevel level)
    {
        string npz = _dir.File("d.npz");
        float[] test = Floats(6);
        WriteNpz(npz, level,
            ("x_test.npy", Npy("<f4", [3, 2], Bytes(test))),
            ("y_test.npy", Npy("<i8", [3], Bytes(0L, 1L, 2L))),
            ("x_train.npy", Npy("|u1", [2, 2, 2], Pattern(8))),
            ("y_train.npy", Npy("|u1", [2], [1, 1])));

        IDataset ds = NpyDataset.OpenNpz(npz, DatasetSplit.Test);
        Assert.Equal(new Shape(2), ds.SampleShape);
        Assert.Equal(test, ReadAll(ds, 2).Data);
        Assert.Contains("x_test.npy", ds.Description, StringComparison.Ordinal);

        IDataset train = NpyDataset.OpenNpz(npz, DatasetSplit.Train);
        Assert.Equal(new Shape(1, 2, 2), train.SampleShape);
        Assert.Equal(Pattern(8).Select(b => b / 255f), ReadAll(train, 1).Data);

        IDataset explicitKeys = NpyDataset.OpenNpz(npz, "x_train", "y_train");
        Assert.Equal([1, 1], ReadAll(explicitKeys, 5).Labels);
    }

    [Fact]
    public void Npz_with_plain_x_y_serves_either_split_and_names_missing_keys()
    {
        string npz = _dir.File("d.npz");
        WriteNpz(npz, CompressionLevel.Fastest, ("x.npy", Npy("<f4", [1, 2], Bytes(1f, 2f))), ("y.npy", Npy("<i8", [1], Bytes(0L))));
        Assert.Equal(1, NpyDataset.OpenNpz(npz, DatasetSplit.Train).Count);
        Assert.Equal(1, NpyDataset.OpenNpz(npz, DatasetSplit.Test).Count);
        var ex = AssertInvalid(npz, "has no arrays 'a' and 'b'", () => NpyDataset.OpenNpz(npz, "a", "b"));
        Assert.Contains("it holds: x, y", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fortran_order_is_refused()
    {
        var (x, y) = WritePair(Npy("<f4", [2, 2], Bytes(1f, 2f, 3f, 4f), fortran: true), Npy("<i8", [2], Bytes(0L, 1L)));
        AssertInvalid(x, "fortran_order is True", () => NpyDataset.Open(x, y));
    }

    [Theory]
    [InlineData("<c8")]
    [InlineData("<U4")]
    [InlineData("O")]
    public void Unsupported_dtype_is_refused(string descr)
    {
        var (x, y) = WritePair(Npy(descr, [2, 1], new byte[16]), Npy("<i8", [2], Bytes(0L, 1L)));
        AssertInvalid(x, $"dtype '{descr}' is not supported", () => NpyDataset.Open(x, y));
    }

    [Fact]
    public void Structured_dtype_and_malformed_headers_are_refused()
    {
        var (x, y) = WritePair(Npy("", [2], new byte[8], dict: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"),
            Npy("<i8", [2], Bytes(0L, 1L)));
        AssertInvalid(x, "structured dtypes", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(x, Npy("", [2], new byte[8], dict: "{'descr': '<f4', 'shape': (2, 1), }"));
        AssertInvalid(x, "must have the keys", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(x, Npy("", [2], new byte[8], dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }"));
        AssertInvalid(x, "malformed NPY header", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(x, Npy("", [2], new byte[8], dict: "{'descr': '<f4', 'fortran_order': Nope, 'shape': (2, 1)}"));
        AssertInvalid(x, "expected True or False", () => NpyDataset.Open(x, y));
    }

    [Fact]
    public void Wrong_magic_and_version_are_refused()
    {
        byte[] good = Npy("<f4", [2, 1], Bytes(1f, 2f));
        var (x, y) = WritePair(good, Npy("<i8", [2], Bytes(0L, 1L)));
        byte[] bad = (byte[])good.Clone();
        bad[1] = (byte)'X';
        File.WriteAllBytes(x, bad);
        AssertInvalid(x, "not an NPY file", () => NpyDataset.Open(x, y));
        bad = (byte[])good.Clone();
        bad[6] = 4;
        File.WriteAllBytes(x, bad);
        AssertInvalid(x, "version 4.0 is not supported", () => NpyDataset.Open(x, y));
    }

    [Fact]
    public void Truncated_header_and_data_are_refused()
    {
        byte[] good = Npy("<f4", [4, 3], Bytes(Floats(12)));
        var (x, y) = WritePair(good[..7], Npy("<i8", [4], Bytes(0L, 1L, 2L, 3L)));
        AssertInvalid(x, "truncated", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(x, good[..40]); // the header text is cut
        AssertInvalid(x, "more than the file holds", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(x, good[..^4]);
        AssertInvalid(x, "truncated", () => NpyDataset.Open(x, y));
    }

    [Fact]
    public void Lying_shape_fails_fast_without_allocating()
    {
        var (x, y) = WritePair(Npy("<f8", [10_000_000_000, 1], new byte[64]), Npy("<i8", [2], Bytes(0L, 1L)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertInvalid(x, "exceeds the limit", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(x, Npy("<f8", [1_000_000_000, 10], new byte[64]));
        AssertInvalid(x, "truncated", () => NpyDataset.Open(x, y));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (1 << 20), "a lying header must not cause a large allocation");
    }

    [Theory]
    [InlineData("<f4", float.NaN)]
    [InlineData("<f4", float.PositiveInfinity)]
    [InlineData("<f8", float.NegativeInfinity)]
    [InlineData("<f2", float.PositiveInfinity)]
    public void Non_finite_values_are_refused_naming_the_sample(string descr, float bad)
    {
        float[] values = Floats(6);
        values[4] = bad;
        byte[] payload = descr switch
        {
            "<f8" => Bytes(values.Select(v => (double)v).ToArray()),
            "<f2" => Bytes(values.Select(v => (Half)v).ToArray()),
            _ => Bytes(values),
        };
        var (x, y) = WritePair(Npy(descr, [3, 2], payload), Npy("<i8", [3], Bytes(0L, 1L, 2L)));
        AssertInvalid(x, $"sample 2 element 0 is {bad}", () => OpenAndRead(() => NpyDataset.Open(x, y)));
    }

    [Fact]
    public void Empty_arrays_are_refused()
    {
        var (x, y) = WritePair(Npy("<f4", [0, 3], []), Npy("<i8", [0], []));
        AssertInvalid(x, "holds no samples", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(x, Npy("<f4", [2, 0], []));
        AssertInvalid(x, "dimension 1 is 0", () => NpyDataset.Open(x, y));
    }

    [Fact]
    public void Label_problems_are_refused()
    {
        var (x, y) = WritePair(Npy("<f4", [2, 1], Bytes(1f, 2f)), Npy("<i8", [3], Bytes(0L, 1L, 2L)));
        AssertInvalid(y, "holds 3 labels", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(y, Npy("<f4", [2], Bytes(1.5f, 0f)));
        AssertInvalid(y, "label 0 is 1.5", () => NpyDataset.Open(x, y));
        File.WriteAllBytes(y, Npy("<f4", [2, 10], new byte[80]));
        AssertInvalid(y, "expected [N] or [N, 1]", () => NpyDataset.Open(x, y));
    }

    [Fact]
    public void Corrupt_zip_is_refused()
    {
        string npz = _dir.File("bad.npz");
        File.WriteAllBytes(npz, Pattern(300));
        AssertInvalid(npz, "not a valid NPZ (zip) archive", () => NpyDataset.OpenNpz(npz, DatasetSplit.Test));

        // A well-formed archive whose compressed member bytes are damaged.
        WriteNpz(npz, CompressionLevel.Optimal,
            ("x.npy", Npy("<f4", [256, 16], Bytes(Floats(4096)))),
            ("y.npy", Npy("<i8", [256], new byte[2048])));
        byte[] bytes = File.ReadAllBytes(npz);
        for (int i = 200; i < 400; i++)
        {
            bytes[i] ^= 0x5A;
        }
        File.WriteAllBytes(npz, bytes);
        AssertInvalid(npz, "", () => OpenAndRead(() => NpyDataset.OpenNpz(npz, DatasetSplit.Test)));

        File.WriteAllBytes(npz, bytes[..^30]); // the central directory is cut
        AssertInvalid(npz, "not a valid NPZ (zip) archive", () => NpyDataset.OpenNpz(npz, DatasetSplit.Test));
    }

    [Fact]
    public void Npz_member_shorter_than_its_header_claims_is_truncated()
    {
        string npz = _dir.File("short.npz");
        WriteNpz(npz, CompressionLevel.Optimal,
            ("x.npy", Npy("<f4", [8, 2], Bytes(Floats(10)))),
            ("y.npy", Npy("<i8", [8], new byte[64])));
        AssertInvalid(npz, "truncated", () => NpyDataset.OpenNpz(npz, DatasetSplit.Test));
    }
}
