using Ann2Snn.Tensors;

namespace Ann2Snn.Data;

/// <summary>
/// Turns a data set specification, as a user types it, into an <see cref="IDataset"/>:
/// <list type="bullet">
/// <item><c>mnist</c>, <c>fashion-mnist</c>: the gzipped IDX files bundled under the repository's <c>data/</c>
/// folder (found from <see cref="DataEnvironmentVariable"/>, else by walking up from the application and
/// current directories);</item>
/// <item>a folder: IDX files named as MNIST's, or else an image folder (one sub-folder per class), read with the
/// caller's <see cref="IImageDecoder"/>;</item>
/// <item>an <c>.npz</c> file (members <c>x_test</c>/<c>y_test</c>, <c>x</c>/<c>y</c>, …);</item>
/// <item><c>images,labels</c>: two <c>.npy</c> files, or two IDX files.</item>
/// </list>
/// </summary>
public static class DatasetResolver
{
    /// <summary>Names a folder holding the bundled data sets (<c>mnist/</c>, <c>fashion-mnist/</c>).</summary>
    public const string DataEnvironmentVariable = "ANN2SNN_DATA";

    /// <summary>The names of the bundled data sets.</summary>
    public static IReadOnlyList<string> BundledNames { get; } = ["mnist", "fashion-mnist"];

    /// <summary>Opens the data set <paramref name="spec"/> names.</summary>
    /// <param name="spec">the data set, in one of the forms above.</param>
    /// <param name="split">the split of a bundled set, an IDX folder or an <c>.npz</c>.</param>
    /// <param name="options">the scale and the channels of the samples.</param>
    /// <param name="imageDecoder">reads the files of an image folder (e.g. <c>Ann2Snn.Reports.Imaging.SkiaImageDecoder</c>);
    /// without one, an image folder is refused.</param>
    /// <exception cref="InvalidOptionException">the spec is none of the forms above, or names no existing file.</exception>
    /// <exception cref="InvalidDatasetException">the files exist but are bad, the bundled data cannot be found, or an image
    /// folder is given without a decoder.</exception>
    public static IDataset Open(string spec, DatasetSplit split, DataOptions? options = null, IImageDecoder? imageDecoder = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string trimmed = spec.Trim();
        string? bundled = BundledNames.FirstOrDefault(n => n.Equals(trimmed, StringComparison.OrdinalIgnoreCase));
        if (bundled is not null)
        {
            return OpenBundled(bundled, split, options, Environment.GetEnvironmentVariable(DataEnvironmentVariable),
                [AppContext.BaseDirectory, Directory.GetCurrentDirectory()]);
        }
        if (trimmed.Contains(',', StringComparison.Ordinal))
        {
            string[] parts = trimmed.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts.Any(p => p.Length == 0))
            {
                throw Refuse(spec, "a pair must be written 'images,labels'");
            }
            foreach (string part in parts)
            {
                if (!File.Exists(part))
                {
                    throw Refuse(spec, $"no such file '{part}'");
                }
            }
            bool npy = parts.All(p => p.EndsWith(".npy", StringComparison.OrdinalIgnoreCase));
            return npy ? NpyDataset.Open(parts[0], parts[1], options) : IdxDataset.Open(parts[0], parts[1], options);
        }
        if (Directory.Exists(trimmed))
        {
            if (IdxDataset.TryFindPair(trimmed, split, out string? images, out string? labels))
            {
                return IdxDataset.Open(images, labels, options);
            }
            return imageDecoder is null
                ? throw DataIO.Error(trimmed, "holds no IDX files, so it is an image folder, and image folders need an image decoder "
                    + "(e.g. Ann2Snn.Reports.Imaging.SkiaImageDecoder); none was given")
                : ImageFolderDataset.Open(trimmed, imageDecoder, options);
        }
        if (trimmed.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(trimmed))
            {
                throw Refuse(spec, "no such file");
            }
            return NpyDataset.OpenNpz(trimmed, split, options);
        }
        if (File.Exists(trimmed))
        {
            throw Refuse(spec, "a single file holds no labels; give an .npz, a folder, or 'images,labels'");
        }
        throw Refuse(spec, "no such file or folder");
    }

    /// <summary>
    /// Opens a bundled data set: <c>&lt;data&gt;/&lt;name&gt;/</c> holding <c>t10k-*</c> (test) and <c>train-*</c>
    /// (train) IDX files, where <c>&lt;data&gt;</c> is <paramref name="dataOverride"/> when set, else the first
    /// <c>data/</c> folder with a <c>&lt;name&gt;</c> sub-folder found walking up from each start folder.
    /// </summary>
    internal static IDataset OpenBundled(string name, DatasetSplit split, DataOptions? options, string? dataOverride,
        IEnumerable<string> startFolders)
    {
        string? folder;
        if (!string.IsNullOrEmpty(dataOverride))
        {
            folder = Path.Combine(dataOverride, name);
            if (!Directory.Exists(folder))
            {
                ThrowHelper.InvalidOption(DataEnvironmentVariable, $"'{dataOverride}' has no '{name}' folder");
            }
        }
        else
        {
            startFolders = startFolders.Select(f => Path.TrimEndingDirectorySeparator(Path.GetFullPath(f)))
                .Distinct(StringComparer.Ordinal).ToArray();
            folder = startFolders.Select(start => FindUp(start, Path.Combine("data", name))).FirstOrDefault(f => f is not null);
            if (folder is null)
            {
                throw new InvalidDatasetException($"{name}: bundled data not found: no data/{name} "
                    + $"folder above {string.Join(" or ", startFolders)}; set {DataEnvironmentVariable} to the data folder");
            }
        }
        IDataset dataset = IdxDataset.OpenDirectory(folder, split, options);
        return new DescribedDataset(dataset, $"{name} ({split.ToString().ToLowerInvariant()})");
    }

    private static string? FindUp(string start, string relative)
    {
        for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static InvalidOptionException Refuse(string spec, string problem) =>
        new($"option 'dataset': '{spec}': {problem}; expected {string.Join(", ", BundledNames)}, "
            + "a folder, an .npz file, or 'images.npy,labels.npy'");

    /// <summary>A data set under another description.</summary>
    private sealed class DescribedDataset(IDataset inner, string description) : IDataset, IRescalable
    {
        public string Description => description;
        public Shape SampleShape => inner.SampleShape;
        public int Count => inner.Count;
        public int ClassCount => inner.ClassCount;
        public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null) => inner.Batches(batchSize, limit);

        public IDataset? WithScale(float scale) =>
            inner is IRescalable r && r.WithScale(scale) is { } scaled ? new DescribedDataset(scaled, description) : null;
    }
}
