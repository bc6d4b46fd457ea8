using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// RNN, LSTM and GRU: imported and run by the ANN executor, against ONNX Runtime on random models (sizes, directions,
/// layouts, biases, initial states, peepholes, activations), in the forms PyTorch exports (batch-first with Transposes,
/// sequence-first input, the zero initial state built from the batch size, h_n[-1] and y[:, -1]); bad input refused.
/// </summary>
public sealed class OnnxImporterRecurrentTests
{
    private static readonly string[] Cells = ["RNN", "LSTM", "GRU"];

    [Fact]
    public void Random_recurrent_models_agree_with_OnnxRuntime()
    {
        var failures = new List<string>();
        for (int seed = 1; seed <= 90; seed++)
        {
            int batch = 1 + (seed % 4);
            (byte[] model, int[] shape, string what) = RandomModel(seed, batch);
            if (OnnxRuntimeAgreementTests.Disagreement(model, shape, batch, seed, $"seed {seed} ({what})") is { } r)
            {
                failures.Add(r);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 90 disagree:\n" + string.Join("\n\n", failures.Take(3)));
    }

    [Theory]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void A_sequence_first_input_is_fed_batch_major_and_agrees_with_OnnxRuntime(string op)
    {
        // PyTorch with batch_first=False: x [L, N, F] straight into the op, h_n[-1] into a Linear.
        const int L = 5, F = 3, H = 4, N = 3;
        int g = Gates(op);
        var b = new OnnxBuilder(14).InputWithDims("x", [L, OnnxBuilder.BatchParam, F]);
        // (ONNX Runtime refuses layout 1, so the comparisons run layout 0.)
        ZeroState(b, "x", 1, H, "h0");
        b.Initializer("w", [1, g * H, F], TestData.Uniform(1, g * H * F)).Initializer("r", [1, g * H, H], TestData.Uniform(2, g * H * H))
            .Initializer("bias", [1, 2 * g * H], TestData.Uniform(3, 2 * g * H))
            .NamedNode("cell", op, ["x", "w", "r", "bias", "", "h0"], ["", "hn"], OnnxAttr.Int("hidden_size", H))
            .Initializer(OnnxBuilder.Int64Tensor("last", [], [-1L])).Node("Gather", ["hn", "last"], "h", OnnxAttr.Int("axis", 0))
            .Initializer("fc", [H, 2], TestData.Uniform(4, 2 * H)).Node("MatMul", ["h", "fc"], "y").Output("y");
        ModelGraph graph = OnnxImporter.Load(b.ToBytes(), "seq_first.onnx");
        Assert.Equal(1, graph.Input.BatchAxis);
        Assert.Equal([L, F], graph.Input.OutputShape);
        float[] batchMajor = TestData.Uniform(5, N * L * F);
        float[] sequenceFirst = new float[batchMajor.Length];
        for (int n = 0; n < N; n++)
        {
            for (int t = 0; t < L; t++) Array.Copy(batchMajor, ((n * L) + t) * F, sequenceFirst, ((t * N) + n) * F, F);
        }
        var (expected, dims) = Ort.Run(b.ToBytes(), sequenceFirst, L, N, F);
        Assert.Equal([N, .. graph.Output.OutputShape], dims);
        float[] actual = new AnnExecutor(graph).Forward(batchMajor, N);
        Assert.True(OnnxRuntimeAgreementTests.MaxAbsDiff(expected, actual).Max <= 1e-4f * Math.Max(1, expected.Max(Math.Abs)));
    }

    [Fact]
    public void The_recurrent_node_describes_its_cell_and_state()
    {
        ModelGraph graph = OnnxImporter.Load(OnnxVersionSamples.Build("LSTM", 14)!.ToBytes(), "lstm.onnx");
        RecurrentNode node = OnnxTestSupport.Single<RecurrentNode>(graph);
        Assert.Equal((RecurrentCell.Lstm, 2, 4, 3), (node.Cell, node.HiddenSize, node.StateSize, node.InputSize));
        Assert.Equal([4, 1, 2], node.OutputShape);
        Assert.Contains("state 4", node.Describe());
        Assert.Equal(4L * ((8 * 3) + (8 * 2)), node.Macs);
    }

    [Theory]
    [InlineData("activations", "activation 'Softsign' is not supported; only Relu, Tanh and Sigmoid are")]
    [InlineData("hidden_size", "hidden_size=5 disagrees with W 'w' [1, 4, 3] (4 rows = 1 gate(s) × 4)")]
    [InlineData("sequence_lens", "sequence_lens is not supported")]
    [InlineData("initial_h", "initial_h 'h0' differs between samples")]
    [InlineData("output", "graph output 'ys' has the batch at axis 2")]
    [InlineData("layout", "layout=0 reads axis 1 of X as the batch, but the batch is axis 0")]
    public void Bad_recurrent_input_is_refused_in_one_line(string fault, string expected)
    {
        var b = new OnnxBuilder(14).Input("x", 5, 3);
        b.Initializer("w", [1, 4, 3], TestData.Uniform(1, 12)).Initializer("r", [1, 4, 4], TestData.Uniform(2, 16));
        string[] inputs = ["xt", "w", "r"];
        List<global::Onnx.AttributeProto> attributes = [OnnxAttr.Int("hidden_size", fault == "hidden_size" ? 5 : 4)];
        if (fault == "activations") attributes.Add(OnnxAttr.Strings("activations", "Softsign"));
        if (fault == "sequence_lens")
        {
            b.Graph.Initializer.Add(OnnxBuilder.Int64Tensor("lens", [2], [5, 5]));
            inputs = [.. inputs, "", "lens"];
        }
        if (fault == "initial_h")
        {
            b.Initializer("h0", [1, 2, 4], TestData.Uniform(3, 8));
            inputs = [.. inputs, "", "", "h0"];
        }
        if (fault == "layout") inputs[0] = "x";
        else b.Node("Transpose", ["x"], "xt", OnnxAttr.Ints("perm", 1, 0, 2));
        b.NamedNode("rnn", "RNN", inputs, ["ys"], [.. attributes]);
        if (fault == "output") b.Output("ys");
        else b.Node("Transpose", ["ys"], "y", OnnxAttr.Ints("perm", 2, 0, 1, 3)).Output("y");
        var ex = Assert.ThrowsAny<Ann2SnnException>(() => OnnxImporter.Load(b.ToBytes(), "bad.onnx"));
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("LSTM", "multiply one activation by another")]
    [InlineData("GRU", "multiply one activation by another")]
    public void The_preflight_names_why_a_recurrent_layer_does_not_convert(string op, string reason)
    {
        ModelGraph graph = OnnxImporter.Load(OnnxVersionSamples.Build(op, 14)!.ToBytes(), "cell.onnx");
        PreflightReport report = Preflight.Check(graph);
        Assert.False(report.Convertible);
        Assert.Contains(reason, Assert.Single(report.Blockers).Message);
    }

    [Fact]
    public void The_preflight_passes_a_forward_relu_rnn()
    {
        ModelGraph graph = OnnxImporter.Load(OnnxVersionSamples.Build("RNN", 14)!.ToBytes(), "cell.onnx");
        PreflightReport report = Preflight.Check(graph);
        Assert.DoesNotContain(report.Blockers, b => b.Op == "RNN");
    }

    [Fact]
    public void The_recurrent_layer_has_no_gradient_and_says_so()
    {
        ModelGraph graph = OnnxImporter.Load(OnnxVersionSamples.Build("GRU", 14)!.ToBytes(), "gru.onnx");
        var ex = Assert.ThrowsAny<Ann2SnnException>(() => new AnnGradients(graph).Loss(new float[12], [0], 1, LogitLoss.CrossEntropy));
        Assert.Contains("GRU has no gradient", ex.Message);
    }

    /// <summary>
    /// A random recurrent model over [N, L, F] in layout 0 between Transposes, as PyTorch writes batch_first (ONNX Runtime
    /// refuses layout 1; the ONNX node tests cover it): a zero initial state from the batch size (PyTorch), a constant one
    /// (repeated over the <paramref name="batch"/>, as ONNX Runtime wants [D, N, H]), or none; Y, Y_h, y[:, -1] or h_n[-1] out.
    /// </summary>
    private static (byte[] Model, int[] Shape, string What) RandomModel(int seed, int batch)
    {
        var rng = new Random(seed);
        string op = Cells[seed % 3];
        int g = Gates(op), l = rng.Next(1, 7), f = rng.Next(1, 6), h = rng.Next(1, 7);
        string direction = new[] { "forward", "reverse", "bidirectional" }[rng.Next(3)];
        int d = direction == "bidirectional" ? 2 : 1;
        int opset = rng.Next(7, 23);
        var b = new OnnxBuilder(opset).Input("x", l, f);
        b.Initializer("w", [d, g * h, f], TestData.Uniform(seed, d * g * h * f))
            .Initializer("r", [d, g * h, h], TestData.Uniform(seed + 1000, d * g * h * h, 0.7f));
        string[] inputs = ["xt", "w", "r", "", "", ""];
        if (rng.Next(3) > 0)
        {
            b.Initializer("bias", [d, 2 * g * h], TestData.Uniform(seed + 2000, d * 2 * g * h, 0.5f));
            inputs[3] = "bias";
        }
        int state = rng.Next(3);
        if (state == 1 && opset >= 9)
        {
            ZeroState(b, "x", d, h, "h0", batchAxis: 0);
            inputs[5] = "h0";
        }
        else if (state == 2)
        {
            b.Initializer("h0", [d, batch, h], PerBatch(TestData.Uniform(seed + 3000, d * h), d, batch, h));
            inputs[5] = "h0";
        }
        var attributes = new List<global::Onnx.AttributeProto> { OnnxAttr.Int("hidden_size", h), OnnxAttr.String("direction", direction) };
        if (opset >= 14) attributes.Add(OnnxAttr.Int("layout", 0));
        string activation = "default";
        if (op == "RNN" && rng.Next(2) == 0)
        {
            activation = new[] { "Relu", "Tanh", "Sigmoid" }[rng.Next(3)];
            attributes.Add(OnnxAttr.Strings("activations", [.. Enumerable.Repeat(activation, d)]));
        }
        if (op == "GRU") attributes.Add(OnnxAttr.Int("linear_before_reset", rng.Next(2)));
        if (op == "LSTM" && rng.Next(2) == 0)
        {
            b.Initializer("c0", [d, batch, h], PerBatch(TestData.Uniform(seed + 4000, d * h), d, batch, h));
            b.Initializer("p", [d, 3 * h], TestData.Uniform(seed + 5000, 3 * d * h, 0.5f));
            inputs = [.. inputs, "c0", "p"];
        }
        b.Node("Transpose", ["x"], "xt", OnnxAttr.Ints("perm", 1, 0, 2));
        int output = rng.Next(4);
        string[] outputs = output is 0 or 2 ? ["ys", ""] : ["", "hn"];
        b.NamedNode("cell", op, inputs, outputs, [.. attributes]);
        if (output >= 2) b.Graph.Initializer.Add(OnnxBuilder.Int64Tensor("last", [], [-1L]));
        _ = output switch
        {
            0 => b.Node("Transpose", ["ys"], "y", OnnxAttr.Ints("perm", 2, 0, 1, 3)),
            1 => b.Node("Transpose", ["hn"], "y", OnnxAttr.Ints("perm", 1, 0, 2)),
            // y[:, -1] of Y [L, D, N, H] moved to [N, L, D, H].
            2 => b.Node("Transpose", ["ys"], "yb", OnnxAttr.Ints("perm", 2, 0, 1, 3))
                .Node("Gather", ["yb", "last"], "y", OnnxAttr.Int("axis", 1)),
            // h_n[-1]: the last direction's state, [N, H].
            _ => b.Node("Gather", ["hn", "last"], "y", OnnxAttr.Int("axis", 0)),
        };
        b.Output("y");
        string what = $"{op} {direction} L={l} F={f} H={h} opset {opset} state {state} activation {activation} output {output}";
        return (b.ToBytes(), [l, f], what);
    }

    /// <summary>A [D, H] state repeated for each of <paramref name="batch"/> samples, as [D, N, H].</summary>
    private static float[] PerBatch(float[] state, int d, int batch, int h) =>
        [.. Enumerable.Range(0, d).SelectMany(dir => Enumerable.Repeat(state[(dir * h)..((dir + 1) * h)], batch).SelectMany(s => s))];

    /// <summary>PyTorch's zero initial state [D, N, H]: ConstantOfShape(Concat([D], Shape(x)[batch], [H])).</summary>
    private static void ZeroState(OnnxBuilder b, string x, int d, int h, string output, int batchAxis = 1)
    {
        b.Node("Shape", [x], "shape").Initializer("batch_at", [(long)batchAxis]).Node("Gather", ["shape", "batch_at"], "n",
                OnnxAttr.Int("axis", 0))
            .Initializer("dirs", [(long)d]).Initializer("hidden", [(long)h])
            .Node("Concat", ["dirs", "n", "hidden"], "state_shape", OnnxAttr.Int("axis", 0))
            .Node("ConstantOfShape", ["state_shape"], output, OnnxAttr.Tensor("value", OnnxBuilder.FloatTensor("zero", [1], [0f])));
    }

    private static int Gates(string op) => op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
}
