using System.IO.Compression;

namespace Ann2Snn.Data;

/// <summary>
/// Data sets stored as NumPy arrays: a pair of <c>.npy</c> files, or two members of an <c>.npz</c> archive.
/// Samples <c>[N, C, H, W]</c> are used as is, <c>[N, H, W]</c> become <c>[1, H, W]</c>, <c>[N, F]</c> become
/// <c>[F]</c>; labels are <c>[N]</c> (or <c>[N, 1]</c>) whole numbers of any integer or float type.
/// Labels are read and checked when opened; samples are streamed on each enumeration.
/// </summary>
public static class NpyDataset
{
    private static readonly (string Images, string Labels)[] TestKeys = [("x_test", "y_test"), ("x", "y"), ("images", "labels")];
    private static readonly (string Images, string Labels)[] TrainKeys = [("x_train", "y_train"), ("x", "y"), ("images", "labels")];

    /// <summary>Opens an images <c>.npy</c> and a labels <c>.npy</c>.</summary>
    /// <exception cref="InvalidDatasetException">either file is missing, malformed, truncated or inconsistent.</exception>
    public static IDataset Open(string imagesPath, string labelsPath, DataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        NpyHeader images;
        using (FileStream stream = DataIO.OpenFile(imagesPath))
        {
            images = NpyHeader.Read(stream, imagesPath, stream.Length, compressed: false);
        }
        var shape = DataIO.SampleShape(imagesPath, images.Dims);
        int[] labels;
        using (FileStream stream = DataIO.OpenFile(labelsPath))
        {
            NpyHeader header = NpyHeader.Read(stream, labelsPath, stream.Length, compressed: false);
            labels = TensorDataset.ReadLabels(stream, header.Type, header.Dims, labelsPath, images.Dims[0], imagesPath);
        }
        var source = new TensorSource(imagesPath,
            () => DataIO.SkipOrDispose(DataIO.OpenFile(imagesPath), images.Length, imagesPath), images.Type);
        return new TensorDataset(imagesPath, source, shape, labels, (options ?? DataOptions.Default).Scale ?? images.Type.DefaultScale);
    }

    /// <summary>
    /// Opens the members <paramref name="imagesKey"/> and <paramref name="labelsKey"/> (names without <c>.npy</c>) of an <c>.npz</c>.
    /// </summary>
    /// <exception cref="InvalidDatasetException">the archive or a member is missing, malformed, truncated or inconsistent.</exception>
    public static IDataset OpenNpz(string path, string imagesKey, string labelsKey, DataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(imagesKey);
        ArgumentNullException.ThrowIfNull(labelsKey);
        return OpenNpz(path, [(imagesKey, labelsKey)], options);
    }

    /// <summary>
    /// Opens an <c>.npz</c> with the usual member names of <paramref name="split"/>: the first pair present
    /// of <c>x_test</c>/<c>y_test</c> (or <c>x_train</c>/<c>y_train</c>), <c>x</c>/<c>y</c>, <c>images</c>/<c>labels</c>.
    /// </summary>
    /// <exception cref="InvalidDatasetException">the archive holds none of these pairs, or is bad.</exception>
    public static IDataset OpenNpz(string path, DatasetSplit split, DataOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return OpenNpz(path, split == DatasetSplit.Train ? TrainKeys : TestKeys, options);
    }

