using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// A data set of image files (PNG, JPEG, or anything else the <see cref="IImageDecoder"/> reads), one sub-folder per class: class
/// indices follow the ordinal order of the folder names, samples the ordinal order of the file names within
/// each class. Every class folder must hold at least one image, every non-hidden file in it must be an image,
/// and all images must have the same size. Files directly in the root are ignored. Headers are checked when
/// opened (sizes against the limits and against the file's length); pixels are decoded batch by batch.
/// </summary>
public sealed class ImageFolderDataset : IDataset, IRescalable
{
    /// <summary>Largest image we decode (8192 × 8192 pixels).</summary>
    private const long MaxPixels = 1L << 26;

    /// <summary>
    /// Most pixels one byte of an image file can plausibly encode: a 1-bit PNG at deflate's maximal ratio of about
    /// 1032:1. A header claiming more (for an image over <see cref="SmallImagePixels"/>) is lying, and would make us
    /// allocate for pixels the file cannot hold.
    /// </summary>
    private const long MaxPixelsPerByte = 8 * 1032;

    /// <summary>Images up to this many pixels (1024 × 1024) are decoded whatever their file size.</summary>
    private const long SmallImagePixels = 1L << 20;

    private readonly IImageDecoder _decoder;
    private readonly string[] _files;
    private readonly int[] _labels;
    private readonly bool _grayscale;
    private readonly int _width;
    private readonly int _height;
    private readonly float _scale;

    private ImageFolderDataset(string root, IImageDecoder decoder, string[] classNames, string[] files, int[] labels,
        int width, int height, bool grayscale, float scale)
    {
        Description = root;
        _decoder = decoder;
        ClassNames = classNames;
        _files = files;
        _labels = labels;
        _grayscale = grayscale;
        (_width, _height) = (width, height);
        _scale = scale;
        SampleShape = new Shape(grayscale ? 1 : 3, height, width);
    }

    public string Description { get; }
    public Shape SampleShape { get; }
    public int Count => _files.Length;
    public int ClassCount => ClassNames.Count;

    /// <summary>The class folder names, in class-index order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Lists the class folders and images under <paramref name="root"/> and checks every image's header.</summary>
    /// <param name="root">the folder holding one sub-folder of images per class.</param>
    /// <param name="decoder">reads the image files, now (headers) and when batches are read (pixels).</param>
    /// <param name="options">the scale and the channels of the samples.</param>
    /// <exception cref="InvalidDatasetException">no class folders, an empty class folder, a file that is not an image (or whose
    /// header claims more pixels than the file can hold), or images of different sizes.</exception>
    public static ImageFolderDataset Open(string root, IImageDecoder decoder, DataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(decoder);
        options ??= DataOptions.Default;
        string[] classDirs = List(root, Directory.GetDirectories);
        if (classDirs.Length == 0)
        {
            throw DataIO.Error(root, "has no class sub-folders; an image folder holds one sub-folder of images per class");
        }
        var files = new List<string>();
        var labels = new List<int>();
        var emptyClasses = new List<string>();
        for (int c = 0; c < classDirs.Length; c++)
        {
            int before = files.Count;
            foreach (string file in List(classDirs[c], Directory.GetFiles))
            {
                files.Add(file);
                labels.Add(c);
            }
            if (files.Count == before) emptyClasses.Add(classDirs[c]);
        }
        if (files.Count == 0)
        {
            throw DataIO.Error(root, $"its {classDirs.Length} class folders hold no image files");
        }
        if (emptyClasses.Count > 0)
        {
            // As torchvision's ImageFolder: a class without samples is more likely a mistake than a design.
            string empty = ThrowHelper.Printable(string.Join(", ", emptyClasses.Select(d => $"'{Path.GetFileName(d)}'")), 300);
            throw DataIO.Error(emptyClasses[0], $"class folder holds no images (empty class folders: {empty}); "
                + "every class needs at least one image");
        }

        int width = 0, height = 0;
        bool allGray = true;
        foreach (string file in files)
        {
            using IEncodedImage info = OpenImage(decoder, file);
            long pixels = (long)info.Width * info.Height, length = FileLength(file);
            if (pixels > SmallImagePixels && pixels > length * MaxPixelsPerByte)
            {
                throw DataIO.Error(file, $"header claims {info.Width}×{info.Height} pixels, "
                    + $"more than its {length} bytes can encode; the file is corrupt");
            }
            if (width == 0)
            {
                (width, height) = (info.Width, info.Height);
                if (info.Width <= 0 || info.Height <= 0 || (long)info.Width * info.Height > MaxPixels)
                {
                    throw DataIO.Error(file, $"image of {info.Width}×{info.Height} pixels; the limit is {MaxPixels} pixels");
                }
            }
            else if (info.Width != width || info.Height != height)
            {
                throw DataIO.Error(file, $"image is {info.Width}×{info.Height} but {files[0]} is {width}×{height}; "
                    + "all images must have the same size");
            }
            allGray &= info.Grayscale;
        }

        bool grayscale = options.Color switch
        {
            ImageColorMode.Grayscale => true,
            ImageColorMode.Rgb => false,
            _ => allGray,
        };
        string[] names = classDirs.Select(Path.GetFileName).Select(n => n!).ToArray();
        return new ImageFolderDataset(root, decoder, names, [.. files], [.. labels],
            width, height, grayscale, options.Scale ?? InputPreprocessing.DefaultScale(unsignedBytes: true));
    }

