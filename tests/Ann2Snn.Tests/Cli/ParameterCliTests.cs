using System.Text.Json;
using Ann2Snn.Cli;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Cli;

/// <summary>
/// Every neuron, step and synapse parameter on the command line: bad values exit 2 naming the option, good ones reach the
/// network (and the .snn file) and the evaluation; each command's help lists only what it uses.
/// </summary>
public sealed class ParameterCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-params-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Mlp => Zoo.ModelPath("mnist_mlp");

    private static string[] Eval(params string[] more) =>
        ["eval", Mlp, "--data", "mnist", "--limit", "32", "--calib-images", "64", "--threads", "1", .. more];

    private static void AssertBadInput((int Code, string Out, string Err) r, string option)
    {
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        string line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ann2snn: error: ", line);
        Assert.Contains($"option '{option}'", line);
    }

    private static JsonElement Json((int Code, string Out, string Err) r)
    {
        Assert.True(r.Code == CliApp.ExitOk, $"exit {r.Code}: {r.Err}");
        return JsonDocument.Parse(r.Out).RootElement.Clone();
    }

    [Theory]
    [InlineData("--dt", "0")]
    [InlineData("--dt", "-0.25")]
    [InlineData("--dt", "1.5")]
    [InlineData("--v-th", "0")]
    [InlineData("--v-th", "-1")]
    [InlineData("--rate-fraction", "0")]
    [InlineData("--rate-fraction", "1.25")]
    [InlineData("--tau-syn", "0")]
    [InlineData("--synapse", "alpha")]
    [InlineData("--duration", "0")]
    [InlineData("--bias-rate", "2")]
    public void BadValuesAreNamedWithTheirDashes(string option, string value) =>
        AssertBadInput(CliContractTests.Run([.. Eval("-T", "4"), option, value]), option);

    [Fact]
    public void ThresholdAtOrBelowRestIsNamed() =>
        AssertBadInput(CliContractTests.Run([.. Eval("-T", "4"), "--neuron", "lif", "--v-th", "0.5", "--v-rest", "0.5"]), "--v-rest");

    [Fact]
    public void AStepLongerThanTheMembraneTimeConstantIsNamed() =>
        AssertBadInput(CliContractTests.Run([.. Eval("-T", "4"), "--neuron", "lif", "--tau-mem", "0.5", "--dt", "0.75"]), "--dt");

    [Fact]
    public void NonPositiveResistanceIsNamed() =>
        AssertBadInput(CliContractTests.Run([.. Eval("-T", "4"), "--neuron", "lif", "-r", "0"]), "--resistance");

    [Fact]
    public void DurationAndTimestepsTogetherAreRefused() =>
        AssertBadInput(CliContractTests.Run([.. Eval("-T", "4"), "--duration", "4"]), "--duration");

    [Fact]
    public void AReportedStepBeyondTheDurationIsNamedAsAt() =>
        AssertBadInput(CliContractTests.Run([.. Eval("--duration", "4"), "--at", "9"]), "--at");

    [Theory]
    [InlineData("{")]
    [InlineData("""{"name": "x", "mac_pj": 1}""")]
    [InlineData("""{"name": "x", "synaptic_event_pj": -1, "mac_pj": 1}""")]
    public void AMalformedEnergyProfileIsNamed(string text)
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, text);
        AssertBadInput(CliContractTests.Run([.. Eval("-T", "4"), "--energy-profile", path]), "--energy-profile");
    }

    [Fact]
    public void ACustomEnergyProfileIsEstimatedBesideTheBuiltInOnes()
    {
        string path = Path.Combine(_dir, "chip.json");
        File.WriteAllText(path, """{"name": "my-chip", "synaptic_event_pj": 2, "mac_pj": 4}""");
        JsonElement json = Json(CliContractTests.Run([.. Eval("-T", "4"), "--energy-profile", path, "--json"]));
        JsonElement[] energy = [.. json.GetProperty("energy").EnumerateArray()];
        JsonElement chip = Assert.Single(energy, e => e.GetProperty("profile").GetString() == "my-chip");
        JsonElement fp32 = Assert.Single(energy, e => e.GetProperty("profile").GetString() == "cmos45-fp32");
        // E_ANN = MACs × E_MAC: 4 pJ against 4.6 pJ per MAC.
        Assert.Equal(fp32.GetProperty("ann_joules_per_image").GetDouble() * 4 / 4.6, chip.GetProperty("ann_joules_per_image").GetDouble(),
            1e-15);
    }

    [Fact]
    public void ConvertStoresTheStepAndTheSynapseAndEvalUsesThem()
    {
        string net = Path.Combine(_dir, "net.snn");
        var c = CliContractTests.Run("convert", Mlp, "--calib", "mnist", "--calib-images", "64", "--dt", "0.5", "--synapse", "exp",
            "--tau-syn", "3", "--v-th", "2", "-o", net);
        Assert.True(c.Code == CliApp.ExitOk, c.Err);
        SpikingNetwork loaded = SnnFile.Load(net);
        Assert.All(loaded.Layers.OfType<NeuronLayer>(), l => Assert.Equal(0.5f, l.Neuron.Dt));
        Assert.All(loaded.Layers.OfType<NeuronLayer>(), l => Assert.Equal(2f, l.Neuron.VThreshold));
        Assert.Equal((SynapseModel.Exponential, (float?)3f), SynapseMetadata.Read(loaded));
        JsonElement json = Json(CliContractTests.Run("eval", net, "--data", "mnist", "--limit", "16", "--duration", "4", "--json"));
        Assert.Equal(8, json.GetProperty("timesteps").GetInt32());
        Assert.Equal("exponential", json.GetProperty("synapse").GetString());
        Assert.Equal(0.5, json.GetProperty("dt").GetDouble());
        JsonElement delta = Json(CliContractTests.Run("eval", net, "--data", "mnist", "--limit", "16", "-T", "8", "--synapse", "delta",
            "--json"));
        Assert.Equal("delta", delta.GetProperty("synapse").GetString());
    }

    [Fact]
    public void AThresholdOfFourGivesTheSameSpikes()
    {
        JsonElement one = Json(CliContractTests.Run([.. Eval("-T", "8"), "--json"]));
        JsonElement four = Json(CliContractTests.Run([.. Eval("-T", "8"), "--v-th", "4", "--json"]));
        Assert.Equal(one.GetProperty("spikes_per_image").GetDouble(), four.GetProperty("spikes_per_image").GetDouble());
        Assert.Equal(one.GetProperty("snn_accuracy").ToString(), four.GetProperty("snn_accuracy").ToString());
    }

    [Fact]
    public void HalvingTheStepAtTheSameDurationKeepsTheRateCode()
    {
        // λ maps to s spikes per τ whatever Δt: over the same duration the spike counts stay close, the steps double.
        JsonElement one = Json(CliContractTests.Run([.. Eval("--duration", "16", "--optimize-for", "none"), "--json"]));
        JsonElement half = Json(CliContractTests.Run([.. Eval("--duration", "16", "--optimize-for", "none", "--dt", "0.5"), "--json"]));
        Assert.Equal(16, one.GetProperty("timesteps").GetInt32());
        Assert.Equal(32, half.GetProperty("timesteps").GetInt32());
        double a = one.GetProperty("spikes_per_image").GetDouble(), b = half.GetProperty("spikes_per_image").GetDouble();
        Assert.InRange(b / a, 0.9, 1.1);
    }

    [Fact]
    public void ModelNormalizationWarnsWhenRatesCannotConverge()
    {
        JsonElement model = Json(CliContractTests.Run([.. Eval("-T", "1"), "--norm", "model", "--optimize-for", "none", "--json"]));
        Assert.Contains("--norm model", Assert.Single(model.GetProperty("rate_warnings").EnumerateArray()).GetString());
        JsonElement data = Json(CliContractTests.Run([.. Eval("-T", "1"), "--optimize-for", "none", "--json"]));
        Assert.Empty(data.GetProperty("rate_warnings").EnumerateArray());
    }

    [Fact]
    public void TtfsReportsItsOneMeaningfulStepAndSaysWhatItIgnores()
    {
        JsonElement json = Json(CliContractTests.Run([.. Eval("--input", "ttfs", "--norm", "max"), "--json"]));
        Assert.Single(json.GetProperty("snn_accuracy").EnumerateObject());
        var r = CliContractTests.Run([.. Eval("--input", "ttfs", "--norm", "max", "-T", "64")]);
        Assert.True(r.Code == CliApp.ExitOk, r.Err);
        Assert.Contains("-T/--duration/--at are ignored", r.Out);
    }

    public static TheoryData<string, string[], string[]> Help => new()
    {
        { "inspect", [], ["--threads", "--limit", "--data"] },
        { "import", [], ["--threads", "--limit"] },
        { "merge", [], ["--threads", "--limit"] },
        { "convert", ["--dt", "--v-th", "--v-rest", "--resistance", "--rate-fraction", "--synapse", "--tau-syn", "--threads", "--data"],
            ["--limit", "--batch", "--energy-profile"] },
        { "export", ["--v-th", "--synapse"], ["--limit", "--batch", "--energy-profile"] },
        { "ann", ["--limit", "--batch", "--threads"], ["--dt", "--norm", "--synapse"] },
        { "eval", ["--limit", "--batch", "--dt", "--duration", "--energy-profile", "--synapse", "--v-th"], [] },
        { "latency", ["--limit", "--dt", "--synapse"], ["--energy-profile"] },
        { "sweep", ["--threads"], ["--limit"] },
        { "attack", ["--sequence", "--limit"], [] },
        { "finetune", ["--limit", "--batch", "--sequence"], [] },
        { "check", [], [] },
        { "bench", [], [] },
        { "demo", [], [] },
    };

    [Theory]
    [MemberData(nameof(Help))]
    public void EachCommandListsOnlyTheOptionsItUses(string command, string[] listed, string[] absent)
    {
        var r = CliContractTests.Run(command, "--help");
        Assert.Equal(CliApp.ExitOk, r.Code);
        foreach (string option in listed) Assert.Contains(option, r.Out);
        foreach (string option in absent) Assert.DoesNotContain(option, r.Out);
    }

    [Theory]
    [InlineData("option 'steps': T = 9 is outside 1..8", "option '--at': T = 9 is outside 1..8")]
    [InlineData("option 'timesteps': T = 0", "option '--timesteps': T = 0")]
    [InlineData("option 'threshold': V_th = 0", "option '--v-th': V_th = 0")]
    [InlineData("option '--dt': already", "option '--dt': already")]
    [InlineData("option 'input_encoding (in the .snn file)': x", "option 'input_encoding (in the .snn file)': x")]
    [InlineData("model 'm': no option here", "model 'm': no option here")]
    public void LibraryOptionNamesGetTheirCommandLineNames(string library, string cli) =>
        Assert.Equal(cli, OptionNames.Dashed(library));
}
