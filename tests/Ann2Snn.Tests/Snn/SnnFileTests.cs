using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Data;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Snn;

public sealed class SnnFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SpikingNetwork Convert(ModelGraph graph, ConversionOptions options)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        const int count = 32;
        float[] calib = TestGraphs.Inputs(new Random(11), count, graph.Input.OutputShape.Size);
        CalibrationStatistics stats = Calibration.Collect(prepared, [(calib, count)], count);
        return Converter.Convert(prepared, stats, options, applied).Network;
    }

    public static TheoryData<string> Conversions =>
    [
        "cnn", "residual", "cnn-gate-lif-spikecount", "residual-lif-refractory", "cnn-channelwise-thresholds", "cnn-signed",
        "cnn-signed-gate-spikecount", "residual-signed", "cnn-burst4-gate-spikecount", "residual-burst2", "leaky"
    ];

    internal static SpikingNetwork Converted(string name) => name switch
    {
        "cnn" => Convert(TestGraphs.SmallCnn(), new ConversionOptions()),
        "residual" => Convert(TestGraphs.ResidualMlp(), new ConversionOptions()),
        "cnn-gate-lif-spikecount" => Convert(TestGraphs.SmallCnn(), new ConversionOptions
        {
            MaxPool = MaxPoolScheme.Gate,
            Readout = ReadoutKind.SpikeCount,
            Neuron = NeuronModels.Lif,
            TauMem = 50f,
            RefractorySteps = 1,
            Reset = ResetMode.ToZero,
        }),
        "residual-lif-refractory" => Convert(TestGraphs.ResidualMlp(),
            new ConversionOptions { Neuron = NeuronModels.Lif, TauMem = 200f, RefractorySteps = 2, InitialFraction = 0.25f }),
        "cnn-channelwise-thresholds" => Convert(TestGraphs.SmallCnn(),
            new ConversionOptions { Normalization = NormalizationKind.ChannelWise, Readout = ReadoutKind.SpikeCount }),
        "cnn-signed" => Convert(TestGraphs.SmallCnn(), new ConversionOptions { SignedSpikes = true }),
        "cnn-signed-gate-spikecount" => Convert(TestGraphs.SmallCnn(),
            new ConversionOptions { SignedSpikes = true, MaxPool = MaxPoolScheme.Gate, Readout = ReadoutKind.SpikeCount }),
        "residual-signed" => Convert(TestGraphs.ResidualMlp(), new ConversionOptions { SignedSpikes = true }),
        "cnn-burst4-gate-spikecount" => Convert(TestGraphs.SmallCnn(),
            new ConversionOptions { Burst = 4, MaxPool = MaxPoolScheme.Gate, Readout = ReadoutKind.SpikeCount }),
        "residual-burst2" => Convert(TestGraphs.ResidualMlp(), new ConversionOptions { Burst = 2 }),
        "leaky" => Convert(TestGraphs.LeakyCnn(), new ConversionOptions()),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private string SaveToFile(SpikingNetwork net, string name = "net.snn")
    {
        string path = _dir.File(name);
        SnnFile.Save(net, path);
        return path;
    }

    private static SimulationResult Simulate(SpikingNetwork net, float[] x, int count, InputEncoding input = InputEncoding.Analog) =>
        new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)],
            new SimulationOptions { Timesteps = 40, Input = input, MaxDegreeOfParallelism = 1, ChunkSize = 8 });

    [Theory]
    [MemberData(nameof(Conversions))]
    public void ConvertedNetworkRoundTripsExactlyAndSimulatesIdentically(string name)
    {
        SpikingNetwork original = Converted(name);
        SpikingNetwork loaded = SnnFile.Load(SaveToFile(original));
        SnnAssert.Equal(original, loaded);

        const int count = 12;
        float[] x = TestGraphs.Inputs(new Random(5), count, original.InputShape.Size);
        foreach (InputEncoding encoding in new[] { InputEncoding.Analog, InputEncoding.Poisson })
        {
            SimulationResult a = Simulate(original, x, count, encoding), b = Simulate(loaded, x, count, encoding);
            Assert.Equal(a.Predictions, b.Predictions);
            Assert.Equal(a.CorrectAt, b.CorrectAt);
            Assert.Equal(a.LayerSpikes, b.LayerSpikes);
            Assert.Equal(a.NeuronSpikes, b.NeuronSpikes);
            Assert.Equal(a.InputSpikes, b.InputSpikes);
        }
    }

    [Fact]
    public void EveryOpKindAndAttributeRoundTrips()
    {
        SpikingNetwork original = AllKinds();
        var stream = new MemoryStream();
        SnnFile.Save(original, stream);
        stream.Position = 0;
        SpikingNetwork loaded = SnnFile.Load(stream);
        SnnAssert.Equal(original, loaded);
        // The bias array shared by two layers is stored once and shared again after loading.
        Assert.Same(((NeuronLayer)loaded.Layers[0]).Bias, ((NeuronLayer)loaded.Layers[4]).Bias);
        stream.Position = 0;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        Assert.Equal(1, zip.Entries.Count(e => e.FullName.StartsWith("blobs/", StringComparison.Ordinal)
            && ReadAll(e).Length == 4 * 4 * 6 * 6));
    }

    [Fact]
    public void ManifestIsReadableJsonWithFormatVersionAndMetadata()
    {
        SpikingNetwork net = Converted("cnn");
        JsonNode manifest = ReadManifest(SaveToFile(net));
        Assert.Equal("ann2snn-snn", (string?)manifest["format"]);
        Assert.Equal(1, (int?)manifest["format_version"]);
        Assert.False(string.IsNullOrEmpty((string?)manifest["library_version"]));
        Assert.Equal("small_cnn", (string?)manifest["name"]);
        Assert.Equal(net.Metadata["input_scale"], (string?)manifest["metadata"]!["input_scale"]);
        Assert.Equal(["neurons", "maxpool", "neurons", "readout"], manifest["layers"]!.AsArray().Select(l => (string?)l!["kind"]));
        Assert.Equal("Infinity", (string?)manifest["layers"]![0]!["neuron"]!["tau_mem"]);
        Assert.Equal("winner_take_all", (string?)manifest["layers"]![1]!["scheme"]);
    }

    [Fact]
    public void SignedSpikesAreWrittenOnlyWhenSetAndAbsentMeansUnsigned()
    {
        JsonNode signed = ReadManifest(SaveToFile(Converted("cnn-signed"), "signed.snn"));
        Assert.True((bool?)signed["layers"]![0]!["neuron"]!["signed_spikes"]);
        Assert.Equal(1, (int?)signed["format_version"]);
        JsonNode plain = ReadManifest(SaveToFile(Converted("cnn")));
        Assert.Null(plain["layers"]![0]!["neuron"]!["signed_spikes"]); // files of unsigned networks are as before
        NeuronLayer loaded = SnnFile.Load(SaveToFile(Converted("cnn"), "again.snn")).Layers.OfType<NeuronLayer>().First();
        Assert.False(loaded.Neuron.SignedSpikes);
    }

    [Fact]
    public void BurstLimitIsWrittenOnlyAboveOneInFormatTwoAndAbsentMeansOne()
    {
        JsonNode burst = ReadManifest(SaveToFile(Converted("residual-burst2"), "burst.snn"));
        Assert.Equal(2, (int?)burst["layers"]![0]!["neuron"]!["burst_limit"]);
        Assert.Equal(2, (int?)burst["format_version"]);
        JsonNode plain = ReadManifest(SaveToFile(Converted("residual")));
        Assert.Null(plain["layers"]![0]!["neuron"]!["burst_limit"]); // files without bursts are as before: format 1
        Assert.Equal(1, (int?)plain["format_version"]);
        SpikingNetwork loaded = SnnFile.Load(SaveToFile(Converted("residual"), "again.snn"));
        Assert.All(loaded.Layers.OfType<NeuronLayer>(), l => Assert.Equal(1, l.Neuron.BurstLimit));
        SpikingNetwork loadedBurst = SnnFile.Load(SaveToFile(Converted("residual-burst2"), "burst2.snn"));
        Assert.All(loadedBurst.Layers.OfType<NeuronLayer>(), l => Assert.Equal(2, l.Neuron.BurstLimit));
    }

    [Fact]
    public void NegativeGainsAreWrittenOnlyWhereSetInFormatThree()
    {
        string path = SaveToFile(Converted("leaky"), "leaky.snn");
        JsonNode leaky = ReadManifest(path);
        Assert.Equal(3, (int?)leaky["format_version"]);
        Assert.Equal([1], leaky["layers"]![0]!["negative_gain"]!["shape"]!.AsArray().Select(d => (int)d!));
        Assert.Equal([8], leaky["layers"]![2]!["negative_gain"]!["shape"]!.AsArray().Select(d => (int)d!));
        Assert.Null(ReadManifest(SaveToFile(Converted("cnn-signed"), "signed.snn"))["layers"]![0]!["negative_gain"]);
        EditManifest(path, m => m["format_version"] = 2);
        string message = LoadFails(path).Message;
        Assert.Contains("layer 0 '", message);
        Assert.Contains("negative_gain needs format 3, the file says format 2", message);
    }

    [Fact]
    public void ANegativeGainOnAnUnsignedPopulationInAFileIsRefused()
    {
        string path = SaveToFile(Converted("leaky"), "leaky-unsigned.snn");
        EditManifest(path, m => m["layers"]![0]!["neuron"]!.AsObject().Remove("signed_spikes"));
        Assert.Contains("a negative-branch gain needs signed spikes", LoadFails(path).Message);
    }

    [Theory]
    [InlineData(2, "0", "burst limit B = 0 must be in 1..64")]
    [InlineData(2, "-3", "burst limit B = -3")]
    [InlineData(2, "65", "burst limit B = 65")]
    [InlineData(2, "2147483647", "burst limit B = 2147483647")]
    [InlineData(2, "1.5", "burst_limit")]
    [InlineData(2, "\"2\"", "burst_limit")]
    [InlineData(1, "2", "burst_limit = 2 needs format 2, the file says format 1")]
    public void BadBurstLimitIsRefusedInOneLine(int version, string json, string expected)
    {
        string path = SaveToFile(Converted("residual-burst2"), "bad-burst.snn");
        EditManifest(path, m =>
        {
            m["format_version"] = version;
            m["layers"]![0]!["neuron"]!["burst_limit"] = JsonNode.Parse(json);
        });
        string message = LoadFails(path).Message;
        Assert.Contains(expected, message);
        if (int.TryParse(json, out _)) Assert.Contains("layer 0", message); // a wrong JSON type is named by its path
    }

    /// <summary>Input [2] → a population of 3 that reads itself one step late (a recurrent edge) → a readout of 2.</summary>
    private static SpikingNetwork Delayed(int delay = 1) =>
        new("recurrent", new Shape(2),
        [
            new NeuronLayer("hidden", new Shape(3), NeuronParameters.IntegrateAndFire(),
                [new Projection(-1, [new DenseOp(new Shape(2), new FloatTensor([3, 2], [1, 0, 0, 1, 0.5f, 0.5f]))]),
                    new Projection(0, [new DenseOp(new Shape(3), new FloatTensor([3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]))]) { Delay = delay }],
                new float[3]),
            new ReadoutLayer("out", new Shape(2), [new Projection(0, [new DenseOp(new Shape(3), new FloatTensor([2, 3], new float[6]))])],
                new float[2]),
        ]);

    [Fact]
    public void DelaysAreWrittenInFormatThreeAndReadBack()
    {
        JsonNode manifest = ReadManifest(SaveToFile(Delayed(5), "delayed.snn"));
        Assert.Equal(3, (int?)manifest["format_version"]);
        Assert.Equal(5, (int?)manifest["layers"]![0]!["projections"]![1]!["delay"]);
        Assert.Null(manifest["layers"]![0]!["projections"]![0]!["delay"]); // 0 is not written
        SpikingNetwork loaded = SnnFile.Load(SaveToFile(Delayed(5), "again.snn"));
        Assert.Equal([0, 5], SpikingNetwork.ProjectionsOf(loaded.Layers[0]).Select(p => p.Delay));
        Assert.True(loaded.HasDelays);
        Assert.False(Converted("cnn").HasDelays);
    }

    [Theory]
    [InlineData(2, "1", "delay = 1 needs format 3, the file says format 2")]
    [InlineData(3, "0", "reads layer 0 ('hidden'), which does not come before it, with no delay: a cycle needs a delay")]
    [InlineData(3, "-1", "delay -1 is outside 0…65536 steps")]
    public void A_bad_delay_in_a_file_is_refused_in_one_line(int version, string delay, string expected)
    {
        string path = SaveToFile(Delayed(), "bad-delay.snn");
        EditManifest(path, m =>
        {
            m["format_version"] = version;
            m["layers"]![0]!["projections"]![1]!["delay"] = JsonNode.Parse(delay);
        });
        string message = LoadFails(path).Message;
        Assert.Contains(expected, message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void A_cycle_without_delay_is_refused_and_a_delayed_one_runs()
    {
        var ex = Assert.Throws<InvalidModelException>(() => Delayed(0));
        Assert.Contains("layer 'hidden' reads layer 0 ('hidden'), which does not come before it, with no delay", ex.Message);
        SimulationResult run = Simulate(Delayed(), [0.5f, 0.25f], 1);
        Assert.Equal(1, run.Images);
    }

    [Fact]
    public void BurstWithResetToZeroInAFileIsRefused()
    {
        string path = SaveToFile(Converted("residual-burst2"), "burst-zero.snn");
        EditManifest(path, m => m["layers"]![0]!["neuron"]!["reset"] = "to_zero");
        Assert.Contains("burst spikes (B = 2) need reset by subtraction", LoadFails(path).Message);
    }

    [Fact]
    public void SavingTwiceGivesTheSameBytes()
    {
        SpikingNetwork net = Converted("residual");
        byte[] a = File.ReadAllBytes(SaveToFile(net, "a.snn")), b = File.ReadAllBytes(SaveToFile(net, "b.snn"));
        Assert.Equal(a, b);
    }

    // ---- untrusted input ----

    private InvalidModelException LoadFails(string path)
    {
        var e = Assert.Throws<InvalidModelException>(() => SnnFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void NewerFormatVersionIsRefusedWithTheVersions()
    {
        string path = SaveToFile(Converted("residual"));
        EditManifest(path, m =>
        {
            m["format_version"] = SnnFile.FormatVersion + 1;
            m["layers"] = "a layout this build cannot know";
        });
        Assert.Contains($"written by a newer version (format {SnnFile.FormatVersion + 1}); this build reads up to {SnnFile.FormatVersion}",
            LoadFails(path).Message);
    }

    [Theory]
    [InlineData("format", "\"onnx\"", "format is 'onnx'")]
    [InlineData("format_version", "0", "format_version")]
    [InlineData("format_version", "\"1\"", "format_version")]
    [InlineData("input_shape", "[3, 0]", "input_shape")]
    [InlineData("layers", "[]", "no layers")]
    [InlineData("name", "null", "manifest.json")]
    public void BadManifestFieldsAreRefused(string field, string json, string expected)
    {
        string path = SaveToFile(Converted("residual"));
        EditManifest(path, m => m[field] = JsonNode.Parse(json));
        Assert.Contains(expected, LoadFails(path).Message);
    }

    [Fact]
    public void MalformedJsonNamesTheManifest()
    {
        string path = SaveToFile(Converted("residual"));
        ReplaceEntry(path, "manifest.json", Encoding.UTF8.GetBytes("{\"format\": \"ann2snn-snn\", \"format_version\": 1, \"layers\": ["));
        Assert.Contains("manifest.json", LoadFails(path).Message);
    }

    [Fact]
    public void MissingManifestIsRefused()
    {
        string path = SaveToFile(Converted("residual"));
        DeleteEntry(path, "manifest.json");
        Assert.Contains("manifest.json: entry missing", LoadFails(path).Message);
    }

    [Fact]
    public void TruncatedFileIsRefusedAtEveryCut()
    {
        byte[] bytes = File.ReadAllBytes(SaveToFile(Converted("cnn")));
        string path = _dir.File("cut.snn");
        foreach (int cut in new[] { 0, 1, 4, 30, bytes.Length / 3, bytes.Length / 2, bytes.Length - 23, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..cut]);
            LoadFails(path);
        }
    }

    [Fact]
    public void CorruptedBytesGiveOnlyInvalidModelErrors()
    {
        // Flip one byte at a time across the file: the CRC, the JSON parser or a shape check may catch it, or the
        // damage may be harmless, but no other exception type may escape.
        byte[] bytes = File.ReadAllBytes(SaveToFile(Converted("cnn")));
        string path = _dir.File("flipped.snn");
        var rng = new Random(9);
        int refused = 0;
        for (int trial = 0; trial < 80; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[rng.Next(copy.Length)] ^= (byte)(1 + rng.Next(255));
            File.WriteAllBytes(path, copy);
            try
            {
                SnnFile.Load(path);
            }
            catch (InvalidModelException e)
            {
                Assert.Contains(path, e.Message);
                refused++;
            }
        }
        Assert.True(refused > 64, $"only {refused} of 80 corrupted files were refused");
    }

    [Fact]
    public void DamagedWeightIsCaughtByTheChecksum()
    {
        // One low mantissa bit of a stored weight: still a finite float of the right size, so only the CRC can tell.
        string path = SaveToFile(Converted("cnn"));
        string entry = BlobOf(path, m => m["layers"]![3]!["projections"]![0]!["ops"]![2]!["weight"]!);
        byte[] blob = ReadEntry(path, entry), file = File.ReadAllBytes(path);
        int at = file.AsSpan().IndexOf(blob);
        Assert.True(at > 0);
        file[at + 4 * 5] ^= 1;
        File.WriteAllBytes(path, file);
        string message = LoadFails(path).Message;
        Assert.Contains($"(entry '{entry}'): CRC-32", message);
    }

    [Fact]
    public void RandomBytesAndJsonAreNotAContainer()
    {
        var rng = new Random(3);
        var bytes = new byte[4096];
        rng.NextBytes(bytes);
        string path = _dir.File("random.snn");
        File.WriteAllBytes(path, bytes);
        Assert.Contains("ZIP container", LoadFails(path).Message);
        File.WriteAllText(path, "{\"format\": \"ann2snn-snn\"}");
        LoadFails(path);
    }

    [Fact]
    public void MissingFileIsAnInvalidModel() =>
        Assert.Contains("cannot open", LoadFails(Path.Combine(_dir.Path, "absent.snn")).Message);

    [Fact]
    public void MissingBlobNamesTheEntryAndLayer()
    {
        string path = SaveToFile(Converted("cnn"));
        string entry = BlobOf(path, m => m["layers"]![0]!["projections"]![0]!["ops"]![0]!["weight"]!);
        DeleteEntry(path, entry);
        string message = LoadFails(path).Message;
        Assert.Contains($"entry '{entry}'", message);
        Assert.Contains("layer 0 'relu1'", message);
        Assert.Contains("missing", message);
    }

    [Fact]
    public void BlobSizeDisagreeingWithItsShapeIsRefused()
    {
        string path = SaveToFile(Converted("cnn"));
        string entry = BlobOf(path, m => m["layers"]![2]!["bias"]!);
        ReplaceEntry(path, entry, new byte[4 * 7]);
        string message = LoadFails(path).Message;
        Assert.Contains($"(entry '{entry}'): entry holds 28 bytes", message);
        Assert.Contains("layer 2", message);
    }

    [Fact]
    public void DeclaredShapeDisagreeingWithTheOpIsRefused()
    {
        string path = SaveToFile(Converted("residual"));
        // Same number of values, transposed shape: the dense op no longer takes its input.
        EditManifest(path, m =>
        {
            JsonNode w = m["layers"]![0]!["projections"]![0]!["ops"]![0]!["weight"]!;
            w["shape"] = new JsonArray(16, 24);
        });
        Assert.Contains("layer 0 'r1' (neurons) projection 0 op 0 (dense)", LoadFails(path).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void NonFiniteWeightIsRefused(float bad)
    {
        string path = SaveToFile(Converted("cnn"));
        string entry = BlobOf(path, m => m["layers"]![3]!["projections"]![0]!["ops"]![2]!["weight"]!);
        byte[] data = ReadEntry(path, entry);
        BitConverter.TryWriteBytes(data.AsSpan(4 * 17), bad);
        ReplaceEntry(path, entry, data);
        string message = LoadFails(path).Message;
        Assert.Contains($"entry '{entry}'", message);
        Assert.Contains("element 17", message);
    }

    [Theory]
    [InlineData("v_threshold", "\"NaN\"")]
    [InlineData("v_threshold", "-1")]
    [InlineData("dt", "\"Infinity\"")]
    [InlineData("tau_mem", "\"NaN\"")]
    [InlineData("refractory_steps", "-3")]
    [InlineData("kind", "\"hodgkin_huxley\"")]
    [InlineData("reset", "1")]
    public void BadNeuronParametersAreRefused(string field, string json)
    {
        string path = SaveToFile(Converted("residual"));
        EditManifest(path, m => m["layers"]![1]!["neuron"]![field] = JsonNode.Parse(json));
        Assert.Matches(@"layer 1 'r2'|\$\.layers\[1\]\.neuron", LoadFails(path).Message);
    }

    [Fact]
    public void UnknownOpAndLayerKindsAreRefused()
    {
        string path = SaveToFile(Converted("cnn"));
        EditManifest(path, m => m["layers"]![2]!["projections"]![0]!["ops"]![0]!["kind"] = "fft");
        string message = LoadFails(path).Message;
        Assert.Contains("unknown op kind 'fft'", message);
        Assert.Contains("layer 2 'relu2'", message);

        path = SaveToFile(Converted("cnn"), "b.snn");
        EditManifest(path, m => m["layers"]![1]!["kind"] = "dendrite");
        Assert.Contains("unknown layer kind 'dendrite'", LoadFails(path).Message);
    }

    [Theory]
    [InlineData("source", "5", "reads layer 5")]
    [InlineData("source", "-2", "reads layer -2")]
    [InlineData("scheme", "\"soft\"", "$.layers[1].scheme")]
    [InlineData("window", "{\"kernel\": [2], \"stride\": [2, 2], \"pads\": [0, 0, 0, 0], \"dilation\": [1, 1], \"ceil_mode\": false}",
        "pads 4")]
    [InlineData("window", "{\"kernel\": [3, 3], \"stride\": [2, 2], \"pads\": [0, 0, 0, 0], \"dilation\": [1, 1], \"ceil_mode\": false}",
        "gives 3×3 planes")]
    [InlineData("input_shape", "[4, 8, 9]", "expects [4×8×9]")]
    public void InconsistentMaxPoolIsRefused(string field, string json, string expected)
    {
        string path = SaveToFile(Converted("cnn"));
        EditManifest(path, m => m["layers"]![1]![field] = JsonNode.Parse(json));
        string message = LoadFails(path).Message;
        Assert.Contains(expected, message);
        Assert.Matches(@"pool1|layers\[1\]", message);
    }

    [Theory]
    [InlineData(new[] { 16384, 16384 })]          // exactly the per-array limit: refused by the entry's length
    [InlineData(new[] { 1 << 20, 1 << 20 })]      // over the limit
    [InlineData(new[] { 65536, 65536, 65536 })]   // would overflow a long product if not checked as it grows
    public void HugeDeclaredShapeIsRefusedWithoutAllocating(int[] shape)
    {
        string path = SaveToFile(Converted("residual"));
        EditManifest(path, m => m["layers"]![0]!["projections"]![0]!["ops"]![0]!["weight"]!["shape"]
            = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = LoadFails(path).Message;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("layer 0 'r1'", message);
        Assert.True(allocated < 8 << 20, $"loading allocated {allocated} bytes");
    }

    // ---- saving ----

    [Fact]
    public void SaveIntoMissingDirectoryThrowsAndWritesNothing()
    {
        string path = Path.Combine(_dir.Path, "no-such-dir", "net.snn");
        Assert.ThrowsAny<IOException>(() => SnnFile.Save(Converted("residual"), path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public void RefusedSaveKeepsThePreviousFileAndLeavesNoTemporary()
    {
        SpikingNetwork good = Converted("residual");
        string path = SaveToFile(good);
        byte[] before = File.ReadAllBytes(path);

        var layer = (NeuronLayer)good.Layers[0];
        var bias = (float[])layer.Bias.Clone();
        bias[3] = float.NaN;
        var poisoned = new SpikingNetwork(good.Name, good.InputShape,
            [new NeuronLayer(layer.Name, layer.Shape, layer.Neuron, layer.Projections, bias), .. good.Layers.Skip(1)], good.Metadata);
        var e = Assert.Throws<InvalidModelException>(() => SnnFile.Save(poisoned, path));
        Assert.Contains("layer 0 'r1' bias: element 3 is NaN", e.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["net.snn"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SaveFailingAfterWritingRemovesItsTemporary()
    {
        // The destination is a directory: everything is written, then the rename fails.
        string target = Path.Combine(_dir.Path, "occupied");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "x");
        Assert.ThrowsAny<Exception>(() => SnnFile.Save(Converted("residual"), target));
        Assert.Empty(Directory.GetFiles(_dir.Path));
        Assert.True(File.Exists(Path.Combine(target, "keep.txt")));
    }

    [Fact]
    public void SaveReplacesAnExistingFile()
    {
        string path = SaveToFile(Converted("cnn"));
        SnnFile.Save(Converted("residual"), path);
        Assert.Equal("residual_mlp", SnnFile.Load(path).Name);
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    // ---- helpers ----

    /// <summary>
    /// A small attention-shaped network with every operator: LayerNorm over two axes, GELU, a broadcast product of two
    /// populations, softmax, and a product of an operator's output with a population (format 4).
    /// </summary>
    internal static SpikingNetwork Operators()
    {
        var rng = new Random(4);
        var x = new Shape(2, 3, 4);
        NeuronParameters signed = NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f) with { SignedSpikes = true };
        Operand From(int source, Shape s) => new(s, [new Projection(source, [new ScaleOp(s, [0.5f])])]);
        var layers = new List<SpikingLayer>
        {
            new NeuronLayer("x", x, signed, [new Projection(-1, [new ReshapeOp(x, x)])], new float[x.Size]),
            OperatorLayer.LayerNorm("ln", From(0, x), TestGraphs.Vector(rng, 12, 0.5f, 1.5f), TestGraphs.Vector(rng, 12, -0.5f, 0.5f),
                1e-5f, normalizedAxes: 2),
            OperatorLayer.Gelu("gelu", From(1, x)),
            new NeuronLayer("k", new Shape(1, 4, 3), signed, [new Projection(-1, [new ReshapeOp(x, new Shape(24)),
                new DenseOp(new Shape(24), TestGraphs.Random(rng, 0.5f, 12, 24)), new ReshapeOp(new Shape(12), new Shape(1, 4, 3))])],
                new float[12]),
            OperatorLayer.MatMul("qk", From(2, x), From(3, new Shape(1, 4, 3))),
            OperatorLayer.Softmax("p", From(4, new Shape(2, 3, 3))),
            OperatorLayer.MatMul("pv", From(5, new Shape(2, 3, 3)), From(0, x)),
            new ReadoutLayer("out", new Shape(3), [new Projection(6, [new ReshapeOp(x, new Shape(24)),
                new DenseOp(new Shape(24), TestGraphs.Random(rng, 0.5f, 3, 24))])], new float[3]),
        };
        return new SpikingNetwork("operators", new Shape(2, 3, 4), layers);
    }

    [Fact]
    public void OperatorLayersRoundTripInFormat4()
    {
        SpikingNetwork original = Operators();
        Assert.Equal(4, SnnFile.VersionOf(original));
        string path = SaveToFile(original);
        Assert.Equal(4, (int?)ReadManifest(path)["format_version"]);
        Assert.Equal("layernorm", (string?)ReadManifest(path)["layers"]![1]!["operator"]);
        SnnAssert.Equal(original, SnnFile.Load(path));
    }

    [Theory]
    [InlineData("version", "operator layers need format 4, the file says format 3")]
    [InlineData("operator", "unknown operator 'exp'; this build reads softmax, layernorm, gelu, matmul")]
    [InlineData("operands", "matmul takes 2 operand(s), the file gives 1")]
    [InlineData("shape", "declares shape [2×3×4], the operator delivers [2×3×3]")]
    [InlineData("epsilon", "ε = 0 must be positive and finite")]
    public void DamagedOperatorLayersAreRefusedWithOneLine(string damage, string message)
    {
        string path = SaveToFile(Operators());
        EditManifest(path, m =>
        {
            JsonNode layers = m["layers"]!;
            switch (damage)
            {
                case "version": m["format_version"] = 3; break;
                case "operator": layers[1]!["operator"] = "exp"; break;
                case "operands": layers[4]!["operands"]!.AsArray().RemoveAt(1); break;
                case "shape": layers[5]!["shape"] = new JsonArray(2, 3, 4); break;
                default: layers[1]!["epsilon"] = 0; break;
            }
        });
        var e = Assert.Throws<InvalidModelException>(() => SnnFile.Load(path));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>
    /// Dense synapses over tokens and selections (format 5): 3 tokens of 4 → 3 tokens of 5, transposed to [5, 3] (from the
    /// population and from the input), and the first row picked for the readout.
    /// </summary>
    internal static SpikingNetwork Tokens()
    {
        var rng = new Random(6);
        Shape x = new(3, 4), t = new(3, 5), s = new(5, 3);
        int[] transpose = [.. Enumerable.Range(0, 15).Select(i => i % 3 * 5 + i / 3)];
        NeuronParameters neuron = NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f);
        var layers = new List<SpikingLayer>
        {
            new NeuronLayer("t", t, neuron, [new Projection(-1, [new TokenDenseOp(x, TestGraphs.Random(rng, 1f, 5, 4))])],
                TestGraphs.Vector(rng, t.Size, 0f, 0.2f)),
            new NeuronLayer("s", s, neuron,
            [
                new Projection(0, [new SelectOp(t, transpose, s)]),
                new Projection(-1, [new TokenDenseOp(x, TestGraphs.Random(rng, 1f, 5, 4)), new SelectOp(t, transpose, s)]),
            ], TestGraphs.Vector(rng, s.Size, 0f, 0.2f)),
            new ReadoutLayer("out", new Shape(3), [new Projection(1, [new SelectOp(s, [0, 1, 2], new Shape(3)),
                new DenseOp(new Shape(3), TestGraphs.Random(rng, 1f, 3, 3))])], new float[3]),
        };
        return new SpikingNetwork("tokens", x, layers);
    }

    [Fact]
    public void TokenDenseAndSelectSynapsesRoundTripInFormat5AndSimulateIdentically()
    {
        SpikingNetwork original = Tokens();
        Assert.Equal(5, SnnFile.VersionOf(original));
        string path = SaveToFile(original);
        JsonNode manifest = ReadManifest(path);
        Assert.Equal(5, (int?)manifest["format_version"]);
        Assert.Equal("token_dense", (string?)manifest["layers"]![0]!["projections"]![0]!["ops"]![0]!["kind"]);
        Assert.Equal("[0, 5, 10, 1, 6, 11, 2, 7, 12, 3, 8, 13, 4, 9, 14]",
            manifest["layers"]![1]!["projections"]![0]!["ops"]![0]!["map"]!.ToJsonString().Replace(",", ", ", StringComparison.Ordinal));
        SpikingNetwork loaded = SnnFile.Load(path);
        SnnAssert.Equal(original, loaded);
        const int count = 6;
        float[] x = TestGraphs.Inputs(new Random(8), count, original.InputShape.Size);
        SimulationResult a = Simulate(original, x, count), b = Simulate(loaded, x, count);
        Assert.True(a.LayerSpikes.Take(2).All(n => n > 0));
        Assert.Equal(a.NeuronSpikes, b.NeuronSpikes);
        Assert.Equal(a.Predictions, b.Predictions);
        // A network without them is written as before, in the oldest version that holds it, and reads back.
        Assert.Equal(1, (int?)ReadManifest(SaveToFile(Converted("cnn"), "cnn.snn"))["format_version"]);
    }

    [Theory]
    [InlineData("version", "token_dense synapses need format 5, the file says format 4")]
    [InlineData("map", "'map' is missing")]
    [InlineData("map-range", "select synapses: entry 2 reads element 15, outside input [3×5]")]
    [InlineData("map-length", "select synapses: a map of 14 entries does not fill output [5×3]")]
    [InlineData("token-shape", "token dense synapses: weight [5×4] does not take the last axis of input [4×3]")]
    public void DamagedTokenAndSelectSynapsesAreRefusedWithOneLine(string damage, string message)
    {
        string path = SaveToFile(Tokens());
        EditManifest(path, m =>
        {
            JsonNode layers = m["layers"]!;
            JsonNode select = layers[1]!["projections"]![0]!["ops"]![0]!;
            switch (damage)
            {
                case "version": m["format_version"] = 4; break;
                case "map": select.AsObject().Remove("map"); break;
                case "map-range": select["map"]![2] = 15; break;
                case "map-length": select["map"]!.AsArray().RemoveAt(14); break;
                default: layers[0]!["projections"]![0]!["ops"]![0]!["input_shape"] = new JsonArray(4, 3); break;
            }
        });
        var e = Assert.Throws<InvalidModelException>(() => SnnFile.Load(path));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>
    /// A network using every op kind and unusual attributes: grouped, dilated and asymmetrically padded convolution, ceil-mode and
    /// pad-counting pools, concatenation offsets, gains of every length, a shared array.
    /// </summary>
    internal static SpikingNetwork AllKinds()
    {
        var rng = new Random(2);
        var input = new Shape(2, 6, 6);
        var a = new Shape(4, 6, 6);
        float[] sharedBias = TestGraphs.Vector(rng, a.Size, -0.1f, 0.1f);
        var conv = new ConvOp(input, TestGraphs.Random(rng, 0.5f, 4, 1, 3, 3), new Window2d(3, 3, 1, 1, 1, 2, 1, 0), 2, a);
        var layerA = new NeuronLayer("a", a, NeuronParameters.IntegrateAndFire(0.75f, ResetMode.ToZero, 0.5f),
        [
            new Projection(-1, [conv, new ScaleOp(a, [0.5f, 1f, 1.5f, 2f])]),
            new Projection(-1, [new ConcatSliceOp(input, 2, a)]),
        ], sharedBias);
        var pooled = new Shape(4, 3, 3);
        var pool = new MaxPoolLayer("pool", 0, a, new Window2d(3, 3, 2, 2, 0, 0, 0, 0, CeilMode: true), MaxPoolScheme.Gate, pooled);
        var b = new Shape(6, 2, 2);
        var lif = NeuronParameters.LeakyIntegrateAndFire(20f, 1.25f, ResetMode.BySubtraction, vRest: -0.25f, resistance: 2f, dt: 0.5f) with
        {
            RefractorySteps = 3,
            InitialFraction = 0.1f
        };
        var layerB = new NeuronLayer("b", b, lif,
        [
            new Projection(1, [new ConvOp(pooled, TestGraphs.Random(rng, 0.5f, 6, 4, 2, 2),
                new Window2d(2, 2, 1, 1, 0, 0, 1, 1, 2, 2), 1, b), new ScaleOp(b, [3f])]),
            new Projection(0, [new AvgPoolOp(a, new Window2d(4, 4, 3, 3, 1, 1, 1, 1), true, new Shape(4, 2, 2)),
                new ConcatSliceOp(new Shape(4, 2, 2), 1, b)]),
        ], TestGraphs.Vector(rng, b.Size, -0.1f, 0.1f));
        var outShape = new Shape(5);
        var readout = new ReadoutLayer("out", outShape,
        [
            new Projection(2, [new ReshapeOp(b, new Shape(24)), new ScaleOp(new Shape(24), TestGraphs.Vector(rng, 24, 0.5f, 1.5f)),
                new DenseOp(new Shape(24), TestGraphs.Random(rng, 0.5f, 5, 24))]),
            new Projection(0, [new ReshapeOp(a, new Shape(144)), new DenseOp(new Shape(144), TestGraphs.Random(rng, 0.5f, 5, 144))]),
        ], [0.1f, -0.2f, 0.3f, 0f, -0f]);
        var alsoShared = new NeuronLayer("a2", a, NeuronParameters.IntegrateAndFire(), [new Projection(0, [new ReshapeOp(a, a)])],
            sharedBias);
        return new SpikingNetwork("all-kinds", input, [layerA, pool, layerB, readout, alsoShared],
            new Dictionary<string, string> { ["note"] = "ünïcode \"quoted\"\nline", ["empty"] = "" });
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using Stream s = entry.Open();
        var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] ReadEntry(string path, string name)
    {
        using ZipArchive zip = ZipFile.OpenRead(path);
        return ReadAll(zip.GetEntry(name)!);
    }

    private static JsonNode ReadManifest(string path) => JsonNode.Parse(ReadEntry(path, "manifest.json"))!;

    private static string BlobOf(string path, Func<JsonNode, JsonNode> select) => (string)select(ReadManifest(path))["entry"]!;

    internal static void EditManifest(string path, Action<JsonNode> edit)
    {
        JsonNode manifest = ReadManifest(path);
        edit(manifest);
        ReplaceEntry(path, "manifest.json", Encoding.UTF8.GetBytes(manifest.ToJsonString()));
    }

    private static void DeleteEntry(string path, string name)
    {
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(name)!.Delete();
    }

    private static void ReplaceEntry(string path, string name, byte[] content)
    {
        DeleteEntry(path, name);
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Update);
        using Stream s = zip.CreateEntry(name).Open();
        s.Write(content);
    }
}
