using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Onnx;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary>Conversion of 1-D CNNs, padding and stride-1 ConvTranspose; pre-flight findings for what does not convert.</summary>
public sealed class LayoutConversionTests
{
    /// <summary>
    /// Converts with max normalization calibrated on the very inputs simulated (nothing saturates), runs the network on
    /// <paramref name="simulator"/> for T = 16, 128 and 1024 steps, and asserts the error against the ANN shrinks and ends
    /// below 5 % of the output scale.
    /// </summary>
    private static void AssertSnnConvergesToAnn(ModelGraph graph, string simulator = "dense", int count = 16)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        float[] x = TestGraphs.Inputs(new Random(99), count, graph.Input.OutputShape.Size);
        CalibrationStatistics stats = Calibration.Collect(prepared, [(x, count)], count);
        var options = new ConversionOptions { Normalization = NormalizationKind.Max };
        SpikingNetwork net = Converter.Convert(prepared, stats, options, applied).Network;
        float[] ann = new AnnExecutor(graph).Forward(x, count);
        int outSize = graph.Output.OutputShape.Size;
        double scale = ann.Max(MathF.Abs), previous = double.PositiveInfinity;
        foreach (int t in new[] { 16, 128, 1024 })
        {
            SimulationResult r = Simulators.Create(simulator).Run(net, [new DataBatch(x, new int[count], count)],
                new SimulationOptions { Timesteps = t, KeepOutputs = true });
            double err = 0;
            for (int b = 0; b < count; b++)
            {
                for (int k = 0; k < outSize; k++) err = Math.Max(err, Math.Abs(r.Outputs[b][k] - ann[b * outSize + k]));
            }
            Assert.True(err < previous * 1.05 + 1e-3 * scale, $"{simulator} T={t}: max error {err:g3} did not shrink from {previous:g3}");
            previous = err;
        }
        Assert.True(previous < 0.05 * scale, $"{simulator}: max |SNN − ANN| = {previous:g3} at T=1024, output scale {scale:g3}");
    }

    [Theory]
    [InlineData("dense")]
    [InlineData("layered")]
    [InlineData("event")]
    public void A_1d_CNN_imported_from_ONNX_converts_and_its_SNN_agrees_with_the_ANN(string simulator)
    {
        ModelGraph graph = OnnxImporter.Load(OnnxImporterLayoutTests.Conv1dNetwork().ToBytes(), "conv1d.onnx");
        Assert.True(Preflight.Check(graph).Convertible);
        AssertSnnConvergesToAnn(graph, simulator, count: 8);
    }

    [Fact]
    public void A_1d_CNN_evaluates_on_a_data_set_and_its_SNN_survives_the_snn_file()
    {
        ModelGraph graph = OnnxImporter.Load(OnnxImporterLayoutTests.Conv1dNetwork().ToBytes(), "conv1d.onnx");
        const int count = 6;
        float[] x = TestGraphs.Inputs(new Random(3), count, 784);
        // MNIST rows as a sequence: the 28 rows are the channels, the 28 columns the steps.
        AnnEvaluation ann = AnnEvaluator.Evaluate(new AnnExecutor(graph), new ArrayDataset(x, count, new Shape(28, 28)));
        Assert.Equal(count, ann.Predictions.Length);
        var wrong = new ArrayDataset(x, count, new Shape(4, 196));
        var e = Assert.Throws<InvalidOptionException>(() => AnnEvaluator.Evaluate(new AnnExecutor(graph), wrong));
        Assert.Contains("[4×196]", e.Message);

        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        var model = new ConversionOptions { Normalization = NormalizationKind.Model };
        SpikingNetwork net = Converter.Convert(prepared, null, model, applied).Network;
        using var file = new MemoryStream();
        SnnFile.Save(net, file);
        file.Position = 0;
        SpikingNetwork loaded = SnnFile.Load(file);
        var options = new SimulationOptions { Timesteps = 32, KeepOutputs = true };
        SimulationResult a = Simulators.Create("dense").Run(net, [new DataBatch(x, new int[count], count)], options);
        SimulationResult b = Simulators.Create("dense").Run(loaded, [new DataBatch(x, new int[count], count)], options);
        for (int i = 0; i < count; i++) Assert.Equal(a.Outputs[i], b.Outputs[i]);
    }

    /// <summary>Samples of a given shape from one array, labelled 0.</summary>
    private sealed class ArrayDataset(float[] x, int count, Shape shape) : IDataset
    {
        public string Description => "array";
        public Shape SampleShape => shape;
        public int Count => count;
        public int ClassCount => 1;

        public IEnumerable<DataBatch> Batches(int batchSize, int? limit = null)
        {
            int n = Math.Min(limit ?? count, count), size = shape.Size;
            for (int i = 0; i < n; i += batchSize)
            {
                int c = Math.Min(batchSize, n - i);
                yield return new DataBatch(x[(i * size)..((i + c) * size)], new int[c], c);
            }
        }
    }

    [Fact]
    public void A_1d_CNN_built_in_code_converts_with_sequence_shaped_populations()
    {
        var rng = new Random(4);
        var input = new InputNode("x", new Shape(3, 20));
        var c1 = new Conv2dNode("c1", input, TestGraphs.Random(rng, 0.5f, 6, 3, 1, 5), TestGraphs.Vector(rng, 6, -0.1f, 0.1f),
            new Window2d(1, 5, 1, 1, 0, 2, 0, 2));
        var r1 = new ReluNode("r1", c1);
        var p1 = new Pool2dNode("p1", r1, PoolKind.Average, new Window2d(1, 2, 1, 2, 0, 0, 0, 0));
        var c2 = new Conv2dNode("c2", p1, TestGraphs.Random(rng, 0.4f, 4, 6, 1, 3), null, new Window2d(1, 3, 1, 1, 0, 0, 0, 0));
        var r2 = new ReluNode("r2", c2);
        var mp = new Pool2dNode("mp", r2, PoolKind.Max, new Window2d(1, 2, 1, 2, 0, 0, 0, 0));
        var flat = new ReshapeNode("flat", mp, new Shape(16), "Flatten");
        var graph = new ModelGraph(input, new DenseNode("fc", flat, TestGraphs.Random(rng, 0.5f, 5, 16), null));
        SpikingNetwork net = Converter.Convert(Converter.Prepare(graph, out _), null,
            new ConversionOptions { Normalization = NormalizationKind.Model }).Network;
        Assert.Equal(new Shape(6, 20), ((NeuronLayer)net.Layers[0]).Shape);
        AssertSnnConvergesToAnn(graph);
    }

    /// <summary>Input [2, 6, 6] → Conv → ReLU → Pad → Conv → ReLU → Flatten → Dense, the Pad as given.</summary>
    private static ModelGraph PaddedCnn(Func<Node, Node> pad, int seed = 6)
    {
        var rng = new Random(seed);
        var input = new InputNode("x", new Shape(2, 6, 6));
        var c1 = new Conv2dNode("c1", input, TestGraphs.Random(rng, 0.5f, 3, 2, 3, 3), TestGraphs.Vector(rng, 3, 0f, 0.1f),
            Window2d.Square(3, 1, 1));
        Node padded = pad(new ReluNode("r1", c1));
        Shape s = padded.OutputShape;
        var c2 = new Conv2dNode("c2", padded, TestGraphs.Random(rng, 0.4f, 4, s.Channels, 3, 3), null, Window2d.Square(3));
        var r2 = new ReluNode("r2", c2);
        var flat = new ReshapeNode("flat", r2, new Shape(r2.OutputShape.Size), "Flatten");
        return new ModelGraph(input, new DenseNode("fc", flat, TestGraphs.Random(rng, 0.3f, 5, flat.OutputShape.Size), null));
    }

    public static TheoryData<string> ConvertiblePads => ["spatial", "channels", "crop", "mixed", "constant"];

    [Theory]
    [MemberData(nameof(ConvertiblePads))]
    public void Constant_padding_converts_and_its_SNN_agrees_with_the_ANN(string name)
    {
        ModelGraph graph = PaddedCnn(x => name switch
        {
            "spatial" => new PadNode("pad", x, PadMode.Constant, [0, 1, 2], [0, 2, 0]),
            "channels" => new PadNode("pad", x, PadMode.Constant, [1, 0, 0], [2, 0, 0]),
            "crop" => new PadNode("pad", x, PadMode.Constant, [0, -1, 0], [0, -1, -2]),
            "mixed" => new PadNode("pad", x, PadMode.Constant, [2, -1, 1], [0, 2, -1]),
            _ => new PadNode("pad", x, PadMode.Constant, [1, 1, 1], [0, 1, 1], 0.5f),
        });
        PreflightReport report = Preflight.Check(graph);
        Assert.True(report.Convertible, string.Join("; ", report.Blockers.Select(b => b.Message)));
        AssertSnnConvergesToAnn(graph);
    }

    [Theory]
    [InlineData(PadMode.Reflect, "reflect padding copies input values")]
    [InlineData(PadMode.Edge, "edge padding copies input values")]
    [InlineData(PadMode.Wrap, "wrap padding copies input values")]
    public void Copying_padding_is_a_preflight_blocker(PadMode mode, string expected)
    {
        ModelGraph graph = PaddedCnn(x => new PadNode("pad", x, mode, [0, 1, 1], [0, 1, 1]));
        PreflightFinding blocker = Assert.Single(Preflight.Check(graph).Blockers);
        Assert.Equal("pad", blocker.Node);
        Assert.Contains(expected, blocker.Message);
        var cropChannels = PaddedCnn(x => new PadNode("pad", x, PadMode.Constant, [-1, 0, 0], [0, 0, 0]));
        Assert.Contains("cropping the channel", Assert.Single(Preflight.Check(cropChannels).Blockers).Message);
    }

    /// <summary>Input [2, 5, 5] → Conv → ReLU → ConvTranspose(window) → ReLU → Flatten → Dense.</summary>
    private static ModelGraph DeconvNet(Window2d window, int groups = 1, int outputPadding = 0)
    {
        var rng = new Random(9);
        var input = new InputNode("x", new Shape(2, 5, 5));
        var c1 = new Conv2dNode("c1", input, TestGraphs.Random(rng, 0.5f, 4, 2, 3, 3), TestGraphs.Vector(rng, 4, 0f, 0.1f),
            Window2d.Square(3, 1, 1));
        var r1 = new ReluNode("r1", c1);
        var up = new ConvTranspose2dNode("up", r1, TestGraphs.Random(rng, 0.4f, 4, 6 / groups, window.KernelH, window.KernelW),
            TestGraphs.Vector(rng, 6, -0.05f, 0.1f), window, groups, outputPadding, outputPadding);
        var r2 = new ReluNode("r2", up);
        var flat = new ReshapeNode("flat", r2, new Shape(r2.OutputShape.Size), "Flatten");
        return new ModelGraph(input, new DenseNode("fc", flat, TestGraphs.Random(rng, 0.2f, 5, flat.OutputShape.Size), null));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    public void A_stride_1_ConvTranspose_becomes_a_Conv_and_converts(int groups, int pad)
    {
        ModelGraph graph = DeconvNet(new Window2d(3, 2, 1, 1, pad, 0, 0, 1, 2, 1), groups);
        Assert.True(Preflight.Check(graph).Convertible);
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        Assert.Contains("convtranspose-to-conv", applied);
        Assert.Empty(prepared.Nodes.OfType<ConvTranspose2dNode>());
        Passes.PassAssert.SameOutputs(graph, prepared, tolerance: 1e-5);
        AssertSnnConvergesToAnn(graph);
    }

    [Fact]
    public void A_strided_ConvTranspose_is_a_preflight_blocker()
    {
        ModelGraph graph = DeconvNet(new Window2d(2, 2, 2, 2, 0, 0, 0, 0));
        PreflightFinding blocker = Assert.Single(Preflight.Check(graph).Blockers);
        Assert.StartsWith("ConvTranspose: not yet convertible", blocker.Message);
        var e = Assert.Throws<UnsupportedOperatorException>(() => Converter.Prepare(graph, out _));
        Assert.Contains("node 'up' (ConvTranspose2d)", e.Message);
    }

    [Theory]
    [InlineData("convtranspose")]
    [InlineData("reflect")]
    [InlineData("transpose")]
    public void What_has_no_synapses_converts_in_the_linear_tail_folded_into_the_readout(string name)
    {
        var rng = new Random(13);
        var input = new InputNode("x", new Shape(2, 5, 5));
        var c1 = new Conv2dNode("c1", input, TestGraphs.Random(rng, 0.5f, 3, 2, 3, 3), TestGraphs.Vector(rng, 3, 0f, 0.1f),
            Window2d.Square(3, 1, 1));
        var r1 = new ReluNode("r1", c1);
        Node tail = name switch
        {
            "convtranspose" => new ConvTranspose2dNode("tail", r1, TestGraphs.Random(rng, 0.4f, 3, 2, 2, 2), [0.1f, -0.1f],
                new Window2d(2, 2, 2, 2, 0, 0, 0, 0)),
            "reflect" => new PadNode("tail", r1, PadMode.Reflect, [0, 2, 1], [0, 1, 2]),
            _ => new TransposeNode("tail", r1, [2, 1, 0]),
        };
        // An average pool keeps the Transpose from folding into the Dense weights on its own.
        var pooled = new Pool2dNode("pool", tail, PoolKind.Average, Window2d.Square(2));
        var flat = new ReshapeNode("flat", pooled, new Shape(pooled.OutputShape.Size), "Flatten");
        var graph = new ModelGraph(input, new DenseNode("fc", flat, TestGraphs.Random(rng, 0.3f, 4, flat.OutputShape.Size), null));
        PreflightReport report = Preflight.Check(graph);
        Assert.True(report.Convertible, string.Join("; ", report.Blockers.Select(b => b.Message)));
        Converter.Prepare(graph, out var applied);
        Assert.Contains("linear-readout", applied);
        AssertSnnConvergesToAnn(graph);
    }

    [Fact]
    public void An_NHWC_network_takes_its_input_transpose_as_the_layout()
    {
        ModelGraph graph = OnnxImporter.Load(OnnxImporterLayoutTests.KerasNhwcCnn().ToBytes(), "keras.onnx");
        PreflightReport keras = Preflight.Check(graph);
        Assert.Empty(keras.Blockers);
        Assert.Contains(keras.Findings,
            f => f.Node == "in_nchw" && f.Message.StartsWith("becomes the input layout", StringComparison.Ordinal));

        // Built in code, the pairs are still there at pre-flight: they cancel (notes), and a Transpose that stays
        // inside the network becomes a fixed selection (a note).
        var rng = new Random(1);
        var input = new InputNode("x", new Shape(2, 4, 4));
        var t1 = new TransposeNode("t1", input, [1, 2, 0]);
        var relu = new ReluNode("relu", t1);
        var t2 = new TransposeNode("t2", relu, [2, 0, 1]);
        var conv = new Conv2dNode("conv", t2, TestGraphs.Random(rng, 0.5f, 3, 2, 3, 3), null, Window2d.Square(3));
        var relu2 = new ReluNode("relu2", conv);
        var inner = new TransposeNode("inner", relu2, [0, 2, 1]);
        var flat = new ReshapeNode("flat", inner, new Shape(12));
        var graph2 = new ModelGraph(input, new ReluNode("out", new AddNode("sum", flat, flat)));
        PreflightReport report = Preflight.Check(graph2);
        Assert.Empty(report.Blockers);
        Assert.Contains(report.Findings, f => f.Node == "inner" && f.Severity == PreflightSeverity.Note
            && f.Message.Contains("fixed selection", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Node == "t1" && f.Severity == PreflightSeverity.Note);
    }
}
