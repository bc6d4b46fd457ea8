using Ann2Snn.Data;
using Ann2Snn.Tensors;
using SkiaSharp;
using static Ann2Snn.Tests.Data.DataFiles;

namespace Ann2Snn.Tests.Data;

public sealed class ImageFolderDatasetTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteImage(string className, string fileName, int width, int height, int channels, byte[] pixels,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        string path = _dir.File(className, fileName);
        File.WriteAllBytes(path, Image(width, height, channels, pixels, format));
        return path;
    }

    private static byte[] Gray(int seed, int n) => Enumerable.Range(0, n).Select(i => (byte)((i * 37) + (seed * 11))).ToArray();

    [Fact]
    public void Grayscale_pngs_give_one_channel_with_sorted_class_indices()
    {
        // Classes sort ordinally: "a-cat" = 0, "b-dog" = 1; files within a class too.
        WriteImage("b-dog", "2.png", 4, 3, 1, Gray(3, 12));
        WriteImage("a-cat", "1.png", 4, 3, 1, Gray(2, 12));
        WriteImage("a-cat", "0.png", 4, 3, 1, Gray(1, 12));
        File.WriteAllText(_dir.File("a-cat", ".DS_Store"), "hidden files are ignored");
        File.WriteAllText(_dir.File("README.txt"), "files in the root are ignored");

        ImageFolderDataset ds = ImageFolderDataset.Open(_dir.Path, ImageDecoder);

        Assert.Equal(new Shape(1, 3, 4), ds.SampleShape);
        Assert.Equal(["a-cat", "b-dog"], ds.ClassNames);
        Assert.Equal(2, ds.ClassCount);
        Assert.Equal(3, ds.Count);
        var (data, labels, counts) = ReadAll(ds, 2);
        Assert.Equal([2, 1], counts);
        Assert.Equal([0, 0, 1], labels);
        Assert.Equal(Gray(1, 12).Concat(Gray(2, 12)).Concat(Gray(3, 12)).Select(b => b / 255f), data);
        Assert.Equal(Gray(1, 12).Select(b => b / 255f), ReadAll(ds, 5, limit: 1).Data);
    }

    [Fact]
    public void Rgb_pngs_give_three_planes_and_can_be_forced_to_gray()
    {
        // Two pixels: pure red and (10, 20, 30).
        byte[] rgb = [255, 0, 0, 10, 20, 30];
        WriteImage("c", "x.png", 2, 1, 3, rgb);

        ImageFolderDataset ds = ImageFolderDataset.Open(_dir.Path, ImageDecoder);
        Assert.Equal(new Shape(3, 1, 2), ds.SampleShape);
        Assert.Equal(new float[] { 255, 10, 0, 20, 0, 30 }.Select(v => v / 255f), ReadAll(ds, 1).Data);

        var gray = ImageFolderDataset.Open(_dir.Path, ImageDecoder, new DataOptions { Color = ImageColorMode.Grayscale, Scale = 1f });
        Assert.Equal(new Shape(1, 1, 2), gray.SampleShape);
        // Luma (299 R + 587 G + 114 B + 500) / 1000: 76 for red, 18 for (10, 20, 30).
        Assert.Equal([76f, 18f], ReadAll(gray, 1).Data);
    }

    [Fact]
    public void Gray_images_can_be_forced_to_rgb()
    {
        WriteImage("c", "x.png", 2, 2, 1, [0, 64, 128, 255]);
        var ds = ImageFolderDataset.Open(_dir.Path, ImageDecoder, new DataOptions { Color = ImageColorMode.Rgb, Scale = 1f });
        Assert.Equal(new Shape(3, 2, 2), ds.SampleShape);
        Assert.Equal([0f, 64, 128, 255, 0, 64, 128, 255, 0, 64, 128, 255], ReadAll(ds, 1).Data);
    }

    [Fact]
    public void Jpeg_files_decode()
    {
        WriteImage("c", "flat.jpg", 8, 8, 1, Enumerable.Repeat((byte)100, 64).ToArray(), SKEncodedImageFormat.Jpeg);
        var ds = ImageFolderDataset.Open(_dir.Path, ImageDecoder, new DataOptions { Scale = 1f });
        Assert.Equal(new Shape(1, 8, 8), ds.SampleShape);
        Assert.All(ReadAll(ds, 1).Data, v => Assert.InRange(v, 98f, 102f));
    }

    [Fact]
    public void Non_image_file_is_refused_naming_it()
    {
        WriteImage("c", "a.png", 2, 2, 1, new byte[4]);
        string text = _dir.File("c", "notes.txt");
        File.WriteAllText(text, "not an image");
        AssertInvalid(text, "not a decodable image", () => ImageFolderDataset.Open(_dir.Path, ImageDecoder));

        File.Delete(text);
        string fake = _dir.File("c", "fake.png");
        File.WriteAllBytes(fake, Pattern(100));
        AssertInvalid(fake, "not a decodable image", () => ImageFolderDataset.Open(_dir.Path, ImageDecoder));
    }

    [Fact]
    public void Truncated_png_is_refused_naming_it()
    {
        WriteImage("c", "a.png", 16, 16, 1, Gray(1, 256));
        string cut = WriteImage("c", "b.png", 16, 16, 1, Gray(2, 256));
        byte[] bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length - 30)]);
        AssertInvalid(cut, "", () => OpenAndRead(() => ImageFolderDataset.Open(_dir.Path, ImageDecoder)));
    }

    [Fact]
    public void Mismatched_sizes_are_refused_naming_the_first_mismatch()
    {
        WriteImage("a", "0.png", 4, 4, 1, new byte[16]);
        WriteImage("a", "1.png", 4, 4, 1, new byte[16]);
        string odd = WriteImage("b", "0.png", 4, 5, 1, new byte[20]);
        WriteImage("b", "1.png", 3, 3, 1, new byte[9]);
        var ex = AssertInvalid(odd, "is 4×5", () => ImageFolderDataset.Open(_dir.Path, ImageDecoder));
        Assert.Contains("4×4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Folders_without_classes_or_images_are_refused()
    {
        File.WriteAllBytes(_dir.File("loose.png"), Image(2, 2, 1, new byte[4]));
        AssertInvalid(_dir.Path, "no class sub-folders", () => ImageFolderDataset.Open(_dir.Path, ImageDecoder));
        Directory.CreateDirectory(Path.Combine(_dir.Path, "empty-class"));
        AssertInvalid(_dir.Path, "hold no image files", () => ImageFolderDataset.Open(_dir.Path, ImageDecoder));
        string missing = Path.Combine(_dir.Path, "nope");
        AssertInvalid(missing, "cannot list", () => ImageFolderDataset.Open(missing, ImageDecoder));
    }
}