    private static IDataset OpenNpz(string path, (string Images, string Labels)[] candidates, DataOptions? options)
    {
        NpyHeader images;
        string imagesMember;
        int[] labels;
        using (ZipArchive zip = OpenZip(path, out long archiveLength))
        {
            (string Images, string Labels)? keys = null;
            foreach (var pair in candidates)
            {
                if (FindEntry(zip, pair.Images) is not null && FindEntry(zip, pair.Labels) is not null)
                {
                    keys = pair;
                    break;
                }
            }
            if (keys is null)
            {
                string held = ThrowHelper.Printable(string.Join(", ",
                    zip.Entries.Select(e => Path.GetFileNameWithoutExtension(e.FullName))), 300);
                string wanted = string.Join(" or ", candidates.Select(c => $"'{c.Images}' and '{c.Labels}'"));
                throw DataIO.Error(path, $"has no arrays {wanted}; it holds: {held}");
            }
            ZipArchiveEntry imagesEntry = FindEntry(zip, keys.Value.Images)!;
            imagesMember = imagesEntry.FullName;
            using (Stream stream = OpenMember(path, archiveLength, imagesEntry, out string name))
            {
                images = NpyHeader.Read(stream, name, imagesEntry.Length, compressed: false);
            }
            ZipArchiveEntry labelsEntry = FindEntry(zip, keys.Value.Labels)!;
            using (Stream stream = OpenMember(path, archiveLength, labelsEntry, out string labelsName))
            {
                NpyHeader header = NpyHeader.Read(stream, labelsName, labelsEntry.Length, compressed: false);
                labels = TensorDataset.ReadLabels(stream, header.Type, header.Dims, labelsName, images.Dims[0],
                    MemberName(path, imagesMember));
            }
        }
        string imagesName = MemberName(path, imagesMember);
        var shape = DataIO.SampleShape(imagesName, images.Dims);
        var source = new TensorSource(imagesName, () => OpenMemberAtData(path, imagesMember, images.Length), images.Type);
        return new TensorDataset(imagesName, source, shape, labels, (options ?? DataOptions.Default).Scale ?? images.Type.DefaultScale);
    }

    private static string MemberName(string path, string member) => $"{path}[{member}]";

    private static ZipArchiveEntry? FindEntry(ZipArchive zip, string key) => zip.GetEntry(key + ".npy") ?? zip.GetEntry(key);

    private static ZipArchive OpenZip(string path, out long archiveLength)
    {
        FileStream file = DataIO.OpenFile(path);
        try
        {
            archiveLength = file.Length;
            var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false);
            try
            {
                // The central directory is read lazily; read it now so its corruption is reported here.
                _ = zip.Entries.Count;
            }
            catch
            {
                zip.Dispose();
                throw;
            }
            return zip;
        }
        catch (Exception ex) when (DataIO.IsIOError(ex))
        {
            file.Dispose();
            throw DataIO.Error(path, $"not a valid NPZ (zip) archive: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Opens a member after checking that its declared sizes are possible: its compressed bytes fit in the
    /// archive and its declared length is within what deflate can expand them to. The member's NPY header is
    /// then checked against that declared length exactly.
    /// </summary>
    private static Stream OpenMember(string path, long archiveLength, ZipArchiveEntry entry, out string name)
    {
        name = MemberName(path, entry.FullName);
        if (entry.CompressedLength > archiveLength || entry.Length > (entry.CompressedLength * DataIO.MaxDeflateRatio) + 1024)
        {
            throw DataIO.Error(name, $"corrupt zip entry: it declares {entry.Length} bytes "
                + $"stored in {entry.CompressedLength} compressed bytes of a {archiveLength}-byte archive");
        }
        try
        {
            return entry.Open();
        }
        catch (Exception ex) when (DataIO.IsIOError(ex))
        {
            throw DataIO.Error(name, $"cannot read the zip entry: {ex.Message}", ex);
        }
    }

    private static Stream OpenMemberAtData(string path, string member, long headerLength)
    {
        ZipArchive zip = OpenZip(path, out long archiveLength);
        Stream entryStream;
        string name;
        try
        {
            ZipArchiveEntry entry = zip.GetEntry(member) ?? throw DataIO.Error(path, $"member {member} disappeared");
            entryStream = OpenMember(path, archiveLength, entry, out name);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
        return DataIO.SkipOrDispose(new OwningStream(entryStream, zip), headerLength, name);
    }
}
