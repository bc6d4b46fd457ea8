using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary>
/// What conversion makes of activations, softmax, argmax and reductions: at the output they are part of the argmax
/// readout and dropped; anywhere else the pre-flight refuses them, naming the node and why; what converts keeps the
/// ANN's class.
/// </summary>
public sealed class ReadoutConversionTests
{
    /// <summary>Input[12] → Dense 16 → ReLU → Dense 6 (logits).</summary>
    private static (InputNode Input, Node Logits) Mlp(int seed = 3)
    {
        var rng = new Random(seed);
        var input = new InputNode("input", new Shape(12));
        var d1 = new DenseNode("d1", input, TestGraphs.Random(rng, 0.6f, 16, 12), TestGraphs.Vector(rng, 16, -0.1f, 0.2f));
        var r1 = new ReluNode("r1", d1);
        var d2 = new DenseNode("d2", r1, TestGraphs.Random(rng, 0.6f, 6, 16), TestGraphs.Vector(rng, 6, -0.1f, 0.1f));
        return (input, d2);
    }

    private static ActivationNode Act(string name, Node x, ActivationKind kind) => kind switch
    {
        ActivationKind.LeakyRelu => new ActivationNode(name, x, kind, 0.1f),
        ActivationKind.PRelu => new ActivationNode(name, x, kind, slope: [0.25f]),
        ActivationKind.Elu => new ActivationNode(name, x, kind, 1f),
        ActivationKind.HardSigmoid => new ActivationNode(name, x, kind, 0.2f, 0.5f),
        _ => new ActivationNode(name, x, kind),
    };

    /// <summary>Logits → <paramref name="head"/> (then more), with the expected verdict on each head node.</summary>
    public static TheoryData<string, string[]> Heads => new()
    {
        { "sigmoid", ["part of the readout: Sigmoid keeps the order"] },
        { "tanh+softmax+argmax", ["part of the readout: Tanh", "part of the readout: Softmax", "the class is the argmax of the logits"] },
        { "logsoftmax", ["part of the readout: LogSoftmax"] },
        { "leaky", ["part of the readout: LeakyRelu"] },
        { "prelu", ["part of the readout: PRelu"] },
        { "elu", ["part of the readout: Elu"] },
        { "hardsigmoid", ["!HardSigmoid at the output is not one strictly increasing function"] },
        { "hardswish", ["!HardSwish at the output is not one strictly increasing function"] },
        { "softmax-rows", ["!Softmax over part of the sample (axis 1 of [2×3]) at the output"] },
        { "argmax-rows", ["!argmax over axis 1 of [2×3] (part of the sample) at the output"] },
    };

