using PureHDF;
using PureHDF.VOL.Native;

namespace Ann2Snn.Nir;

/// <summary>
/// NIR files (".nir"): HDF5 with a scalar string dataset <c>/version</c> and the top-level graph in the group <c>/node</c>
/// (NIR_FORMAT.md §1–3). A node is a group with a scalar string dataset <c>type</c>, one dataset per field and an
/// optional <c>metadata</c> group; a graph also has a <c>nodes</c> group and an (N, 2) string dataset <c>edges</c>. No
/// attributes. Floats are written as float32 (float64 where a value was read as such), integers as int64, strings as
/// variable-length UTF-8.
/// <para>
/// <see cref="Write"/> writes a temporary file beside the destination and renames it over it: no partial file. <see cref="Read(string)"/>
/// treats the file as untrusted: its size is capped, every dataset's declared size is checked against the limits and
/// against what the file could hold before it is read, and anything the HDF5 layer raises on damaged input becomes an
/// <see cref="InvalidModelException"/> naming the file and the object being read.
/// </para>
/// </summary>
public static class NirFile
{
    /// <summary>The nir package version written to <c>/version</c> (the reference writer's release the layout follows).</summary>
    public const string WrittenVersion = "1.0.7";

    public const string Extension = ".nir";

    /// <summary>Largest file read (1 GiB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Largest dataset (2^28 values) and total of all datasets (2^30 values) read.</summary>
    public const long MaxDatasetElements = 1L << 28, MaxTotalElements = 1L << 30;

    /// <summary>Most nodes in one file, subgraphs included (graph walks recurse once per node).</summary>
    public const int MaxNodes = 4096;

    /// <summary>Deflate expands at most about 1032:1: a dataset declaring more than that of the file is lying.</summary>
    private const long MaxExpansion = 1032;

    /// <summary>
    /// Fewest bytes one stored chunk takes in a file: its index entry (at least an 8-byte address, in a fixed-array index; a
    /// version-1 B-tree entry takes 24 and more) and its data (at least 8 bytes even compressed: the deflate stream's header and
    /// checksum alone take 6). HDF5 File Format Specification, "Version 1 B-trees" and "Fixed Array Index".
    /// </summary>
    private const long MinChunkIndexBytes = 16;

    /// <summary>
    /// Whether a reader of this build takes a file of <paramref name="version"/>: the nir package releases 0.x and 1.x
    /// (the layout has not changed in them; a later major version may change it).
    /// </summary>
    public static bool IsKnownVersion(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        string[] parts = version.Split('.');
        return parts.Length is >= 2 and <= 4 && parts[0] is "0" or "1"
            && parts.Take(3).All(p => p.Length is > 0 and <= 6 && p.All(char.IsAsciiDigit));
    }

    public static void Write(NirGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new H5File { ["version"] = WrittenVersion, ["node"] = Group(graph) };
        AtomicFile.Write(path, stream => file.Write(stream));
    }

    private static H5Group Group(NirGraph graph)
    {
        var nodes = new H5Group();
        foreach (var (name, node) in graph.Nodes) nodes[name] = Group(node);
        var edges = new string[graph.Edges.Count, 2];
        for (int i = 0; i < graph.Edges.Count; i++) (edges[i, 0], edges[i, 1]) = graph.Edges[i];
        var group = new H5Group { ["type"] = NirSchema.Graph, ["nodes"] = nodes, ["edges"] = edges };
        if (graph.Metadata.Count > 0) group["metadata"] = Metadata(graph.Metadata);
        return group;
    }

    private static H5Group Group(NirNode node)
    {
        if (node.Subgraph is { } sub)
        {
            H5Group g = Group(sub);
            if (node.Metadata.Count > 0) g["metadata"] = Metadata(node.Metadata);
            return g;
        }
        var group = new H5Group { ["type"] = node.Type };
        foreach (var (field, value) in node.Fields) group[field] = Dataset(value);
        if (node.Metadata.Count > 0) group["metadata"] = Metadata(node.Metadata);
        return group;
    }

    private static H5Group Metadata(IReadOnlyDictionary<string, NirValue> metadata)
    {
        var group = new H5Group();
        foreach (var (key, value) in metadata) group[key] = Dataset(value);
        return group;
    }

