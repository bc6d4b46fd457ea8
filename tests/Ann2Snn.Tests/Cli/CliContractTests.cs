using Ann2Snn.Cli;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;
using Spectre.Console;

namespace Ann2Snn.Tests.Cli;

/// <summary>The CLI's contract: bad input gives exit code 2 and one line on stderr naming the file, node or option.</summary>
public sealed class CliContractTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the CLI on a plain, non-interactive console 200 columns wide: exit code, stdout, stderr.</summary>
    internal static (int Code, string Out, string Err) Run(params string[] args) => RunAt(200, args);

    /// <summary>Runs the CLI on a plain, non-interactive console <paramref name="width"/> columns wide.</summary>
    internal static (int Code, string Out, string Err) RunAt(int width, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        int code = CliApp.Run(args, console, error);
        return (code, output.ToString(), error.ToString());
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void Json_stays_valid_on_a_narrow_console()
    {
        // The renderer wraps at the console's width (COLUMNS=30 here); --json must not go through it.
        string model = Write("a-model-with-a-long-enough-name-to-wrap.onnx", Mlp().ToBytes());
        var r = RunAt(30, "inspect", model, "--json");
        Assert.Equal(CliApp.ExitOk, r.Code);
        using var json = System.Text.Json.JsonDocument.Parse(r.Out);
        Assert.Equal(model, json.RootElement.GetProperty("model").GetString());
    }

    /// <summary>input [N,4] → Gemm 3 (valid), with edits applied by the caller.</summary>
    private static OnnxBuilder Mlp(float[]? weights = null) =>
        new OnnxBuilder(13)
            .Input("x", 4)
            .Initializer("w", [3, 4], weights ?? Enumerable.Range(0, 12).Select(i => i * 0.1f).ToArray())
            .Initializer("b", [3], [0f, 0f, 0f])
            .Node("Gemm", ["x", "w", "b"], "y", OnnxAttr.Int("transB", 1))
            .Output("y", OnnxBuilder.BatchParam, 3);

    private static void AssertBadInput((int Code, string Out, string Err) r, params string[] mentions)
    {
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        string line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ann2snn: error: ", line);
        foreach (string m in mentions) Assert.Contains(m, line);
    }

    [Fact]
    public void InspectPrintsTheTableAndTheVerdict()
    {
        var r = Run("inspect", Write("ok.onnx", Mlp().ToBytes()));
        Assert.Equal(0, r.Code);
        Assert.Contains("Dense", r.Out);
        Assert.Contains("convertible to an SNN", r.Out);
        Assert.Equal("", r.Err);
    }

    [Fact]
    public void InspectSaysASigmoidHeadIsPartOfTheReadoutAHiddenTanhBlocksAndAnInputTanhIsTheEncoders()
    {
        OnnxBuilder head = Mlp().Node("Sigmoid", ["y"], "p");
        head.Graph.Output[0].Name = "p";
        var r = Run("inspect", Write("head.onnx", head.ToBytes()));
        Assert.Equal(0, r.Code);
        Assert.Contains("p: part of the readout: Sigmoid keeps the order of the outputs", r.Out);
        Assert.Contains("convertible to an SNN", r.Out);

        OnnxBuilder hidden = Mlp().Node("Tanh", ["y"], "t").Node("Relu", ["t"], "z");
        hidden.Graph.Output[0].Name = "z";
        r = Run("inspect", Write("hidden.onnx", hidden.ToBytes()));
        Assert.Equal(0, r.Code);
        Assert.Contains("not convertible to an SNN", r.Out);
        Assert.Contains("node 't' (Tanh): Tanh inside the network: no spiking equivalent", r.Out);

        // On the input itself it is the input encoding's.
        OnnxBuilder encoded = new OnnxBuilder(13).Input("x", 4).Node("Tanh", ["x"], "t").Node("Relu", ["t"], "y").Output("y");
        r = Run("inspect", Write("encoded.onnx", encoded.ToBytes()));
        Assert.Equal(0, r.Code);
        Assert.Contains("convertible to an SNN", r.Out);
        Assert.DoesNotContain("not convertible", r.Out);
        Assert.Contains("t: part of the input encoding: the encoder applies it to the data", r.Out);
    }

    [Fact]
    public void TruncatedModel() =>
        AssertBadInput(Run("inspect", Write("cut.onnx", Mlp().ToBytes()[..40])), "cut.onnx");

    [Fact]
    public void RandomBytes()
    {
        var bytes = new byte[4096];
        new Random(5).NextBytes(bytes);
        AssertBadInput(Run("inspect", Write("noise.onnx", bytes)), "noise.onnx");
    }

    [Fact]
    public void ProtobufThatIsNotAModel() =>
        AssertBadInput(Run("inspect", Write("tensor.onnx", OnnxBuilder.FloatTensor("t", [2], [1f, 2f]).ToByteArrayOfMessage())),
            "tensor.onnx");

    [Fact]
    public void UnsupportedOperatorIsNamedWithItsNode()
    {
        var model = new OnnxBuilder(13).Input("x", 4).NamedNode("weird_1", "Selu", ["x"], ["y"]).Output("y", OnnxBuilder.BatchParam, 4);
        AssertBadInput(Run("inspect", Write("selu.onnx", model.ToBytes())), "selu.onnx", "weird_1", "Selu", "supported ops");
    }

    [Fact]
    public void NaNWeightIsNamedWithItsTensor()
    {
        float[] w = Enumerable.Range(0, 12).Select(i => i == 7 ? float.NaN : 0.1f).ToArray();
        AssertBadInput(Run("inspect", Write("nan.onnx", Mlp(w).ToBytes())), "nan.onnx", "'w'");
    }

    [Fact]
    public void TensorClaimingATrillionElementsIsRefused()
    {
        OnnxBuilder model = Mlp();
        var huge = model.Graph.Initializer.Single(t => t.Name == "w");
        huge.Dims.Clear();
        huge.Dims.Add(1_000_000);
        huge.Dims.Add(1_000_000);
        AssertBadInput(Run("inspect", Write("huge.onnx", model.ToBytes())), "huge.onnx");
    }

    [Fact]
    public void MissingFile() => AssertBadInput(Run("inspect", Path.Combine(_dir, "absent.onnx")), "absent.onnx");

    [Theory]
    [InlineData("--timesteps", "0", "--timesteps")]
    [InlineData("--norm", "p101", "--norm")]
    [InlineData("--neuron", "hodgkin", "--neuron")]
    [InlineData("--input", "morse", "--input")]
    [InlineData("--at", "999", "--at")]
    [InlineData("--timesteps", "-5", "--timesteps")]
    [InlineData("--norm", "p0", "--norm")]
    [InlineData("--percentile", "0", "--percentile")]
    [InlineData("--percentile", "-1", "--percentile")]
    [InlineData("--percentile", "100.5", "--percentile")]
    [InlineData("--percentile", "NaN", "--percentile")]
    [InlineData("--calib-images", "0", "--calib-images")]
    [InlineData("--v-init", "1", "--v-init")]
    [InlineData("--refractory", "-1", "--refractory")]
    [InlineData("--burst", "0", "--burst")]
    [InlineData("--burst", "-1", "--burst")]
    [InlineData("--burst", "1.5", "--burst")]
    [InlineData("--burst", "65", "--burst")]
    [InlineData("--optimize-for", "0", "--optimize-for")]
    [InlineData("--optimize-for", "-4", "--optimize-for")]
    [InlineData("--optimize-for", "4.5", "--optimize-for")]
    [InlineData("--optimize-for", "soon", "--optimize-for")]
    [InlineData("--calibrate", "heavy", "--calibrate")]
    [InlineData("--calib-images", "1000000", "--calib-images")]
    public void BadOptionsAreNamed(string option, string value, string mention) =>
        AssertBadInput(Run("eval", Write("ok.onnx", Mlp().ToBytes()), "--data", "mnist", "-T", "16", option, value), mention);

    [Theory]
    [InlineData("fit")]
    [InlineData("channel-fit")]
    public void FittedNormalizationWithoutAWindowIsNamed(string norm) =>
        AssertBadInput(Run("convert", Write("ok.onnx", Mlp().ToBytes()), "--calib", "mnist", "--norm", norm, "-o",
            Path.Combine(_dir, "fit.snn")), "--norm");

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("NaN")]
    public void NonPositiveMembraneTimeConstantIsNamed(string tau) =>
        AssertBadInput(Run("eval", Write("ok.onnx", Mlp().ToBytes()), "--data", "mnist", "-T", "16", "--neuron", "lif", "--tau-mem", tau),
            "--tau-mem");

    [Fact]
    public void UnknownOrMisspeltOptionIsAUsageError()
    {
        var r = Run("eval", Write("ok.onnx", Mlp().ToBytes()), "--data", "mnist", "--timestep", "0");
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains("timestep", r.Err);
        Assert.Contains("usage", r.Err);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void NonFiniteDataIsNamedWithItsFile(float bad, string shown)
    {
        float[] x = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, bad, 0.7f, 0.8f];
        string images = Write("x.npy", Data.DataFiles.Npy("<f4", [2, 4], Data.DataFiles.Bytes(x)));
        string labels = Write("y.npy", Data.DataFiles.Npy("<i8", [2], Data.DataFiles.Bytes(0L, 2L)));
        AssertBadInput(Run("ann", Write("ok.onnx", Mlp().ToBytes()), "--data", $"{images},{labels}"), "x.npy", "sample 1 element 1", shown);
    }

    [Fact]
    public void EmptyDataSetIsNamed()
    {
        string images = Write("x.npy", Data.DataFiles.Npy("<f4", [0, 4], []));
        string labels = Write("y.npy", Data.DataFiles.Npy("<i8", [0], []));
        AssertBadInput(Run("ann", Write("ok.onnx", Mlp().ToBytes()), "--data", $"{images},{labels}"), "x.npy", "no samples");
    }

    [Fact]
    public void CorruptSpikingNetworkIsNamed()
    {
        var bytes = new byte[600];
        new Random(9).NextBytes(bytes);
        AssertBadInput(Run("eval", Write("noise.snn", bytes), "--data", "mnist", "-T", "4"), "noise.snn");
    }

    [Fact]
    public void DataThatDoesNotFitTheModelIsNamed() =>
        AssertBadInput(Run("ann", Write("ok.onnx", Mlp().ToBytes()), "--data", "mnist", "--limit", "4"), "data", "[4]");

    [Fact]
    public void UnknownCommandIsAUsageError()
    {
        var r = Run("frobnicate");
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.Contains("usage", r.Err);
    }

    [Fact]
    public void FailedConvertLeavesNoFileBehind()
    {
        string output = Path.Combine(_dir, "net.snn");
        var model = new OnnxBuilder(13).Input("x", 4).NamedNode("weird_1", "Selu", ["x"], ["y"]).Output("y", OnnxBuilder.BatchParam, 4);
        AssertBadInput(Run("convert", Write("selu.onnx", model.ToBytes()), "-o", output), "weird_1");
        Assert.Empty(Directory.GetFiles(_dir, "*.snn*"));
    }

    [Fact]
    public void ConvertThenEvalASavedNetworkWithItsStoredEncoding()
    {
        // The bundled MLP, converted for time-to-first-spike input; eval of the .snn picks that encoding up.
        string model = Path.Combine(Zoo.RepositoryRoot, "models", "mnist_mlp.onnx");
        string net = Path.Combine(_dir, "mlp.snn");
        var converted = Run("convert", model, "--calib", "mnist", "--calib-images", "200", "--norm", "max", "--input", "ttfs", "-o", net);
        Assert.Equal(0, converted.Code);
        Assert.True(File.Exists(net));
        var r = Run("eval", net, "--data", "mnist", "--limit", "200", "--ann", model, "--json");
        Assert.Equal(0, r.Code);
        var json = System.Text.Json.JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("ttfs", json.GetProperty("input").GetString());
        Assert.Equal("ttfs", json.GetProperty("backend").GetString());
        double ann = json.GetProperty("ann_accuracy").GetDouble();
        int steps = json.GetProperty("timesteps").GetInt32();
        double snn = json.GetProperty("snn_accuracy").GetProperty(steps.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .GetDouble();
        Assert.InRange(snn, ann - 0.03, 1.0); // 3 layers of one spike per neuron, W = 32: within 3 pp on 200 images
    }

    [Fact]
    public void EvalWithReportWritesTheFolderAndPrintsIndexHtml()
    {
        string model = Path.Combine(Zoo.RepositoryRoot, "models", "mnist_mlp.onnx");
        string report = Path.Combine(_dir, "report");
        var r = Run("eval", model, "--data", "mnist", "--limit", "64", "-T", "16", "--calib-images", "64", "--report", report);
        Assert.Equal(0, r.Code);
        string index = Path.Combine(report, "index.html");
        Assert.Contains(index, r.Out.Replace("\n", "", StringComparison.Ordinal));
        foreach (string file in new[] { "report.json", "manifest.json", "accuracy.csv", "layers.csv", "energy.csv", "agreement.csv",
            "bias_variance.csv", "accuracy.png" })
        {
            Assert.True(File.Exists(Path.Combine(report, file)), file);
        }
        Assert.Equal(["report"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void BenchTimesEveryBackendOnTheSameImagesAndSavesTheNetwork()
    {
        string net = Path.Combine(_dir, "bench.snn");
        string model = Path.Combine(Zoo.RepositoryRoot, "models", "mnist_mlp.onnx");
        var r = Run("bench", model, "--data", "mnist", "-T", "4", "--images", "16", "--calib-images", "64", "--threads", "1",
            "--repetitions", "3", "--save", net, "--json");
        Assert.Equal(0, r.Code);
        Assert.True(File.Exists(net));
        var json = System.Text.Json.JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal(16, json.GetProperty("images").GetInt32());
        var backends = json.GetProperty("backends").EnumerateArray().ToArray();
        Assert.Equal(["dense", "layered", "event"], backends.Select(b => b.GetProperty("backend").GetString()));
        Assert.All(backends, b => Assert.Equal(backends[0].GetProperty("accuracy").GetDouble(), b.GetProperty("accuracy").GetDouble()));
        Assert.True(backends.All(b => b.GetProperty("images_per_second").GetDouble() > 0));
        Assert.Equal(3, json.GetProperty("repetitions").GetInt32());
        foreach (string ratio in new[] { "event_over_dense", "event_over_layered", "layered_over_dense" }) Assert.True(
            json.GetProperty(ratio).GetDouble() > 0, ratio);
    }

    [Fact]
    public void BenchNamesAnUnknownBackend() =>
        AssertBadInput(Run("bench", Write("ok.onnx", Mlp().ToBytes()), "--data", "mnist", "--backends", "dense,ttfs"), "--backends",
            "ttfs");

    [Fact]
    public void BenchRefusesZeroRepetitions()
    {
        var r = Run("bench", Write("ok.onnx", Mlp().ToBytes()), "--data", "mnist", "--repetitions", "0");
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        Assert.StartsWith("ann2snn: usage error: option '--repetitions': 0", r.Err);
    }
}

internal static class ProtobufExtensions
{
    public static byte[] ToByteArrayOfMessage(this Google.Protobuf.IMessage message)
        => Google.Protobuf.MessageExtensions.ToByteArray(message);
}
