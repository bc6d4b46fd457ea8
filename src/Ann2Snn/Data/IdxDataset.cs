using System.Text.RegularExpressions;

namespace Ann2Snn.Data;

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

        var source = new TensorSource(imagesPath,
            () => DataIO.SkipOrDispose(DataIO.OpenMaybeGzip(imagesPath, out _, out _), images.Length, imagesPath), images.Type);
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
            string expected = split == DatasetSplit.Test
                ? "t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]"
                : "train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]";
            throw DataIO.Error(directory, $"no IDX {split.ToString().ToLowerInvariant()} files; expected {expected}");
        }
        return Open(images, labels, options);
    }

    /// <summary>Finds the images and labels files of <paramref name="split"/> in a folder, if it has them.</summary>
    internal static bool TryFindPair(string directory, DatasetSplit split,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? images,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? labels)
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
            if (!m.Success
                || (m.Groups["split"].Value.Equals("train", StringComparison.OrdinalIgnoreCase) != (split == DatasetSplit.Train)))
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
