using Ann2Snn.Data;
using Ann2Snn.Tensors;
using static Ann2Snn.Tests.Data.DataFiles;

namespace Ann2Snn.Tests.Data;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Reads_images_scaled_to_unit_range_with_labels(bool gzip)
    {
        var (images, labels) = WriteIdxPair(_dir, count: 5, rows: 3, cols: 2, classes: 4, gzip: gzip);

        IDataset ds = IdxDataset.Open(images, labels);

        Assert.Equal(new Shape(1, 3, 2), ds.SampleShape);
        Assert.Equal(5, ds.Count);
        Assert.Equal(4, ds.ClassCount);
        var (data, ys, counts) = ReadAll(ds, batchSize: 2);
        Assert.Equal([2, 2, 1], counts);
        Assert.Equal([0, 1, 2, 3, 0], ys);
        Assert.Equal(Pattern(30).Select(b => b / 255f), data);
        Assert.All(data, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Limit_reads_only_the_first_samples_and_enumerations_are_independent()
    {
        var (images, labels) = WriteIdxPair(_dir, count: 7, rows: 2, cols: 2, gzip: true);
        IDataset ds = IdxDataset.Open(images, labels);

        var (data, ys, counts) = ReadAll(ds, batchSize: 2, limit: 3);
        Assert.Equal([2, 1], counts);
        Assert.Equal([0, 1, 2], ys);
        Assert.Equal(Pattern(12).Select(b => b / 255f), data);

        Assert.Empty(ds.Batches(2, limit: 0));
        Assert.Equal(7, ReadAll(ds, batchSize: 100, limit: 1000).Labels.Length);
        Assert.Equal(ReadAll(ds, 3).Data, ReadAll(ds, 7).Data);
    }

    [Fact]
    public void Scale_option_overrides_the_default()
    {
        var (images, labels) = WriteIdxPair(_dir, count: 2, rows: 1, cols: 3);
        var (data, _, _) = ReadAll(IdxDataset.Open(images, labels, new DataOptions { Scale = 1f }), 8);
        Assert.Equal(Pattern(6).Select(b => (float)b), data);
    }

    [Fact]
    public void Reads_big_endian_float_images_and_int_labels_unscaled()
    {
        string images = _dir.File("f.idx");
        string labels = _dir.File("l.idx");
        float[] values = [0.5f, -1.25f, 3e5f, 0f, 7f, -0f];
        File.WriteAllBytes(images, Idx(IdxFloat, [2, 3], BigEndianFloats(values)));
        File.WriteAllBytes(labels, Idx(IdxInt, [2], BigEndianInts(9, 2)));

        IDataset ds = IdxDataset.Open(images, labels);

        Assert.Equal(new Shape(3), ds.SampleShape);
        Assert.Equal(10, ds.ClassCount);
        var (data, ys, _) = ReadAll(ds, 1);
        Assert.Equal(values, data);
        Assert.Equal([9, 2], ys);
    }

    [Fact]
    public void Rank_four_images_keep_their_channels()
    {
        string images = _dir.File("i.idx");
        string labels = _dir.File("l.idx");
        File.WriteAllBytes(images, Idx(IdxUByte, [2, 3, 2, 2], Pattern(24)));
        File.WriteAllBytes(labels, Idx(IdxUByte, [2], [1, 0]));
        Assert.Equal(new Shape(3, 2, 2), IdxDataset.Open(images, labels).SampleShape);
    }

    [Fact]
    public void Open_directory_finds_the_split_by_name()
    {
        WriteIdxPair(_dir, count: 3, rows: 2, cols: 2, gzip: true, prefix: "t10k");
        WriteIdxPair(_dir, count: 5, rows: 2, cols: 2, gzip: false, prefix: "train");

        Assert.Equal(3, IdxDataset.OpenDirectory(_dir.Path, DatasetSplit.Test).Count);
        Assert.Equal(5, IdxDataset.OpenDirectory(_dir.Path, DatasetSplit.Train).Count);
        using var empty = new TempDir();
        AssertInvalid(empty.Path, "no IDX test files", () => IdxDataset.OpenDirectory(empty.Path, DatasetSplit.Test));
    }

    [Fact]
    public void Wrong_magic_is_refused()
    {
        var (images, labels) = WriteIdxPair(_dir, 2, 2, 2);
        byte[] bytes = File.ReadAllBytes(images);
        bytes[0] = 0x12;
        File.WriteAllBytes(images, bytes);
        AssertInvalid(images, "not an IDX file", () => IdxDataset.Open(images, labels));

        bytes[0] = 0;
        bytes[2] = 0x0A; // no such type
        File.WriteAllBytes(images, bytes);
        AssertInvalid(images, "magic number 0x00000A03", () => IdxDataset.Open(images, labels));
    }

    [Fact]
    public void Truncated_header_is_refused()
    {
        var (images, labels) = WriteIdxPair(_dir, 2, 2, 2);
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..9]);
        AssertInvalid(images, "truncated", () => IdxDataset.Open(images, labels));
        File.WriteAllBytes(images, []);
        AssertInvalid(images, "truncated", () => IdxDataset.Open(images, labels));
    }

    [Fact]
    public void Truncated_raw_data_is_refused_when_opened()
    {
        var (images, labels) = WriteIdxPair(_dir, 4, 3, 3);
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..^5]);
        AssertInvalid(images, "truncated", () => IdxDataset.Open(images, labels));
    }

    [Fact]
    public void Truncated_gzip_data_is_refused_while_streaming()
    {
        var (images, labels) = WriteIdxPair(_dir, 4, 3, 3, gzip: true);
        byte[] raw = Idx(IdxUByte, [4, 3, 3], Pattern(36));
        File.WriteAllBytes(images, Gzip(raw[..^10]));

        IDataset ds = IdxDataset.Open(images, labels);
        Assert.Single(ds.Batches(2, limit: 2)); // the first samples are intact
        AssertInvalid(images, "truncated", () => ReadAll(ds, 2));
    }

    [Fact]
    public void Trailing_bytes_are_refused()
    {
        var (images, labels) = WriteIdxPair(_dir, 2, 2, 2);
        File.WriteAllBytes(labels, [.. File.ReadAllBytes(labels), 0, 0]);
        AssertInvalid(labels, "2 unexpected bytes", () => IdxDataset.Open(images, labels));
    }

    [Fact]
    public void Label_count_mismatch_is_refused()
    {
        var (images, _) = WriteIdxPair(_dir, 3, 2, 2);
        string labels = _dir.File("other-labels");
        File.WriteAllBytes(labels, Idx(IdxUByte, [2], [0, 1]));
        var ex = AssertInvalid(labels, "holds 2 labels", () => IdxDataset.Open(images, labels));
        Assert.Contains("3 samples", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lying_header_fails_fast_without_allocating()
    {
        var (images, labels) = WriteIdxPair(_dir, 2, 28, 28);
        byte[] raw = File.ReadAllBytes(images);
        // 2^31-1 images of 28×28 claims 1.7e12 bytes; a rank-3 header with count 10^10 does not even fit 32 bits,
        // so also claim 100000 images of 316×316 (about 10^10 bytes).
        File.WriteAllBytes(images, Idx(IdxUByte, [int.MaxValue, 28, 28], raw[16..]));
        string gz = _dir.File("lying.gz");
        File.WriteAllBytes(gz, Gzip(Idx(IdxUByte, [100_000, 316, 316], new byte[100])));

        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertInvalid(images, "truncated", () => IdxDataset.Open(images, labels));
        AssertInvalid(gz, "compressed bytes can hold", () => IdxDataset.Open(gz, labels));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < (1 << 20), "a lying header must not cause a large allocation");
    }

    [Fact]
    public void Absurd_dimensions_are_refused()
    {
        var (_, labels) = WriteIdxPair(_dir, 2, 2, 2);
        string images = _dir.File("absurd");
        File.WriteAllBytes(images, Idx(IdxUByte, [2, 0, 5], []));
        AssertInvalid(images, "must be positive", () => IdxDataset.Open(images, labels));
        File.WriteAllBytes(images, Idx(IdxUByte, [2, 65536, 65536], []));
        AssertInvalid(images, "elements per sample", () => IdxDataset.Open(images, labels));
        File.WriteAllBytes(images, Idx(IdxUByte, [uint.MaxValue, 1, 1], []));
        AssertInvalid(images, "exceeds the limit", () => IdxDataset.Open(images, labels));
        File.WriteAllBytes(images, Idx(IdxUByte, [0, 1, 1], []));
        AssertInvalid(images, "no samples", () => IdxDataset.Open(images, labels));
        File.WriteAllBytes(images, Idx(IdxUByte, [2], [1, 2]));
        AssertInvalid(images, "rank 1", () => IdxDataset.Open(images, labels));
    }

    [Fact]
    public void Bad_labels_are_refused()
    {
        var (images, labels) = WriteIdxPair(_dir, 2, 2, 2);
        File.WriteAllBytes(labels, Idx(IdxInt, [2], BigEndianInts(1, 70000)));
        AssertInvalid(labels, "label 1 is 70000", () => IdxDataset.Open(images, labels));
        File.WriteAllBytes(labels, Idx(IdxInt, [2], BigEndianInts(-1, 0)));
        AssertInvalid(labels, "label 0 is -1", () => IdxDataset.Open(images, labels));
        File.WriteAllBytes(labels, Idx(IdxUByte, [2, 3], new byte[6]));
        AssertInvalid(labels, "expected [N]", () => IdxDataset.Open(images, labels));
    }

    [Fact]
    public void Non_finite_float_data_is_refused_naming_the_sample()
    {
        var (_, labels) = WriteIdxPair(_dir, 2, 2, 2);
        string images = _dir.File("nan.idx");
        File.WriteAllBytes(images, Idx(IdxFloat, [2, 2], BigEndianFloats(1, 2, 3, float.NaN)));
        AssertInvalid(images, "sample 1 element 1 is NaN", () => OpenAndRead(() => IdxDataset.Open(images, labels)));
    }

    [Fact]
    public void Corrupt_gzip_is_refused()
    {
        var (images, labels) = WriteIdxPair(_dir, 2, 2, 2);
        File.WriteAllBytes(images, [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        AssertInvalid(images, "", () => OpenAndRead(() => IdxDataset.Open(images, labels)));
    }

    [Fact]
    public void Missing_file_is_an_invalid_dataset()
    {
        var (images, _) = WriteIdxPair(_dir, 2, 2, 2);
        string missing = Path.Combine(_dir.Path, "missing-labels");
        AssertInvalid(missing, "cannot open", () => IdxDataset.Open(images, missing));
    }

    [Fact]
    public void Bad_batch_arguments_are_invalid_options()
    {
        var (images, labels) = WriteIdxPair(_dir, 2, 2, 2);
        IDataset ds = IdxDataset.Open(images, labels);
        Assert.Throws<InvalidOptionException>(() => ds.Batches(0));
        Assert.Throws<InvalidOptionException>(() => ds.Batches(2, limit: -1));
        Assert.Equal(2, ReadAll(ds, int.MaxValue).Labels.Length); // a batch larger than the data set is fine
        var huge = Assert.Throws<InvalidOptionException>(
            () => TensorDataset.CheckBatchArguments(4096, null, 10_000, new Shape(3, 224, 224)));
        Assert.Contains("smaller batch", huge.Message, StringComparison.Ordinal);
    }
}
