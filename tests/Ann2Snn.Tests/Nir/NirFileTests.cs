using Ann2Snn.Nir;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Data;
using Ann2Snn.Tests.Snn;
using PureHDF;

namespace Ann2Snn.Tests.Nir;

/// <summary>
/// The file against NIR_FORMAT.md and the reference samples (the reference reader is not installed here), and every kind
/// of bad input: a typed exception with one line naming the node, edge or field, never a crash, no huge allocation.
/// </summary>
public sealed class NirFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Every object of a file as (path, kind, dtype class and size, shape), walked with the HDF5 library itself.</summary>
    private static SortedDictionary<string, string> Layout(string path)
    {
        var layout = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var file = H5File.OpenRead(path);
        Walk(file, "");
        return layout;

        void Walk(IH5Group group, string at)
        {
            foreach (IH5Object child in group.Children())
            {
                Assert.Empty(child.Attributes()); // the reference writer puts no attributes anywhere
                string p = $"{at}/{child.Name}";
                if (child is IH5Group g)
                {
                    layout[p] = "group";
                    Walk(g, p);
                }
                else if (child is IH5Dataset d)
                {
                    string type = d.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
                        ? "string"
                        : $"{d.Type.Class}{d.Type.Size}";
                    layout[p] = $"{type} ({string.Join(",", d.Space.Dimensions)}) {d.Space.Type}";
                }
            }
        }
    }

    [Fact]
    public void ExportOfTheMlpSampleHasTheGoldenLayoutDatasetForDataset()
    {
        // The sample imported and exported again: same datasets, dtypes, shapes and scalars as nir.write wrote, apart from
        // metadata and the optional all-zero v_reset (NIR_FORMAT.md §7 recommends leaving it out).
        string golden = NirRoundTripTests.Fixture("mlp_if.nir");
        SpikingNetwork net = NirImporter.Import(NirFile.Read(golden), "mlp");
        string ours = _dir.File("mlp.nir");
        NirFile.Write(NirExporter.Export(net).Graph, ours);
        static bool Compared(string p) => !p.Contains("/metadata", StringComparison.Ordinal) && !p.EndsWith("/v_reset",
            StringComparison.Ordinal);
        SortedDictionary<string, string> expected = Layout(golden), actual = Layout(ours);
        // Node names differ (ours are the layer names); compare per node type: the golden nodes renamed to ours.
        var rename = new Dictionary<string, string>
        {
            ["fc1"] = "if1.in0.0_affine",
            ["if1"] = "if1",
            ["fc2"] = "if2.in0.0_affine",
            ["if2"] = "if2",
            ["input"] = "input",
            ["output"] = "output",
        };
        var renamed = expected.Where(kv => Compared(kv.Key)).ToDictionary(
            kv => string.Join('/', kv.Key.Split('/').Select((part, i) => i == 3 && rename.TryGetValue(part, out string? r) ? r : part)),
            kv => kv.Value);
        // Our op nodes are named after the population they feed.
        var mine = actual.Where(kv => Compared(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(renamed.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}"),
            mine.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value}"));
    }

    [Fact]
    public void WrittenFileFollowsTheSpec()
    {
        string path = _dir.File("cnn.nir");
        NirFile.Write(NirExporter.Export(SnnFileTests.Converted("cnn")).Graph, path);
        SortedDictionary<string, string> layout = Layout(path);
        Assert.Equal("string () Scalar", layout["/version"]);
        Assert.Equal("string () Scalar", layout["/node/type"]);
        Assert.StartsWith("string (", layout["/node/edges"], StringComparison.Ordinal);
        Assert.EndsWith(",2) Simple", layout["/node/edges"], StringComparison.Ordinal);
        Assert.All(layout.Where(kv => kv.Key.EndsWith("/type", StringComparison.Ordinal)), kv => Assert.Equal("string () Scalar",
            kv.Value));
        Assert.All(layout.Where(kv => kv.Key.EndsWith("/groups", StringComparison.Ordinal)), kv => Assert.Equal("FixedPoint8 () Scalar",
            kv.Value));
        Assert.All(layout.Where(kv => kv.Key.EndsWith("/shape", StringComparison.Ordinal) || kv.Key.EndsWith("/stride",
            StringComparison.Ordinal)),
            kv => Assert.Matches(@"^FixedPoint8 \(\d+\) Simple$", kv.Value));
        Assert.All(layout.Where(kv => kv.Key.EndsWith("/weight", StringComparison.Ordinal)), kv => Assert.StartsWith("FloatingPoint4",
            kv.Value,
            StringComparison.Ordinal));
        NirGraph g = NirFile.Read(path);
        Assert.Equal(NirFile.WrittenVersion, "1.0.7");
        Assert.Contains(g.Nodes.Values, n => n.Type == "Input");
        Assert.Contains(g.Nodes.Values, n => n.Type == "Output");
    }

    // ---- bad input ----

    private static NirGraph Mlp() => NirFile.Read(NirRoundTripTests.Fixture("mlp_if.nir"));

    private string Write(NirGraph graph, string name = "bad.nir")
    {
        string path = _dir.File(name);
        NirFile.Write(graph, path);
        return path;
    }

    private static NirGraph With(NirGraph g, Func<Dictionary<string, NirNode>, Dictionary<string, NirNode>>? nodes = null,
        List<(string, string)>? edges = null) =>
        new(nodes?.Invoke(g.Nodes.ToDictionary(kv => kv.Key, kv => kv.Value)) ?? g.Nodes, edges ?? [.. g.Edges], g.Metadata);

    private static void OneLine(Exception e, params string[] needles)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (string needle in needles) Assert.Contains(needle, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownNodeTypeIsNamed()
    {
        string path = Write(With(Mlp(), nodes: n =>
        {
            n["if1"] = new NirNode("Izhikevich", n["if1"].Fields);
            return n;
        }));
        OneLine(Assert.Throws<UnsupportedOperatorException>(() => NirFile.Read(path)), "bad.nir", "'if1'", "Izhikevich",
            "unknown NIR node type");
    }

    [Fact]
    public void EdgeWhoseShapesDisagreeIsNamed()
    {
        string path = Write(With(Mlp(), nodes: n =>
        {
            n["fc2"] = new NirNode("Affine", new Dictionary<string, NirValue>
            {
                ["weight"] = NirValue.Float32(new float[3 * 5], 3, 5),
                ["bias"] = NirValue.Float32(new float[3], 3),
            });
            return n;
        }));
        OneLine(Assert.Throws<InvalidModelException>(() => NirFile.Read(path)), "edge 'if1' → 'fc2'", "(8,)", "(5,)");
    }

    [Fact]
    public void CycleWithoutADelayIsNamed()
    {
        NirGraph g = Mlp();
        string path = Write(With(g, edges: [.. g.Edges, ("if2", "fc1")]));
        // fc1 takes (4,), if2 delivers (3,): make the cycle shape-correct so that the cycle itself is what fails.
        OneLine(Assert.Throws<InvalidModelException>(() => NirFile.Read(path)), "cycle without a delay");
    }

    [Fact]
    public void UnknownVersionIsRefused()
    {
        string path = _dir.File("v.nir");
        var file = new H5File { ["version"] = "2.0.0", ["node"] = new H5Group { ["type"] = "NIRGraph" } };
        file.Write(path);
        OneLine(Assert.Throws<InvalidModelException>(() => NirFile.Read(path)), "v.nir", "/version", "'2.0.0'");
        Assert.True(NirFile.IsKnownVersion("1.0.7"));
        Assert.True(NirFile.IsKnownVersion("0.2.0"));
        Assert.False(NirFile.IsKnownVersion("1.x"));
        Assert.False(NirFile.IsKnownVersion("10"));
    }

    [Fact]
    public void UnknownFieldAndMissingFieldAreNamed()
    {
        string extra = Write(With(Mlp(), nodes: n =>
        {
            n["if1"] = new NirNode("IF", new Dictionary<string, NirValue>(n["if1"].Fields) { ["input_type"] = NirValue.Int64([8], 1) });
            return n;
        }), "extra.nir");
        OneLine(Assert.Throws<InvalidModelException>(() => NirFile.Read(extra)), "'if1'", "unknown field 'input_type'");
        string missing = Write(With(Mlp(), nodes: n =>
        {
            n["if1"] = new NirNode("IF", n["if1"].Fields.Where(f => f.Key != "v_threshold").ToDictionary());
            return n;
        }), "missing.nir");
        OneLine(Assert.Throws<InvalidModelException>(() => NirFile.Read(missing)), "'if1'", "'v_threshold' is missing");
    }

    [Fact]
    public void TruncatedFileIsRefusedAtEveryCut()
    {
        byte[] bytes = File.ReadAllBytes(NirRoundTripTests.Fixture("cnn_if.nir"));
        for (int cut = 0; cut < bytes.Length; cut += Math.Max(1, bytes.Length / 400))
        {
            Exception e = Assert.ThrowsAny<Exception>(() => NirFile.Read(bytes[..cut], "cut.nir"));
            Assert.True(e is InvalidModelException or UnsupportedOperatorException, $"cut at {cut}: {e.GetType().Name}: {e.Message}");
            OneLine(e, "cut.nir");
        }
    }

    [Fact]
    public void CorruptedBytesGiveOnlyTypedErrorsAndNoHugeAllocations()
    {
        foreach (string fixture in new[] { "mlp_if.nir", "cnn_if.nir" })
        {
            foreach (var (trial, bytes) in Corrupted(fixture, 300)) ReadsWithinBudget(bytes, $"{fixture} trial {trial}");
        }
    }

    /// <summary>
    /// Corruptions (of the 3,000 that <see cref="Corrupted"/> makes) on which PureHDF alone allocated 0.3–2 GB: a fill value's
    /// size, a stored chunk's size in the chunk B-tree, tiny chunks of a large dataset. <c>Hdf5SizeCheck</c> refuses each first.
    /// </summary>
    [Theory]
    [InlineData("mlp_if.nir", new[] { 281, 584, 1144, 2986 })]
    [InlineData("cnn_if.nir", new[] { 377, 1012, 1306, 1906, 2137, 2165, 2772 })]
    public void CorruptionsThatOnceCostGigabytesAreRefusedCheaply(string fixture, int[] trials)
    {
        var wanted = trials.ToHashSet();
        foreach (var (trial, bytes) in Corrupted(fixture, trials.Max() + 1))
        {
            if (wanted.Contains(trial)) ReadsWithinBudget(bytes, $"{fixture} trial {trial}");
        }
    }

    /// <summary>The fixture with 1–8 random bytes overwritten, for each of <paramref name="trials"/> trials (seed 7).</summary>
    private static IEnumerable<(int Trial, byte[] Bytes)> Corrupted(string fixture, int trials)
    {
        byte[] original = File.ReadAllBytes(NirRoundTripTests.Fixture(fixture));
        var rng = new Random(7);
        for (int trial = 0; trial < trials; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = 1 + rng.Next(8);
            for (int f = 0; f < flips; f++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            yield return (trial, bytes);
        }
    }

    /// <summary>Reading gives a graph or a typed one-line error, and allocates under 64 MB (as the lying-header test holds).</summary>
    private static void ReadsWithinBudget(byte[] bytes, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            NirFile.Read(bytes, "flipped.nir");
        }
        catch (Exception e) when (e is InvalidModelException or UnsupportedOperatorException)
        {
            OneLine(e, "flipped.nir");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64L << 20, $"{what}: {allocated:N0} bytes allocated reading a {bytes.Length:N0}-byte file");
    }

    [Fact]
    public void DatasetDeclaringMoreThanTheFileHoldsIsRefusedBeforeReading()
    {
        // A 1-element dataset whose header claims 2^27 floats: dims are checked against the file's size first.
        string path = _dir.File("lying.nir");
        var file = new H5File
        {
            ["version"] = "1.0.7",
            ["node"] = new H5Group
            {
                ["type"] = "NIRGraph",
                ["edges"] = new string[,] { { "input", "output" } },
                ["nodes"] = new H5Group
                {
                    ["input"] = new H5Group { ["type"] = "Input", ["shape"] = new H5Dataset(new long[] { 4 }, fileDims: [1]) },
                    ["output"] = new H5Group { ["type"] = "Output", ["shape"] = new H5Dataset(new long[] { 4 }, fileDims: [1]) },
                },
            },
        };
        file.Write(path);
        byte[] bytes = File.ReadAllBytes(path);
        // Patch every 8-byte little-endian '1' that is a dataspace dimension of the shape datasets into 2^27 (one of them is).
        bool refused = false;
        for (int at = 0; at + 8 <= bytes.Length; at++)
        {
            if (BitConverter.ToInt64(bytes, at) != 1) continue;
            byte[] copy = (byte[])bytes.Clone();
            BitConverter.GetBytes(1L << 27).CopyTo(copy, at);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                NirFile.Read(copy, "lying.nir");
            }
            catch (InvalidModelException e) when (e.Message.Contains("more than a file of", StringComparison.Ordinal))
            {
                refused = true;
            }
            catch (Exception e) when (e is InvalidModelException or UnsupportedOperatorException)
            {
                OneLine(e, "lying.nir");
            }
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20);
        }
        Assert.True(refused, "no patched header was refused by the size check");
    }

    [Fact]
    public void NotAnHdf5FileAndMissingFileAreNamed()
    {
        string text = _dir.File("text.nir");
        File.WriteAllText(text, "not hdf5 at all");
        OneLine(Assert.Throws<InvalidModelException>(() => NirFile.Read(text)), "text.nir");
        OneLine(Assert.Throws<InvalidModelException>(() => NirFile.Read(_dir.File("absent.nir"))), "absent.nir", "cannot open");
    }

    [Fact]
    public void FailedWriteLeavesNoPartialFileAndKeepsTheOldOne()
    {
        string path = _dir.File("keep.nir");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
        NirFile.Write(NirFile.Read(NirRoundTripTests.Fixture("mlp_if.nir")), path);
        Assert.Equal(6, NirFile.Read(path).Nodes.Count);
        Assert.Equal([path], Directory.GetFiles(_dir.Path));
    }
}
