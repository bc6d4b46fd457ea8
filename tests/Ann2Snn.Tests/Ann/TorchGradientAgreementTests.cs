using System.Text.Json;
using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Passes;
using Xunit.Abstractions;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// <see cref="AnnGradients"/> against PyTorch on every zoo model: the input gradient of the summed cross-entropy
/// L = Σₙ (log Σⱼ e^zₙⱼ − zₙ,yₙ) on the first four test images, as <c>bench/attack/make_gradient_fixtures.py</c> computed it
/// with torch autograd through the same ONNX graph in float64 (stored as float32 in
/// <c>tests/Ann2Snn.Tests/Fixtures/gradients/MODEL.json</c>). QCFS models use the same straight-through estimate on both sides
/// (the gradient passes where 0 ≤ x ≤ λ). The graph is checked as imported (what the executor and the attacks run) and after
/// the inference passes (batch norm folded, identities dropped, input scaling folded).
/// </summary>
public sealed class TorchGradientAgreementTests(ITestOutputHelper output)
{
    /// <summary>max |ours − torch| of the input gradient, relative to max |torch|.</summary>
    private const double GradientTolerance = 1e-3;

    /// <summary>max |ours − torch| of the logits, absolute.</summary>
    private const double LogitTolerance = 1e-4;

    private static string FixturesFolder => Path.Combine(Zoo.RepositoryRoot, "tests", "Ann2Snn.Tests", "Fixtures", "gradients");

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string model in Zoo.FeedForwardModelNames())
        {
            data.Add(model, false);
            data.Add(model, true);
        }
        return data;
    }

    [Fact]
    public void Every_zoo_model_has_a_fixture()
    {
        string[] missing = [.. Zoo.FeedForwardModelNames().Where(m => !File.Exists(FixturePath(m)))];
        Assert.True(missing.Length == 0,
            $"no gradient fixture for {string.Join(", ", missing)}: run /usr/bin/python3 bench/attack/make_gradient_fixtures.py");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Input_gradients_agree_with_PyTorch(string model, bool inferencePasses)
    {
        Fixture f = Fixture.Load(FixturePath(model));
        ModelGraph graph = OnnxImporter.Load(Zoo.ModelPath(model));
        if (inferencePasses) graph = PassPipeline.Inference.Run(graph);
        Assert.Equal(f.InputShape, graph.Input.OutputShape.ToArray());

        GradientResult ours = new AnnGradients(graph).Loss(f.Input, f.Labels, f.Images, LogitLoss.CrossEntropy);

        double logitDiff = MaxAbsDiff(f.Logits, ours.Values);
        double gradientScale = f.Gradient.Max(v => Math.Abs((double)v));
        double gradientDiff = MaxAbsDiff(f.Gradient, ours.InputGradient) / gradientScale;
        double loss = ours.Losses.Sum(v => (double)v);
        output.WriteLine($"{model}{(inferencePasses ? " (inference passes)" : "")}: logits max |ours − torch| = {logitDiff:E2}; "
            + $"input gradient max |ours − torch| / max |torch| = {gradientDiff:E2} (max |g| {gradientScale:E2}; "
            + $"torch float32 itself: {f.TorchFloat32GradientDiff:E2}); loss {loss:G6} vs {f.Loss:G6}");
        Assert.True(logitDiff <= LogitTolerance, $"{model}: logits differ from PyTorch's by {logitDiff:E2} > {LogitTolerance:E0}");
        Assert.True(gradientDiff <= GradientTolerance,
            $"{model}: input gradient differs from PyTorch's by {gradientDiff:E2} of max |g| > {GradientTolerance:E0}");
        Assert.True(Math.Abs(loss - f.Loss) <= LogitTolerance * Math.Max(1, Math.Abs(f.Loss)), $"{model}: loss {loss} vs PyTorch {f.Loss}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Fixture_inputs_are_what_our_data_pipeline_feeds_the_model(string model)
    {
        Fixture f = Fixture.Load(FixturePath(model));
        ModelGraph graph = OnnxImporter.Load(Zoo.ModelPath(model));
        Assert.Equal(Zoo.DatasetOf(model), f.Dataset);
        IDataset data = AnnEvaluator.Prepare(graph, DatasetResolver.Open(f.Dataset, DatasetSplit.Test), Zoo.PreprocessingOf(model));
        DataBatch batch = data.Batches(f.Images, f.Images).First();
        Assert.Equal(f.Labels, batch.Labels.Take(f.Images));
        double diff = MaxAbsDiff(f.Input, batch.Data.AsSpan(0, f.Input.Length).ToArray());
        Assert.True(diff <= 1e-6, $"{model}: fixture input differs from our prepared test images by {diff:E2}");
    }

    public static TheoryData<string> Models() => new(Zoo.FeedForwardModelNames());

    private static string FixturePath(string model) => Path.Combine(FixturesFolder, model + ".json");

    private static double MaxAbsDiff(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        return worst;
    }

    /// <summary>One fixture file: the model inputs (batch-major, in the model's layout), labels, and torch's logits and gradient.</summary>
    private sealed record Fixture(string Dataset, int Images, int[] InputShape, int[] Labels, double Loss, float[] Input, float[] Logits,
        float[] Gradient, double TorchFloat32GradientDiff)
    {
        public static Fixture Load(string path)
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement r = json.RootElement;
            return new Fixture(
                r.GetProperty("dataset").GetString()!,
                r.GetProperty("images").GetInt32(),
                [.. r.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt32())],
                [.. r.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32())],
                r.GetProperty("loss").GetDouble(),
                Floats(r, "input"),
                Floats(r, "logits"),
                Floats(r, "gradient"),
                r.GetProperty("float32").GetProperty("max_abs_gradient_diff_over_max_abs_gradient").GetDouble());
        }

        private static float[] Floats(JsonElement r, string key) => [.. r.GetProperty(key).EnumerateArray().Select(e => e.GetSingle())];
    }
}
