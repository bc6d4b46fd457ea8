using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Onnx;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// <see cref="AnnGradients"/> against central finite differences of the executor's own forward pass: directional
/// derivatives of the summed cross-entropy along random directions, with respect to the input and to every parameter,
/// on random graphs over every operator with a gradient, the hand-built test graphs and random imported ONNX models.
/// </summary>
public class GradientTests
{
    /// <summary>
    /// Step of the central differences (inputs are of order one): small against the kinks' spacing, large against rounding.
    /// </summary>
    private const double Step = 2e-3;

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Input_gradients_of_random_graphs_match_central_differences(int seed)
    {
        ModelGraph graph = RandomGradientGraph.Build(seed, smooth: seed % 3 == 0);
        CheckInput(graph, seed);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Parameter_gradients_of_random_graphs_match_central_differences(int seed)
    {
        ModelGraph graph = RandomGradientGraph.Build(seed, smooth: true);
        CheckParameters(graph, seed);
    }

    [Fact]
    public void Gradients_of_the_test_graphs_match_central_differences()
    {
        foreach (ModelGraph graph in new[] { TestGraphs.SmallCnn(), TestGraphs.ResidualMlp(), TestGraphs.ConvZoo() })
        {
            CheckInput(graph, 11);
            CheckParameters(graph, 12);
        }
    }

    [Theory]
    [InlineData(13, 2)]
    [InlineData(17, 5)]
    public void Gradients_of_imported_attention_blocks_match_central_differences(int opset, int seed)
    {
        // LayerNorm, q·kᵀ and a·v products, softmax over the keys and GELU, written out (opset 13) or not (17).
        (byte[] bytes, _, _) = OnnxImporterTransformerTests.AttentionBlock(seed, opset);
        ModelGraph graph = OnnxImporter.Load(bytes, $"attention_{seed}.onnx");
        CheckInput(graph, seed);
        CheckParameters(graph, seed + 1);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(21)]
    [InlineData(34)]
    [InlineData(55)]
    public void Gradients_of_random_imported_models_match_central_differences(int seed)
    {
        RandomOnnxModel model = RandomOnnxModel.Generate(seed);
        ModelGraph graph = OnnxImporter.Load(model.Bytes, $"random_{seed}.onnx");
        CheckInput(graph, seed);
    }

    [Fact]
    public void Results_do_not_depend_on_threads_or_batch_split()
    {
        ModelGraph graph = TestGraphs.ConvZoo();
        var rng = new Random(4);
        int batch = 37;
        float[] x = TestGraphs.Inputs(rng, batch, graph.Input.OutputShape.Size);
        int[] labels = [.. Enumerable.Range(0, batch).Select(i => i % 7)];
        GradientResult one = new AnnGradients(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 1 })
            .Loss(x, labels, batch, LogitLoss.CrossEntropy, parameters: true);
        GradientResult many = new AnnGradients(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 3 })
            .Loss(x, labels, batch, LogitLoss.CrossEntropy, parameters: true);
        Assert.Equal(one.InputGradient, many.InputGradient);
        Assert.Equal(one.Losses, many.Losses);
        // Each sample's input gradient is its own: the same whether run alone or in the batch.
        GradientResult single = new AnnGradients(graph).Loss(x.AsSpan(5 * 162, 162), [labels[5]], 1, LogitLoss.CrossEntropy);
        Assert.Equal(single.InputGradient, one.InputGradient.AsSpan(5 * 162, 162).ToArray());
        for (int k = 0; k < one.Parameters.Count; k++)
        {
            float[] a = one.Parameters[k].Values, b = many.Parameters[k].Values;
            for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * (1 + Math.Abs(a[i])), one.Parameters[k].Node);
        }
    }

    [Fact]
    public void Logits_are_taken_before_a_final_softmax()
    {
        ModelGraph plain = TestGraphs.ResidualMlp();
        var softmax = new ModelGraph(plain.Input, new SoftmaxNode("prob", plain.Output, log: false), "with_softmax");
        var gradients = new AnnGradients(softmax);
        Assert.Same(plain.Output, gradients.Logits);
        float[] x = TestGraphs.Inputs(new Random(2), 3, 16);
        GradientResult a = gradients.Loss(x, [0, 1, 2], 3, LogitLoss.Margin);
        GradientResult b = new AnnGradients(plain).Loss(x, [0, 1, 2], 3, LogitLoss.Margin);
        Assert.Equal(b.InputGradient, a.InputGradient);
    }

    [Fact]
    public void An_op_without_a_gradient_is_refused_naming_the_node()
    {
        ModelGraph plain = TestGraphs.ResidualMlp();
        var graph = new ModelGraph(plain.Input, new ArgMaxNode("argmax", plain.Output, 0, keepDims: false), "argmax");
        var e = Assert.Throws<UnsupportedOperatorException>(() => new AnnGradients(graph));
        Assert.Contains("'argmax'", e.Message);
        Assert.Contains("no gradient", e.Message);
    }

    [Theory]
    [InlineData(LogitLoss.CrossEntropy)]
    [InlineData(LogitLoss.Margin)]
    public void Logit_losses_have_their_closed_form_gradients(LogitLoss loss)
    {
        var rng = new Random(9);
        for (int trial = 0; trial < 50; trial++)
        {
            float[] z = TestGraphs.Vector(rng, 7, -4f, 4f);
            int y = rng.Next(7);
            var g = new float[7];
            float value = LogitLosses.Evaluate(loss, z, y, g);
            for (int j = 0; j < 7; j++)
            {
                float[] up = (float[])z.Clone(), down = (float[])z.Clone();
                up[j] += 1e-3f;
                down[j] -= 1e-3f;
                var scratch = new float[7];
                double fd = (LogitLosses.Evaluate(loss, up, y, scratch) - LogitLosses.Evaluate(loss, down, y, scratch)) / 2e-3;
                Assert.True(Math.Abs(fd - g[j]) < 2e-3, $"{loss} trial {trial} logit {j}: {g[j]} vs {fd}");
            }
            if (loss == LogitLoss.CrossEntropy) Assert.True(value > 0);
            else Assert.Equal(z.Where((_, j) => j != y).Max() - z[y], value, 5);
        }
    }

    private static void CheckInput(ModelGraph graph, int seed)
    {
        var rng = new Random(seed * 7919);
        int batch = 3, size = graph.Input.OutputShape.Size;
        float[] x = TestGraphs.Inputs(rng, batch, size);
        int classes = new AnnGradients(graph).Logits.OutputShape.Size;
        int[] labels = [.. Enumerable.Range(0, batch).Select(_ => rng.Next(classes))];
        var gradients = new AnnGradients(graph);
        GradientResult r = gradients.Loss(x, labels, batch, LogitLoss.CrossEntropy);
        var errors = new List<double>();
        for (int d = 0; d < 4; d++)
        {
            float[] v = TestGraphs.Vector(rng, x.Length, -1f, 1f);
            (double analytic, double scale) = Directional(r.InputGradient, v);
            double numeric = (Loss(gradients, Shift(x, v, Step), labels) - Loss(gradients, Shift(x, v, -Step), labels)) / (2 * Step);
            errors.Add(Math.Max(0, Math.Abs(analytic - numeric) - Noise(gradients, x, labels)) / scale);
        }
        Assert.True(errors.Count(e => e <= 2e-2) >= 3 && errors.Max() <= 0.1,
            $"{graph.Name}: relative errors of directional derivatives {string.Join(", ", errors.Select(e => e.ToString("g3")))}");
    }

    private static void CheckParameters(ModelGraph graph, int seed)
    {
        var rng = new Random(seed * 104729);
        int batch = 2, size = graph.Input.OutputShape.Size;
        float[] x = TestGraphs.Inputs(rng, batch, size);
        int classes = new AnnGradients(graph).Logits.OutputShape.Size;
        int[] labels = [.. Enumerable.Range(0, batch).Select(_ => rng.Next(classes))];
        GradientResult r = new AnnGradients(graph).Loss(x, labels, batch, LogitLoss.CrossEntropy, parameters: true);
        Assert.NotEmpty(r.Parameters);
        foreach (ParameterGradient p in r.Parameters.Where(p => p.Values.Length > 0))
        {
            float[] stored = ParameterArray(graph, p);
            float[] original = (float[])stored.Clone();
            float[] v = TestGraphs.Vector(rng, stored.Length, -1f, 1f);
            (double analytic, double scale) = Directional(p.Values, v);
            double Perturbed(double step)
            {
                for (int i = 0; i < v.Length; i++) stored[i] = (float)(original[i] + (step * v[i]));
                try
                {
                    return Loss(new AnnGradients(graph), x, labels);
                }
                finally
                {
                    original.CopyTo(stored, 0);
                }
            }
            double numeric = (Perturbed(Step) - Perturbed(-Step)) / (2 * Step);
            double error = Math.Max(0, Math.Abs(analytic - numeric) - Noise(new AnnGradients(graph), x, labels)) / scale;
            Assert.True(error <= 2e-2, $"{graph.Name} {p.Node}.{p.Parameter}: analytic {analytic:g5}, numeric {numeric:g5}");
        }
    }

    /// <summary>The node's stored array of a parameter (mutated in place to perturb it; the layers read it when built).</summary>
    private static float[] ParameterArray(ModelGraph graph, ParameterGradient p)
    {
        Node node = graph.Nodes.Single(n => n.Name == p.Node);
        return (node, p.Parameter) switch
        {
            (DenseNode d, "weight") => d.Weight.Data,
            (DenseNode d, "bias") => d.Bias!,
            (Conv2dNode c, "weight") => c.Weight.Data,
            (Conv2dNode c, "bias") => c.Bias!,
            (ConvTranspose2dNode c, "weight") => c.Weight.Data,
            (ConvTranspose2dNode c, "bias") => c.Bias!,
            (BatchNormNode b, "scale") => b.Scale,
            (BatchNormNode b, "bias") => b.Bias,
            (ScaleShiftNode s, "scale") => s.Scale,
            (ScaleShiftNode s, "shift") => s.Shift,
            (ActivationNode a, "slope") => a.Slope!,
            (LayerNormNode l, "scale") => l.Scale,
            (LayerNormNode l, "bias") => l.Bias,
            _ => throw new InvalidOperationException($"unknown parameter {p.Node}.{p.Parameter}"),
        };
    }

    /// <summary>
    /// What rounding in single precision can do to a central difference: a few ulps of the loss (or of logits of order one) over
    /// the step.
    /// </summary>
    private static double Noise(AnnGradients gradients, float[] x, int[] labels) =>
        8 * 1.2e-7 * (labels.Length + Math.Abs(Loss(gradients, x, labels))) / Step;

    private static double Loss(AnnGradients gradients, float[] x, int[] labels)
    {
        float[] logits = new AnnExecutor(new ModelGraph(gradients.Graph.Input, gradients.Logits, "logits")).Forward(x, labels.Length);
        int classes = logits.Length / labels.Length;
        // Cross-entropy in double precision from the single-precision logits: the loss itself adds no rounding.
        double sum = 0;
        for (int s = 0; s < labels.Length; s++)
        {
            float[] z = logits[(s * classes)..((s + 1) * classes)];
            double max = z.Max();
            sum += Math.Log(z.Sum(v => Math.Exp(v - max))) + max - z[labels[s]];
        }
        return sum;
    }

    private static float[] Shift(float[] x, float[] v, double step) => [.. x.Select((e, i) => (float)(e + (step * v[i])))];

    /// <summary>
    /// The directional derivative g·v, and the scale its error is measured against: Σ|gᵢvᵢ|, which a wrong component moves
    /// the derivative by a fair share of, but which does not vanish when the terms happen to cancel.
    /// </summary>
    private static (double Value, double Scale) Directional(float[] g, float[] v)
    {
        double value = 0, scale = 0;
        for (int i = 0; i < g.Length; i++)
        {
            value += (double)g[i] * v[i];
            scale += Math.Abs((double)g[i] * v[i]);
        }
        return (value, Math.Max(scale, 1e-6));
    }
}
