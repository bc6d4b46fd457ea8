using System.Text.Json;
using Ann2Snn.Cli;
using Ann2Snn.Evaluation;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Cli;

/// <summary>
/// --pixel-scale, --mean and --std on every command that reads data, the adaptation of a flat MLP to the bundled images,
/// and the preprocessing a converted network stores and eval applies.
/// </summary>
public sealed class PreprocessingCliTests : IDisposable
{
    private const string Adapted = "flatten [1×28×28] → [784]";
    private static readonly string Mlp = Zoo.ModelPath("mnist_mlp");
    private readonly string _dir = Directory.CreateTempSubdirectory("ann2snn-prep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static JsonElement Json((int Code, string Out, string Err) r)
    {
        Assert.True(r.Code == 0, r.Err);
        return JsonDocument.Parse(r.Out).RootElement;
    }

    public static TheoryData<string, string, string, string> BadValues()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (string command in new[] { "convert", "eval", "ann", "bench", "demo" })
        {
            data.Add(command, "--pixel-scale", "0", "'0' must be positive and finite");
            data.Add(command, "--pixel-scale", "-1", "'-1' must be positive and finite");
            data.Add(command, "--pixel-scale", "NaN", "'NaN' must be positive and finite");
            data.Add(command, "--pixel-scale", "1/0", "'1/0' must be positive and finite");
            data.Add(command, "--pixel-scale", "half", "'half' is not a number");
            data.Add(command, "--std", "0", "0 must be positive and finite");
            data.Add(command, "--std", "NaN", "NaN must be positive and finite");
            data.Add(command, "--std", "-0.3", "-0.3 must be positive and finite");
            data.Add(command, "--mean", "Infinity", "Infinity must be finite");
            data.Add(command, "--mean", "0.1,x", "'x' in '0.1,x' is not a number");
            data.Add(command, "--mean", "0.1,0.2", "2 values (0.1,0.2) for samples of 1 channel");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void BadValuesExitWithTwoNamingTheOptionAndWriteNothing(string command, string option, string value, string problem)
    {
        string output = Path.Combine(_dir, "net.snn"), report = Path.Combine(_dir, "report");
        string[] args = command switch
        {
            "convert" => ["convert", Mlp, "--calib-images", "64", "-o", output],
            "demo" => ["demo", "--limit", "8", "-T", "4", "--report", report],
            _ => [command, Mlp, "--limit", "8"],
        };
        var r = CliContractTests.Run([.. args, $"{option}={value}"]);
        Assert.Equal(CliApp.ExitBadInput, r.Code);
        string line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"ann2snn: error: option '{option}': {problem}", line);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void AFlatMlpEvaluatesOnTheBundledImagesUnchanged()
    {
        string flat = Write("flat.onnx", ZooVariants.FlatMlp());
        JsonElement original = Json(CliContractTests.Run("ann", Mlp, "--data", "mnist", "--limit", "500", "--json"));
        JsonElement adapted = Json(CliContractTests.Run("ann", flat, "--data", "mnist", "--limit", "500", "--json"));
        Assert.Equal(original.GetProperty("correct").GetInt32(), adapted.GetProperty("correct").GetInt32());
        Assert.True(original.GetProperty("ann_accuracy").GetDouble() > 0.95);
        Assert.Equal(JsonValueKind.Null, original.GetProperty("input_adaptation").ValueKind);
        Assert.Equal(Adapted, adapted.GetProperty("input_adaptation").GetString());
        Assert.Equal(0, adapted.GetProperty("warnings").GetArrayLength());

        string[] eval = ["--data", "mnist", "--limit", "64", "-T", "16", "--calib-images", "64", "--json"];
        JsonElement snn = Json(CliContractTests.Run(["eval", flat, .. eval]));
        JsonElement reference = Json(CliContractTests.Run(["eval", Mlp, .. eval]));
        Assert.Equal(Adapted, snn.GetProperty("input_adaptation").GetString());
        foreach (string key in new[] { "ann_accuracy", "snn_accuracy", "spikes_per_image", "synaptic_events_per_image" })
        {
            Assert.Equal(reference.GetProperty(key).GetRawText(), snn.GetProperty(key).GetRawText());
        }

        var text = CliContractTests.Run("ann", flat, "--data", "mnist", "--limit", "16");
        Assert.Equal(0, text.Code);
        Assert.Contains($"input adapted: {Adapted}", text.Out);
        Assert.DoesNotContain("warning", text.Out);
    }

    [Fact]
    public void ConvertStoresThePreprocessingAndEvalOfTheNetworkReproducesIt()
    {
        // The bundled MLP as trained on torchvision-normalized pixels: right only with --mean 0.1307 --std 0.3081.
        string model = Write("normalized.onnx", ZooVariants.NormalizedMlp(0.1307f, 0.3081f));
        string net = Path.Combine(_dir, "normalized.snn");
        string[] given = ["--mean", "0.1307", "--std", "0.3081"];
        JsonElement converted = Json(CliContractTests.Run(
            ["convert", model, "--calib", "mnist", "--calib-images", "200", .. given, "-o", net, "--json"]));
        Assert.Equal(0.1307, converted.GetProperty("preprocessing").GetProperty("mean")[0].GetDouble(), 6);
        SpikingNetwork stored = SnnFile.Load(net);
        Assert.Equal("0.1307", stored.Metadata[PreprocessingMetadata.MeanKey]);
        Assert.Equal("0.3081", stored.Metadata[PreprocessingMetadata.StdKey]);
        Assert.False(stored.Metadata.ContainsKey(PreprocessingMetadata.PixelScaleKey));

        string[] eval = ["--data", "mnist", "--limit", "200", "-T", "32", "--json"];
        JsonElement fromFile = Json(CliContractTests.Run(["eval", net, "--ann", model, .. eval]));
        JsonElement onTheFly = Json(CliContractTests.Run(["eval", model, "--calib-images", "200", .. given, .. eval,
            "--optimize-for", "none"]));
        JsonElement unnormalized = Json(CliContractTests.Run(["eval", Mlp, "--calib-images", "200", .. eval, "--optimize-for", "none"]));
        foreach (string key in new[] { "ann_accuracy", "snn_accuracy", "spikes_per_image", "synaptic_events_per_image", "preprocessing" })
        {
            Assert.Equal(onTheFly.GetProperty(key).GetRawText(), fromFile.GetProperty(key).GetRawText());
        }
        // The same function of the pixels as the bundled model, so the same numbers as it on plain pixels.
        Assert.Equal(unnormalized.GetProperty("ann_accuracy").GetDouble(), fromFile.GetProperty("ann_accuracy").GetDouble());
        Assert.Equal(unnormalized.GetProperty("snn_accuracy").GetRawText(), fromFile.GetProperty("snn_accuracy").GetRawText());

        // Explicit options override the stored values.
        JsonElement overridden = Json(CliContractTests.Run(["eval", net, "--ann", model, "--mean", "0", "--std", "1", .. eval]));
        Assert.Equal(0, overridden.GetProperty("preprocessing").GetProperty("mean")[0].GetDouble());
        Assert.True(overridden.GetProperty("ann_accuracy").GetDouble() < fromFile.GetProperty("ann_accuracy").GetDouble() - 0.3);
    }

    [Fact]
    public void AnAnnBelowHalfRightWarnsThatTheScalingProbablyDiffers()
    {
        string model = Write("normalized.onnx", ZooVariants.NormalizedMlp(0.1307f, 0.3081f));
        JsonElement json = Json(CliContractTests.Run("ann", model, "--data", "mnist", "--limit", "200", "--json"));
        Assert.True(json.GetProperty("ann_accuracy").GetDouble() < 0.5);
        string warning = Assert.Single(json.GetProperty("warnings").EnumerateArray()).GetString()!;
        foreach (string option in new[] { "--pixel-scale", "--mean", "--std" }) Assert.Contains(option, warning);

        var text = CliContractTests.Run("eval", model, "--data", "mnist", "--limit", "64", "-T", "8", "--calib-images", "64");
        Assert.Equal(0, text.Code);
        Assert.Contains("warning: the ANN's accuracy is", text.Out);
        Assert.Contains("the input scaling probably differs", text.Out.Replace("\n", " ", StringComparison.Ordinal));

        JsonElement right = Json(CliContractTests.Run("ann", model, "--data", "mnist", "--limit", "200", "--mean", "0.1307", "--std",
            "0.3081", "--json"));
        Assert.True(right.GetProperty("ann_accuracy").GetDouble() > 0.95);
        Assert.Equal(0, right.GetProperty("warnings").GetArrayLength());
    }
}
