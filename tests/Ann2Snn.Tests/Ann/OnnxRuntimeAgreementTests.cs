using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// The ANN side against ONNX Runtime on random graphs: each seeded <see cref="RandomOnnxModel"/> is imported with
/// <see cref="OnnxImporter"/> and run by <see cref="AnnExecutor"/> and by ONNX Runtime on the same random batch; the
/// outputs must agree to 1e-4 × max(1, max |ONNX Runtime output|).
/// </summary>
public sealed class OnnxRuntimeAgreementTests
{
    private const int Graphs = 1000;
    internal const float RelativeTolerance = 1e-4f;

    /// <summary>Ops every run of <see cref="Graphs"/> models must contain at least a few times, or the generator has drifted.</summary>
    private static readonly string[] Covered =
    [
        "Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Conv", "Div", "Dropout", "Flatten", "Gemm",
        "GlobalAveragePool", "Identity", "LogSoftmax", "MatMul", "MaxPool", "Mul", "Relu", "Reshape", "Softmax", "Squeeze", "Sub",
    ];

    [Fact]
    public void Random_graphs_agree_with_OnnxRuntime()
    {
        var failures = new List<(int Seed, string Report)>();
        var ops = new Dictionary<string, int>(StringComparer.Ordinal);
        var opsets = new HashSet<int>();
        for (int seed = 1; seed <= Graphs; seed++)
        {
            RandomOnnxModel model = RandomOnnxModel.Generate(seed);
            foreach (string op in model.OpTypes) ops[op] = ops.GetValueOrDefault(op) + 1;
            opsets.Add(model.Opset);
            if (Disagreement(model) is { } report) failures.Add((seed, report));
        }
        Assert.True(failures.Count == 0,
            $"{failures.Count} of {Graphs} random graphs disagree with ONNX Runtime "
            + $"(seeds {string.Join(", ", failures.Select(f => f.Seed))}):\n\n"
            + string.Join("\n", failures.Select(f => f.Report.Split('\n')[0])) + "\n\n"
            + string.Join("\n\n", failures.Take(3).Select(f => f.Report)));
        Assert.Equal(Enumerable.Range(11, 7), opsets.Order());
        foreach (string op in Covered) Assert.True(ops.GetValueOrDefault(op) >= 5,
            $"only {ops.GetValueOrDefault(op)} {op} nodes in {Graphs} graphs");
    }

    /// <summary>
    /// ONNX Runtime keeps a ceil-mode window only when it starts inside the input or its leading padding, as PyTorch
    /// does and as we do; the bare ONNX formula (which ONNX Runtime's shape inference uses) would count one more.
    /// Along W: 10 columns, k 3, s 3, pads 1/2 → 4 windows (the bare formula: 5, the fifth starting at column 11).
    /// Along H: 5 rows, k 2, s 2, pads 1/1 → 3 (bare: 4).
    /// </summary>
    [Theory]
    [InlineData("MaxPool", 0, 11)]
    [InlineData("MaxPool", 0, 17)]
    [InlineData("AveragePool", 0, 13)]
    [InlineData("AveragePool", 1, 13)]
    public void Ceil_mode_drops_a_last_window_that_would_start_in_the_end_padding(string op, int countIncludePad, int opset)
    {
        var b = new OnnxBuilder(opset).Input("x", 2, 5, 10);
        var attrs = new List<global::Onnx.AttributeProto>
        {
            OnnxAttr.Ints("kernel_shape", 2, 3), OnnxAttr.Ints("strides", 2, 3), OnnxAttr.Ints("pads", 1, 1, 1, 2),
            OnnxAttr.Int("ceil_mode", 1),
        };
        if (op == "AveragePool") attrs.Add(OnnxAttr.Int("count_include_pad", countIncludePad));
        b.Node(op, ["x"], "y", [.. attrs]).Output("y");
        ModelGraph graph = OnnxImporter.Load(b.ToBytes(), "ceil.onnx");
        Assert.Equal([2, 3, 4], graph.Output.OutputShape);
        AssertAgrees(Disagreement(b.ToBytes(), [2, 5, 10], batch: 3, seed: 5, $"{op} ceil_mode count_include_pad={countIncludePad}"));
    }

    [Fact]
    public void A_pooling_window_over_padding_only_is_refused()
    {
        // Taps at rows −1 and 1 of a one-row input: nothing to take the maximum of (ONNX Runtime yields float.MinValue).
        var dilated = new OnnxBuilder(13).Input("x", 2, 1, 6)
            .Node("MaxPool", ["x"], "y", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Ints("pads", 1, 0, 1, 0),
                OnnxAttr.Ints("dilations", 2, 1))
            .Output("y");
        string message = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(dilated.ToBytes(), "dilated.onnx")).Message;
        Assert.Contains("output row 0 covers only padding of the 1×6 input", message);