    private static Node Head(string head, Node logits) => head switch
    {
        "sigmoid" => Act("h0", logits, ActivationKind.Sigmoid),
        "tanh+softmax+argmax" => new ArgMaxNode("h2", new SoftmaxNode("h1", Act("h0", logits, ActivationKind.Tanh), false), 0, false),
        "logsoftmax" => new SoftmaxNode("h0", logits, log: true),
        "leaky" => Act("h0", logits, ActivationKind.LeakyRelu),
        "prelu" => Act("h0", logits, ActivationKind.PRelu),
        "elu" => Act("h0", logits, ActivationKind.Elu),
        "hardsigmoid" => Act("h0", logits, ActivationKind.HardSigmoid),
        "hardswish" => Act("h0", logits, ActivationKind.HardSwish),
        "softmax-rows" => new SoftmaxNode("h0", new ReshapeNode("rows", logits, new Shape(2, 3)), false, 1, 1),
        "argmax-rows" => new ArgMaxNode("h0", new ReshapeNode("rows", logits, new Shape(2, 3)), 1, true),
        _ => throw new ArgumentException(head),
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void Preflight_says_which_heads_are_part_of_the_readout(string head, string[] verdicts)
    {
        var (input, logits) = Mlp();
        var graph = new ModelGraph(input, Head(head, logits));
        PreflightReport report = Preflight.Check(graph);
        for (int k = 0; k < verdicts.Length; k++)
        {
            PreflightFinding f = report.For(graph.Nodes.Single(n => n.Name == $"h{k}"))!;
            bool blocker = verdicts[k].StartsWith('!');
            Assert.Equal(blocker ? PreflightSeverity.Blocker : PreflightSeverity.Note, f.Severity);
            Assert.Contains(verdicts[k].TrimStart('!'), f.Message);
        }
        Assert.Equal(verdicts.All(v => !v.StartsWith('!')), report.Convertible);
        if (!report.Convertible)
        {
            var ex = Assert.Throws<UnsupportedOperatorException>(() => Converter.Prepare(graph, out _));
            Assert.Contains("node 'h0'", ex.Message);
        }
    }

    public static TheoryData<string, string> Inside => new()
    {
        { "input-twice", "Sigmoid of the input itself (before any weights) is part of the input encoding, which the encoder takes "
            + "only as a chain of element-wise nodes that is the input's only consumer" },
        { "input-reshaped-prelu", "PRelu of the input itself (before any weights) is part of the input encoding, which the encoder "
            + "takes only as a chain" },
        { "tanh", "Tanh inside the network: no spiking equivalent; IF neurons approximate ReLU" },
        { "hardswish", "HardSwish inside the network: no spiking equivalent" },
        { "logsoftmax", "takes the last axis only, not a log-softmax" },
        { "argmax", "argmax inside the network has no spiking equivalent" },
        { "mean-features", "ReduceMean over axes [0] of [16]: no spiking equivalent yet" },
        { "sumsquare", "ReduceSumSquare over axes [0] is not linear in its input" },
        { "clip-crossed", "clip with min 1 > max 0.5 outputs the constant 0.5 everywhere" },
    };

    [Theory]
    [MemberData(nameof(Inside))]
    public void Preflight_refuses_what_has_no_spiking_equivalent_inside_the_network(string where, string message)
    {
        var rng = new Random(5);
        var input = new InputNode("input", new Shape(12));
        Node first = where switch
        {
            "input-twice" => new AddNode("sum", Act("bad", input, ActivationKind.Sigmoid), input),
            "input-reshaped-prelu" => new ReshapeNode("flat", new ActivationNode("bad", new ReshapeNode("rows", input, new Shape(3, 4)),
                ActivationKind.PRelu, slope: [0.1f, 0.2f, 0.3f]), new Shape(12)),
            _ => input,
        };
        Node hidden = new DenseNode("d1", first, TestGraphs.Random(rng, 0.5f, 16, 12), null);
        hidden = where switch
        {
            "tanh" => Act("bad", hidden, ActivationKind.Tanh),
            "hardswish" => Act("bad", hidden, ActivationKind.HardSwish),
            "logsoftmax" => new SoftmaxNode("bad", hidden, true),
            "argmax" => new ReshapeNode("flat", new ArgMaxNode("bad", new ReshapeNode("rows", hidden, new Shape(4, 4)), 1, true),
                new Shape(4)),
            "mean-features" => new ReduceNode("bad", new ReluNode("r", hidden), ReduceKind.Mean, [0], true),
            "sumsquare" => new ReduceNode("bad", new ReluNode("r", hidden), ReduceKind.SumSquare, [0], true),
            "clip-crossed" => new ClipNode("bad", hidden, 1f, 0.5f),
            _ => new ReluNode("r", hidden),
        };
        var d2 = new DenseNode("d2", hidden, TestGraphs.Random(rng, 0.5f, 3, hidden.OutputShape.Size), null);
        var graph = new ModelGraph(input, d2);
        PreflightFinding f = Preflight.Check(graph).For(graph.Nodes.Single(n => n.Name == "bad"))!;
        Assert.Equal(PreflightSeverity.Blocker, f.Severity);
        Assert.Contains(message, f.Message);
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Converter.Prepare(graph, out _));
        Assert.Contains("cannot be converted", ex.Message);
    }