    private static object Dataset(NirValue v)
    {
        ulong[] dims = [.. v.Shape.Select(d => (ulong)d)];
        if (v.Strings is { } s) return v.IsScalar ? s[0] : new H5Dataset(s, fileDims: dims);
        if (v.Integers is { } i) return v.IsScalar ? i[0] : new H5Dataset(i, fileDims: dims);
        if (v.IsDouble) return v.IsScalar ? v.Floats![0] : new H5Dataset(v.Floats!, fileDims: dims);
        float[] f = v.ToSingles();
        return v.IsScalar ? f[0] : new H5Dataset(f, fileDims: dims);
    }

    /// <summary>Reads and validates a NIR file; any problem is an <see cref="InvalidModelException"/> naming the file.</summary>
    public static NirGraph Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException("no such file");
            if (info.Length > MaxFileBytes) ThrowHelper.InvalidModel($"{path}: {info.Length:N0} bytes, over the limit of "
                + $"{MaxFileBytes:N0}");
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new InvalidModelException($"{path}: cannot open: {ThrowHelper.OneLine(e.Message)}", e);
        }
        return Read(bytes, path);
    }

    /// <summary>Reads a NIR file held in memory; <paramref name="sourceName"/> names it in messages.</summary>
    public static NirGraph Read(byte[] bytes, string sourceName = "stream")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var reader = new Reader(bytes.LongLength);
        NirGraph graph;
        if (Hdf5SizeCheck.Find(bytes) is { } corrupt) throw new InvalidModelException($"{sourceName}: {corrupt}");
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using NativeFile file = H5File.Open(stream, leaveOpen: true);
            graph = reader.Read(file);
        }
        catch (Ann2SnnException e)
        {
            throw new InvalidModelException($"{sourceName}: {reader.Where}: {ThrowHelper.OneLine(e.Message)}", e);
        }
        catch (Exception e)
        {
            // Whatever the HDF5 layer raises on truncated or corrupt input, OutOfMemoryException included: PureHDF sizes some
            // arrays by lengths read from the file (the sizes it allocates by are checked first, see Value and Hdf5SizeCheck).
            throw new InvalidModelException($"{sourceName}: {reader.Where}: not a readable HDF5 file or damaged "
                + $"({e.GetType().Name}: {ThrowHelper.OneLine(e.Message)})", e);
        }
        try
        {
            NirValidator.Validate(graph);
        }
        catch (Ann2SnnException e)
        {
            throw e is UnsupportedOperatorException
                ? new UnsupportedOperatorException($"{sourceName}: {ThrowHelper.OneLine(e.Message)}")
                : new InvalidModelException($"{sourceName}: {ThrowHelper.OneLine(e.Message)}", e);
        }
        return graph;
    }

    /// <summary>Walks the file, keeping <see cref="Where"/> at the object being read.</summary>
    private sealed class Reader(long fileBytes)
    {
        private long _total;
        private int _nodes;

        public string Where { get; private set; } = "HDF5 superblock";

        public NirGraph Read(NativeFile file)
        {
            Where = "/version";
            if (!file.LinkExists("version")) ThrowHelper.InvalidModel("missing; this is not a NIR file");
            string version = Text(file.Dataset("version"));
            if (!IsKnownVersion(version))
            {
                ThrowHelper.InvalidModel($"NIR version '{NirValidator.Quote(version)}' is not one this build reads (nir 0.x and 1.x)");
            }
            Where = "/node";
            if (!file.LinkExists("node")) ThrowHelper.InvalidModel("missing; this is not a NIR file");
            IH5Object root = file.Get("node");
            if (root is not IH5Group group) throw new InvalidModelException("is not a group");
            if (TypeOf(group) != NirSchema.Graph) ThrowHelper.InvalidModel($"has type '{NirValidator.Quote(TypeOf(group))}', expected "
                + $"NIRGraph");
            return Graph(group, "/node", 0);
        }

        private NirGraph Graph(IH5Group group, string path, int depth)
        {
            if (depth > NirValidator.MaxDepth) ThrowHelper.InvalidModel($"subgraphs nested deeper than {NirValidator.MaxDepth}");
            Where = $"{path}/nodes";
            if (!group.LinkExists("nodes") || group.Get("nodes") is not IH5Group nodesGroup) throw new InvalidModelException("missing");
            var nodes = new Dictionary<string, NirNode>(StringComparer.Ordinal);
            foreach (IH5Object child in nodesGroup.Children())
            {
                string at = $"{path}/nodes/{NirValidator.Quote(child.Name)}";
                Where = at;
                if (++_nodes > MaxNodes) ThrowHelper.InvalidModel($"more than {MaxNodes:N0} nodes");
                if (child is not IH5Group g) throw new InvalidModelException("is not a group");
                nodes.Add(child.Name, Node(g, at, depth));
            }
            Where = $"{path}/edges";
            if (!group.LinkExists("edges")) ThrowHelper.InvalidModel("missing (required, even when empty)");
            var edges = Edges(group.Dataset("edges"));
            Where = path;
            var metadata = Metadata(group, path);
            foreach (IH5Object child in group.Children())
            {
                if (child.Name is not ("type" or "nodes" or "edges" or "metadata"))
                {
                    ThrowHelper.InvalidModel($"unexpected member '{NirValidator.Quote(child.Name)}' in a graph");
                }
            }
            return new NirGraph(nodes, edges, metadata);
        }

        private NirNode Node(IH5Group g, string at, int depth)
        {
            string type = TypeOf(g);
            Where = at;
            if (type == NirSchema.Graph) return new NirNode(type, new Dictionary<string, NirValue>(), Metadata(g, at), Graph(g, at, depth
                + 1));
            var fields = new Dictionary<string, NirValue>(StringComparer.Ordinal);
            foreach (IH5Object child in g.Children())
            {
                if (child.Name is "type" or "metadata") continue;
                Where = $"{at}/{NirValidator.Quote(child.Name)}";
                if (child is not IH5Dataset ds) throw new InvalidModelException("is a group, expected a dataset");
                fields.Add(child.Name, Value(ds));
            }
            Where = at;
            return new NirNode(type, fields, Metadata(g, at));
        }

        private Dictionary<string, NirValue> Metadata(IH5Group g, string at)
        {
            var metadata = new Dictionary<string, NirValue>(StringComparer.Ordinal);
            if (!g.LinkExists("metadata")) return metadata;
            Where = $"{at}/metadata";
            if (g.Get("metadata") is not IH5Group m) throw new InvalidModelException("is not a group");
            foreach (IH5Object child in m.Children())
            {
                // Nested metadata groups are allowed and ignored, as by every backend.
                if (child is not IH5Dataset ds) continue;
                Where = $"{at}/metadata/{NirValidator.Quote(child.Name)}";
                metadata[child.Name] = Value(ds);
            }
            Where = at;
            return metadata;
        }

        private string TypeOf(IH5Group g)
        {
            if (!g.LinkExists("type")) ThrowHelper.InvalidModel("has no 'type' dataset");
            return Text(g.Dataset("type"));
        }

        private string Text(IH5Dataset ds)
        {
            NirValue v = Value(ds);
            if (v.Strings is not [var s] || !v.IsScalar) throw new InvalidModelException($"is {v}, expected a scalar string");
            return s;
        }

        private List<(string, string)> Edges(IH5Dataset ds)
        {
            NirValue v = Value(ds);
            // The Python writer stores no edges as an empty float64 array.
            if (v.Count == 0) return [];
            if (v.Strings is null || v.Shape.Length != 2 || v.Shape[1] != 2)
            {
                throw new InvalidModelException($"is {v}, expected an (N, 2) array of node names");
            }
            return [.. Enumerable.Range(0, v.Shape[0]).Select(i => (v.Strings[2 * i], v.Strings[2 * i + 1]))];
        }

        /// <summary>
        /// Checks a chunked dataset's chunk shape (<paramref name="chunks"/>: one extent per dimension, then the element size)
        /// before PureHDF reads by it. A chunk is decompressed into a buffer of its declared size, so that size is bounded by
        /// what the file could expand to; and the reader visits every chunk of the dataset, each of which a file that holds the
        /// data stores in at least <see cref="MinChunkIndexBytes"/> bytes, so a chunk count over fileBytes / that is a corrupt
        /// header (tiny chunks of a large dataset would otherwise cost millions of lookups).
        /// </summary>
        private void CheckChunks(ulong[] chunks, ulong[] dims)
        {
            long chunk = 1;
            foreach (ulong c in chunks)
            {
                chunk *= Math.Max(1L, (long)c);
                if (chunk > fileBytes * MaxExpansion + 4096 || chunk > MaxDatasetElements * 8)
                {
                    throw new InvalidModelException($"declares chunks of over {chunk:N0} bytes, more than a file of {fileBytes:N0} "
                        + "bytes can hold; its header is corrupt");
                }
            }
            long count = 1, limit = fileBytes / MinChunkIndexBytes + 1;
            for (int i = 0; i < dims.Length && i < chunks.Length; i++)
            {
                ulong extent = Math.Max(1ul, chunks[i]);
                count *= (long)((dims[i] + extent - 1) / extent);
                if (count > limit)
                {
                    throw new InvalidModelException($"declares chunks of [{string.Join(", ", chunks.Take(dims.Length))}] for "
                        + $"[{string.Join(", ", dims)}], over {limit:N0} chunks, more than a file of {fileBytes:N0} bytes can index; "
                        + "its header is corrupt");
                }
            }
        }

        private NirValue Value(IH5Dataset ds)
        {
            ulong[] dims = ds.Space.Type switch
            {
                H5DataspaceType.Scalar => [],
                H5DataspaceType.Simple => ds.Space.Dimensions,
                _ => throw new InvalidModelException($"dataspace {ds.Space.Type} holds no values"),
            };
            if (dims.Length > 8) throw new InvalidModelException($"{dims.Length} dimensions, more than 8");
            long count = 1;
            foreach (ulong d in dims)
            {
                if (d > MaxDatasetElements) throw new InvalidModelException($"declares a dimension of {d}, over the limit");
                count *= (long)d;
                if (count > MaxDatasetElements) throw new InvalidModelException($"declares over {MaxDatasetElements:N0} values, "
                    + "the limit of one dataset");
            }
            H5DataTypeClass type = ds.Type.Class;
            long size = type is H5DataTypeClass.String or H5DataTypeClass.VariableLength ? 1 : Math.Max(1, (long)ds.Type.Size);
            if (count * size > fileBytes * MaxExpansion + 4096)
            {
                throw new InvalidModelException($"declares {count:N0} values of {size} bytes, more than a file of {fileBytes:N0} bytes "
                    + "can hold; its header is corrupt");
            }
            if (ds.Layout.Class == H5DataLayoutClass.Chunked) CheckChunks(ds.Layout.Chunks, dims);
            _total += count;
            if (_total > MaxTotalElements) throw new InvalidModelException($"the datasets declare over {MaxTotalElements:N0} values in "
                + $"all");
            int[] shape = [.. dims.Select(d => (int)d)];
            switch (type)
            {
                case H5DataTypeClass.FloatingPoint when ds.Type.Size == 4:
                    return NirValue.Float32(ds.Read<float[]>(), shape);
                case H5DataTypeClass.FloatingPoint when ds.Type.Size == 8:
                    return NirValue.Float64(ds.Read<double[]>(), shape);
                case H5DataTypeClass.FixedPoint when ds.Type.Size == 8:
                    return NirValue.Int64(ds.Read<long[]>(), shape);
                case H5DataTypeClass.FixedPoint when ds.Type.Size == 4:
                    return NirValue.Int64(Array.ConvertAll(ds.Read<int[]>(), x => (long)x), shape);
                case H5DataTypeClass.String or H5DataTypeClass.VariableLength:
                    {
                        string[] s = ds.Read<string[]>();
                        if (s.Length != count
                            || s.Any(x => x is null)) throw new InvalidModelException("a string array could not be read whole");
                        return NirValue.TextArray([.. s.Select(x => x.TrimEnd('\0'))], shape);
                    }
                default:
                    throw new InvalidModelException($"data type {type} of {ds.Type.Size} bytes; NIR holds float32/64, int32/64 and "
                        + $"strings");
            }
        }
    }
}
