using System.IO.Compression;
using Ann2Snn.Data;
using Ann2Snn.Reports.Imaging;
using Ann2Snn.Tensors;
using static Ann2Snn.Tests.Data.DataFiles;

namespace Ann2Snn.Tests.Data;

public sealed class DatasetResolverTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("cifar-1000")]
    [InlineData("no/such/folder")]
    [InlineData("missing.npz")]
    [InlineData("a.npy,")]
    [InlineData("a.npy,b.npy,c.npy")]
    public void Unknown_specs_are_invalid_options_naming_the_value(string spec)
    {
        var ex = Assert.Throws<InvalidOptionException>(() => DatasetResolver.Open(spec, DatasetSplit.Test));
        Assert.Contains($"'{spec}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("dataset", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_existing_file_is_refused_as_having_no_labels()
    {
        string npy = _dir.File("x.npy");
        File.WriteAllBytes(npy, Npy("<f4", [1, 1], Bytes(1f)));
        var ex = Assert.Throws<InvalidOptionException>(() => DatasetResolver.Open(npy, DatasetSplit.Test));
        Assert.Contains("no labels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pairs_of_npy_or_idx_files_open()
    {
        string x = _dir.File("x.npy");
        string y = _dir.File("y.npy");
        File.WriteAllBytes(x, Npy("<f4", [2, 3], Bytes(1f, 2f, 3f, 4f, 5f, 6f)));
        File.WriteAllBytes(y, Npy("<i8", [2], Bytes(0L, 1L)));
        Assert.Equal(new Shape(3), DatasetResolver.Open($"{x}, {y}", DatasetSplit.Test).SampleShape);

        var (images, labels) = WriteIdxPair(_dir, 3, 2, 2, gzip: true);
        Assert.Equal(3, DatasetResolver.Open($"{images},{labels}", DatasetSplit.Test).Count);

        var ex = Assert.Throws<InvalidOptionException>(() => DatasetResolver.Open($"{x},{y}.missing", DatasetSplit.Test));
        Assert.Contains("no such file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_of_idx_files_opens_the_requested_split()
    {
        WriteIdxPair(_dir, 3, 2, 2, gzip: true, prefix: "t10k");
        WriteIdxPair(_dir, 4, 2, 2, gzip: true, prefix: "train");
        Assert.Equal(3, DatasetResolver.Open(_dir.Path, DatasetSplit.Test).Count);
        Assert.Equal(4, DatasetResolver.Open(_dir.Path, DatasetSplit.Train).Count);
    }

    [Fact]
    public void A_folder_of_class_folders_is_an_image_folder()
    {
        File.WriteAllBytes(_dir.File("zero", "a.png"), Image(3, 2, 1, new byte[6]));
        File.WriteAllBytes(_dir.File("one", "b.png"), Image(3, 2, 1, new byte[6]));
        IDataset ds = DatasetResolver.Open(_dir.Path, DatasetSplit.Test, imageDecoder: ImageDecoder);
        Assert.IsType<ImageFolderDataset>(ds);
        Assert.Equal(new Shape(1, 2, 3), ds.SampleShape);
    }

    [Fact]
    public void An_image_folder_without_a_decoder_is_refused_naming_the_folder()
    {
        File.WriteAllBytes(_dir.File("zero", "a.png"), Image(3, 2, 1, new byte[6]));
        var ex = AssertInvalid(_dir.Path, "image decoder", () => DatasetResolver.Open(_dir.Path, DatasetSplit.Test));
        Assert.Contains(nameof(SkiaImageDecoder), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_npz_opens_by_split()
    {
        string npz = _dir.File("set.NPZ");
        WriteNpz(npz, CompressionLevel.Fastest,
            ("x_test.npy", Npy("|u1", [2, 2, 2], Pattern(8))), ("y_test.npy", Npy("|u1", [2], [0, 1])),
            ("x_train.npy", Npy("|u1", [3, 2, 2], Pattern(12))), ("y_train.npy", Npy("|u1", [3], [0, 1, 1])));
        Assert.Equal(2, DatasetResolver.Open(npz, DatasetSplit.Test).Count);
        Assert.Equal(3, DatasetResolver.Open(npz, DatasetSplit.Train).Count);
    }

    [Fact]
    public void Bundled_sets_are_found_by_walking_up_or_through_the_override()
    {
        WriteIdxPair(new TempDirView(_dir, "data", "fashion-mnist"), 3, 2, 2, gzip: true, prefix: "t10k");
        WriteIdxPair(new TempDirView(_dir, "data", "fashion-mnist"), 5, 2, 2, gzip: true, prefix: "train");
        string deep = Directory.CreateDirectory(Path.Combine(_dir.Path, "a", "b", "c")).FullName;

        using var elsewhere = new TempDir();
        IDataset test = DatasetResolver.OpenBundled("fashion-mnist", DatasetSplit.Test, null, null, [elsewhere.Path, deep]);
        Assert.Equal(3, test.Count);
        Assert.Equal("fashion-mnist (test)", test.Description);
        IDataset train = DatasetResolver.OpenBundled("fashion-mnist", DatasetSplit.Train, null, Path.Combine(_dir.Path, "data"), []);
        Assert.Equal(5, train.Count);

        var notFound = Assert.Throws<InvalidDatasetException>(
            () => DatasetResolver.OpenBundled("mnist", DatasetSplit.Test, null, null, [deep]));
        Assert.Contains(DatasetResolver.DataEnvironmentVariable, notFound.Message, StringComparison.Ordinal);
        var badOverride = Assert.Throws<InvalidOptionException>(
            () => DatasetResolver.OpenBundled("mnist", DatasetSplit.Test, null, deep, []));
        Assert.Contains(DatasetResolver.DataEnvironmentVariable, badOverride.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes into a sub-folder of a temp folder through the same helpers.</summary>
    private sealed class TempDirView(TempDir root, params string[] sub) : ITempFiles
    {
        public string File(params string[] parts) => root.File([.. sub, .. parts]);
    }
}