    /// <summary>Share of samples on which the SNN's class (membrane readout, T steps) is the ANN's.</summary>
    private static double Agreement(ModelGraph graph, float[] x, int timesteps, out int annClasses)
    {
        int count = x.Length / graph.Input.OutputShape.Size;
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        Assert.Contains("argmax-readout", applied);
        CalibrationStatistics stats = Calibration.Collect(prepared, [(x, count)], count);
        var options = new ConversionOptions { Normalization = NormalizationKind.Max };
        var network = Converter.Convert(prepared, stats, options, applied).Network;
        int[] labels = [.. AnnEvaluator.Evaluate(new AnnExecutor(graph), new ArrayDataset(x, new int[count], graph.Input.OutputShape))
            .Predictions];
        annClasses = labels.Distinct().Count();
        SimulationResult r = new DenseSimulator().Run(network, [new DataBatch(x, labels, count)],
            new SimulationOptions { Timesteps = timesteps });
        return r.AccuracyAt(timesteps);
    }

    [Theory]
    [InlineData("sigmoid")]
    [InlineData("tanh+softmax+argmax")]
    [InlineData("logsoftmax")]
    [InlineData("elu")]
    public void An_mlp_with_a_monotone_head_converts_and_keeps_the_class(string head)
    {
        var (input, logits) = Mlp();
        float[] x = TestGraphs.Vector(new Random(23), 200 * 12, 0f, 1f);
        double agreement = Agreement(new ModelGraph(input, Head(head, logits), "mlp_" + head), x, 512, out int classes);
        Assert.True(classes >= 3, $"the ANN predicts only {classes} classes: agreement would prove little");
        Assert.True(agreement >= 0.98, $"SNN and ANN agree on {agreement:P1} of the samples at T=512");
    }

    [Fact]
    public void An_imported_cnn_with_a_spatial_ReduceMean_and_a_softmax_head_converts()
    {
        // Conv → Relu → ReduceMean over H, W (keepdims 0: global average pooling, squeezed) → Gemm → Softmax.
        var b = new OnnxBuilder(18).Input("x", 2, 6, 6)
            .Initializer("w", [4, 2, 3, 3], TestData.Uniform(3, 72, 0.5f))
            .Initializer("bias", [4], [0.05f, -0.02f, 0.1f, 0f])
            .Node("Conv", ["x", "w", "bias"], "c", OnnxAttr.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", ["c"], "r")
            .Initializer("axes", [2L, 3L])
            .Node("ReduceMean", ["r", "axes"], "m", OnnxAttr.Int("keepdims", 0))
            .Initializer("fc", [5, 4], TestData.Uniform(6, 20, 2f))
            .Initializer("fcb", [5], TestData.Uniform(106, 5, 0.5f))
            .Node("Gemm", ["m", "fc", "fcb"], "logits", OnnxAttr.Int("transB", 1))
            .Node("Softmax", ["logits"], "y")
            .Output("y");
        ModelGraph graph = OnnxImporter.Load(b.ToBytes(), "gap.onnx");
        Assert.True(Preflight.Check(graph).Convertible, string.Join("; ", Preflight.Check(graph).Blockers));
        // Each channel of each image at its own random level and contrast, so that the pooled features (and classes) vary.
        var rng = new Random(29);
        float[] x = new float[200 * 72];
        float level = 0, contrast = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (i % 36 == 0) (level, contrast) = ((float)rng.NextDouble(), (float)rng.NextDouble());
            x[i] = level + contrast * ((float)rng.NextDouble() - 0.5f);
        }
        double agreement = Agreement(graph, x, 512, out int classes);
        Assert.True(classes >= 3, $"the ANN predicts only {classes} classes");
        Assert.True(agreement >= 0.98, $"SNN and ANN agree on {agreement:P1} of the samples at T=512");
    }
}