        // A Pad of two rows folded into a 2×2 MaxPool: window row 0 holds only the Pad's zeros, whose maximum is 0, but
        // folded they would be the pooling's own (−∞) padding.
        message = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(ReluPool("MaxPool", padTop: true), "padded.onnx")).Message;
        Assert.Contains("output row 0 covers only padding of the 4×4 input", message);
    }

    [Fact]
    public void A_pad_wider_than_the_kernel_folds_into_average_pooling()
    {
        // The folded zeros count, and a window of zeros averages to 0. ONNX Runtime itself cannot run this graph (its
        // optimizer fuses the Pad and then refuses pads ≥ kernel), so rows 1–2 are compared with its pooling of the
        // unpadded tensor.
        ModelGraph graph = OnnxImporter.Load(ReluPool("AveragePool", padTop: true), "averaged.onnx");
        Assert.Equal([2, 3, 2], graph.Output.OutputShape);
        float[] x = TestData.Uniform(9, 2 * 32);
        float[] ours = new AnnExecutor(graph).Forward(x, 2);
        float[] rest = Ort.Run(ReluPool("AveragePool", padTop: false), x, 2, 2, 4, 4).Data;
        for (int plane = 0; plane < 4; plane++)
        {
            Assert.Equal([0f, 0f], ours.AsSpan(plane * 6, 2).ToArray());
            float[] expected = rest.AsSpan(plane * 4, 4).ToArray(), actual = ours.AsSpan((plane * 6) + 2, 4).ToArray();
            Assert.True(MaxAbsDiff(expected, actual).Max <= RelativeTolerance,
                $"plane {plane}: ONNX Runtime [{string.Join(", ", expected)}], ours [{string.Join(", ", actual)}]");
        }
    }

    /// <summary>Input [N, 2, 4, 4] → Relu → (a Pad of two rows on top) → 2×2 stride-2 <paramref name="op"/>.</summary>
    private static byte[] ReluPool(string op, bool padTop)
    {
        var b = new OnnxBuilder(13).Input("x", 2, 4, 4).Node("Relu", ["x"], "r");
        if (padTop) b.Initializer("pads", [0, 0, 2, 0, 0, 0, 0, 0]).Node("Pad", ["r", "pads"], "p");
        return b.Node(op, [padTop ? "p" : "r"], "y", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Ints("strides", 2, 2))
            .Output("y").ToBytes();
    }

    private static void AssertAgrees(string? disagreement) => Assert.True(disagreement is null, disagreement);

    /// <summary>
    /// Null when ours and ONNX Runtime agree on the random model; otherwise a report with the seed, the steps and our graph.
    /// </summary>
    internal static string? Disagreement(RandomOnnxModel model) =>
        Disagreement(model.Bytes, model.InputShape, model.Batch, model.Seed,
            $"seed {model.Seed} (RandomOnnxModel.Generate({model.Seed}))", model.Steps);

    /// <summary>
    /// Imports <paramref name="onnx"/>, runs it with our executor and with ONNX Runtime on a batch drawn from
    /// <paramref name="seed"/>, and returns null when the outputs agree to the tolerance, else what went wrong.
    /// </summary>
    internal static string? Disagreement(byte[] onnx, int[] inputShape, int batch, int seed, string header, string steps = "")
    {
        ModelGraph graph;
        try
        {
            graph = OnnxImporter.Load(onnx, $"random_{seed}.onnx");
        }
        catch (Ann2SnnException ex)
        {
            return $"{header}: the importer refuses it: {ex.Message}\n{steps}";
        }
        int[] dims = [batch, .. inputShape];
        float[] input = TestData.Uniform(seed, dims.Aggregate(1, (a, b) => a * b));
        float[] expected;
        int[] expectedDims;
        try
        {
            (expected, expectedDims) = Ort.Run(onnx, input, dims);
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
        {
            return $"{header}: ONNX Runtime refuses it (a generator bug): {ex.Message}\n{steps}";
        }
        string context = $"{steps}\n-- imported graph --\n{graph.Dump()}";
        int[] ours = [batch, .. graph.Output.OutputShape];
        if (!expectedDims.SequenceEqual(ours))
        {
            return $"{header}: output shape: ONNX Runtime [{string.Join(", ", expectedDims)}], ours [{string.Join(", ", ours)}]\n{context}";
        }
        float[] actual = new AnnExecutor(graph).Forward(input, batch);
        var (worst, at) = MaxAbsDiff(expected, actual);
        float bound = RelativeTolerance * Math.Max(1f, MaxAbs(expected));
        if (!(worst <= bound))
        {
            return $"{header}: max |ours − ORT| = {worst:G4} > {bound:G4} at element {at} of [{string.Join(", ", expectedDims)}] "
                + $"(ORT {expected[at]}, ours {actual[at]})\n{context}";
        }
        return null;
    }

    internal static (float Max, int At) MaxAbsDiff(float[] expected, float[] actual)
    {
        float max = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float d = Math.Abs(expected[i] - actual[i]);
            if (!(d <= max))
            {
                (max, at) = (float.IsNaN(d) ? float.PositiveInfinity : d, i);
            }
        }
        return (max, at);
    }

    internal static float MaxAbs(float[] values) => values.Length == 0 ? 0 : values.Max(Math.Abs);
}