    IDataset IRescalable.WithScale(float scale) =>
        new ImageFolderDataset(Description, _decoder, [.. ClassNames], _files, _labels, _width, _height, _grayscale, scale);

    public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
    {
        int total = TensorDataset.CheckBatchArguments(batchSize, limit, Count, SampleShape);
        return Read(batchSize, total);
    }

    private IEnumerable<DataBatch> Read(int batchSize, int total)
    {
        int sampleSize = SampleShape.Size;
        int pixels = SampleShape.Height * SampleShape.Width;
        byte[] rgba = new byte[pixels * 4];
        for (int start = 0; start < total; start += batchSize)
        {
            int n = Math.Min(batchSize, total - start);
            float[] data = new float[n * sampleSize];
            for (int i = 0; i < n; i++)
            {
                Decode(_files[start + i], rgba);
                Span<float> sample = data.AsSpan(i * sampleSize, sampleSize);
                if (_grayscale)
                {
                    ToGray(rgba, sample);
                }
                else
                {
                    ToPlanarRgb(rgba, sample, pixels);
                }
            }
            DataIO.ApplyScale(data, _scale);
            yield return new DataBatch(data, _labels.AsSpan(start, n).ToArray(), n);
        }
    }

    private static void ToGray(ReadOnlySpan<byte> rgba, Span<float> sample)
    {
        for (int p = 0; p < sample.Length; p++)
        {
            int luma = ((299 * rgba[4 * p]) + (587 * rgba[(4 * p) + 1]) + (114 * rgba[(4 * p) + 2]) + 500) / 1000;
            sample[p] = luma;
        }
    }

    private static void ToPlanarRgb(ReadOnlySpan<byte> rgba, Span<float> sample, int pixels)
    {
        for (int c = 0; c < 3; c++)
        {
            Span<float> plane = sample.Slice(c * pixels, pixels);
            for (int p = 0; p < pixels; p++)
            {
                plane[p] = rgba[(4 * p) + c];
            }
        }
    }

    /// <summary>Decodes one image as unpremultiplied RGBA into <paramref name="rgba"/> (sized for this data set).</summary>
    private void Decode(string file, byte[] rgba)
    {
        using IEncodedImage image = OpenImage(_decoder, file);
        if (image.Width != SampleShape.Width || image.Height != SampleShape.Height)
        {
            throw DataIO.Error(file, $"image is now {image.Width}×{image.Height}, not {SampleShape.Width}×{SampleShape.Height} "
                + "as when the data set was opened");
        }
        try
        {
            image.DecodeRgba(rgba);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw DataIO.Error(file, ex.Message, ex);
        }
    }

    private static IEncodedImage OpenImage(IImageDecoder decoder, string file)
    {
        try
        {
            return decoder.Open(file);
        }
        catch (InvalidDataException ex)
        {
            throw DataIO.Error(file, $"not a decodable image ({ex.Message}); class folders must hold only PNG or JPEG files", ex);
        }
        catch (Exception ex) when (DataIO.IsIOError(ex))
        {
            throw DataIO.Error(file, $"cannot read: {ex.Message}", ex);
        }
    }

    private static long FileLength(string file)
    {
        try
        {
            return new FileInfo(file).Length;
        }
        catch (Exception ex) when (DataIO.IsIOError(ex))
        {
            throw DataIO.Error(file, $"cannot read: {ex.Message}", ex);
        }
    }

    /// <summary>Non-hidden entries of a folder, in ordinal order.</summary>
    private static string[] List(string directory, Func<string, string[]> list)
    {
        string[] entries;
        try
        {
            entries = list(directory);
        }
        catch (Exception ex) when (DataIO.IsIOError(ex))
        {
            throw DataIO.Error(directory, $"cannot list: {ex.Message}", ex);
        }
        entries = entries.Where(e => !Path.GetFileName(e).StartsWith('.')).ToArray();
        Array.Sort(entries, StringComparer.Ordinal);
        return entries;
    }
}
