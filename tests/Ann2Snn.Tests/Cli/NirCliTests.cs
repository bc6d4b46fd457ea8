using Ann2Snn.Nir;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.Data;
using Ann2Snn.Tests.Nir;
using Ann2Snn.Tests.Snn;

namespace Ann2Snn.Tests.Cli;

/// <summary>export, import and check on the command line: files written or not, exit codes, one-line errors.</summary>
public sealed class NirCliTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Snn(string name = "cnn")
    {
        string path = _dir.File(name + ".snn");
        SnnFile.Save(SnnFileTests.Converted(name), path);
        return path;
    }

    [Fact]
    public void ExportThenImportRoundTripsAndWarnsWhatNirCannotSay()
    {
        string snn = Snn(), nir = _dir.File("cnn.nir"), back = _dir.File("back.snn");
        var (code, output, err) = CliContractTests.Run("export", snn, "--format", "nir", "-o", nir);
        Assert.True(code == 0, err);
        Assert.Contains("warning:", output, StringComparison.Ordinal);
        Assert.Contains("reset by subtraction", output, StringComparison.Ordinal);
        (code, _, err) = CliContractTests.Run("import", nir, "-o", back);
        Assert.True(code == 0, err);
        NirRoundTripTests.SameSpikes(SnnFile.Load(snn), SnnFile.Load(back));
    }

    [Fact]
    public void ImportOfTheReferenceSamplesWorks()
    {
        foreach (string sample in new[] { "mlp_if.nir", "cnn_if.nir" })
        {
            string outPath = _dir.File(sample + ".snn");
            var (code, _, err) = CliContractTests.Run("import", NirRoundTripTests.Fixture(sample), "-o", outPath);
            Assert.True(code == 0, err);
            Assert.True(SnnFile.Load(outPath).Layers.Count >= 2);
        }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("17")]
    [InlineData("eight")]
    public void WeightBitsOutsideTwoToSixteenExitTwoNamingTheOptionAndWriteNothing(string bits)
    {
        string outPath = _dir.File("q.nir");
        var (code, _, err) = CliContractTests.Run("export", Snn(), "--format", "nir", "-o", outPath, "--weight-bits", bits);
        Assert.Equal(2, code);
        Assert.Contains("--weight-bits", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void TargetTheNetworkCannotMeetIsRefusedUnlessForced()
    {
        string snn = Snn(), outPath = _dir.File("x.nir");
        var (code, output, err) = CliContractTests.Run("export", snn, "--format", "nir", "-o", outPath, "--target", "xylo");
        Assert.Equal(2, code);
        Assert.Contains("fail", output, StringComparison.Ordinal);
        Assert.Contains("target 'xylo'", err, StringComparison.Ordinal);
        Assert.Contains("--force", err, StringComparison.Ordinal);
        Assert.False(File.Exists(outPath));
        (code, _, err) = CliContractTests.Run("export", snn, "--format", "nir", "-o", outPath, "--target", "xylo", "--force");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(outPath));
    }

    [Fact]
    public void CheckPrintsJsonVerdictsAndExitsByThem()
    {
        var (code, output, _) = CliContractTests.Run("check", Snn(), "--target", "generic", "--json");
        Assert.Equal(0, code);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("passes").GetBoolean());
        Assert.Equal(4, json.RootElement.GetProperty("layers").GetArrayLength());
        (code, _, _) = CliContractTests.Run("check", Snn(), "--target", "loihi2");
        Assert.Equal(2, code);
    }

    [Fact]
    public void BadNirFileExitsTwoWithOneLine()
    {
        string bad = _dir.File("bad.nir"), outPath = _dir.File("bad.snn");
        File.WriteAllBytes(bad, File.ReadAllBytes(NirRoundTripTests.Fixture("mlp_if.nir"))[..5000]);
        var (code, _, err) = CliContractTests.Run("import", bad, "-o", outPath);
        Assert.Equal(2, code);
        Assert.Contains("bad.nir", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(outPath));
    }

    [Fact]
    public void UnknownFormatAndTargetAreUsageErrors()
    {
        var (code, _, err) = CliContractTests.Run("export", Snn(), "--format", "onnx", "-o", _dir.File("a.x"));
        Assert.Equal(2, code);
        Assert.Contains("--format", err, StringComparison.Ordinal);
        (code, _, err) = CliContractTests.Run("check", Snn(), "--target", "truenorth");
        Assert.Equal(2, code);
        Assert.Contains("--target", err, StringComparison.Ordinal);
    }
}

/// <summary>Every zoo model converts and exports to a NIR file that validates and imports back to the same spikes.</summary>
public sealed class ZooNirExportTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Models => [.. Zoo.FeedForwardModelNames()];

    [Theory]
    [MemberData(nameof(Models))]
    public void ZooModelExportsValidatesAndImportsToTheSameSpikes(string model)
    {
        SpikingNetwork net = NirRoundTripTests.ConvertZoo(model);
        if (net.Layers.Any(l => l is NeuronLayer { NegativeGain: not null }))
        {
            // LeakyRelu/PRelu populations: NIR has no negative branch; the exporter keeps it in metadata and warns.
            Assert.Contains(NirExporter.Export(net).Warnings, w => w.Contains("ann2snn_negative_gain", StringComparison.Ordinal));
        }
        string path = _dir.File(model + ".nir");
        NirFile.Write(NirExporter.Export(net).Graph, path);
        NirGraph g = NirFile.Read(path); // validated as the reference reader's type check does
        Assert.Equal(NirFile.WrittenVersion, "1.0.7");
        SpikingNetwork back = NirImporter.Import(g, model);
        NirRoundTripTests.SameSpikes(net, back, count: 2);
    }
}
