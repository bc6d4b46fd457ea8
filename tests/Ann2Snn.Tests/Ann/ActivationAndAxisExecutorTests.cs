using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Kernels;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// The executor on activations, softmax over axes, argmax and reductions: each node alone after an input of [3, 4, 5]
/// (or [10]), run on a random batch and compared per sample with the float64 closed form.
/// </summary>
public sealed class ActivationAndAxisExecutorTests
{
    private static readonly Shape Image = new(3, 4, 5);

    private static Node Build(string name, InputNode x) => name switch
    {
        "sigmoid" => new ActivationNode(name, x, ActivationKind.Sigmoid),
        "tanh" => new ActivationNode(name, x, ActivationKind.Tanh),
        "leaky" => new ActivationNode(name, x, ActivationKind.LeakyRelu, 0.1f),
        "leaky-steep" => new ActivationNode(name, x, ActivationKind.LeakyRelu, 1.5f),
        "prelu-one" => new ActivationNode(name, x, ActivationKind.PRelu, slope: [0.2f]),
        "prelu-channels" => new ActivationNode(name, x, ActivationKind.PRelu, slope: [0.25f, -0.5f, 1.5f]),
        "prelu-elements" => new ActivationNode(name, x, ActivationKind.PRelu, slope: TestData.Uniform(5, x.OutputShape.Size, 2f)),
        "elu" => new ActivationNode(name, x, ActivationKind.Elu, 1f),
        "elu-steep" => new ActivationNode(name, x, ActivationKind.Elu, 2f),
        "hardsigmoid" => new ActivationNode(name, x, ActivationKind.HardSigmoid, 0.2f, 0.5f),
        "hardswish" => new ActivationNode(name, x, ActivationKind.HardSwish),
        "floor" => new ActivationNode(name, x, ActivationKind.Floor),
        "softmax-0" => new SoftmaxNode(name, x, false, 0, 0),
        "softmax-1" => new SoftmaxNode(name, x, false, 1, 1),
        "logsoftmax-2" => new SoftmaxNode(name, x, true, 2, 2),
        "softmax-1..2" => new SoftmaxNode(name, x, false, 1, 2),
        "logsoftmax-all" => new SoftmaxNode(name, x, true),
        "argmax-0" => new ArgMaxNode(name, x, 0, keepDims: true),
        "argmax-1-last" => new ArgMaxNode(name, x, 1, keepDims: false, selectLastIndex: true),
        "argmax-2" => new ArgMaxNode(name, x, 2, keepDims: false),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> Elementwise => ["sigmoid", "tanh", "leaky", "leaky-steep", "prelu-one", "prelu-channels",
        "prelu-elements", "elu", "elu-steep", "hardsigmoid", "hardswish", "floor", "softmax-0", "softmax-1", "logsoftmax-2",
        "softmax-1..2", "logsoftmax-all", "argmax-0", "argmax-1-last", "argmax-2"];

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void Node_matches_its_closed_form(string name)
    {
        var input = new InputNode("x", Image);
        AssertMatchesClosedForm(new ModelGraph(input, Build(name, input)));
    }

    public static TheoryData<ReduceKind, int[], bool> Reductions()
    {
        var data = new TheoryData<ReduceKind, int[], bool>();
        foreach (ReduceKind kind in Enum.GetValues<ReduceKind>())
        {
            foreach (int[] axes in new[] { [0], [1], [2], [0, 2], [1, 2], [0, 1], [0, 1, 2], Array.Empty<int>() })
            {
                foreach (bool keep in new[] { true, false }) data.Add(kind, axes, keep);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Reduction_matches_its_closed_form(ReduceKind kind, int[] axes, bool keepDims)
    {
        var input = new InputNode("x", Image);
        var reduce = new ReduceNode("reduce", input, kind, axes, keepDims);
        int[] kept = [.. Image.Select((d, a) => axes.Contains(a) ? 1 : d)];
        int[] removed = [.. Image.Where((_, a) => !axes.Contains(a))];
        Assert.Equal(keepDims ? kept : removed.Length > 0 ? removed : [1], reduce.OutputShape);
        Assert.Equal(Image.Size / kept.Aggregate(1, (p, d) => p * d), reduce.Count);
        AssertMatchesClosedForm(new ModelGraph(input, reduce));
    }

    [Fact]
    public void Vector_samples_reduce_argmax_and_prelu_per_feature()
    {
        var input = new InputNode("x", new Shape(10));
        var prelu = new ActivationNode("prelu", input, ActivationKind.PRelu, slope: TestData.Uniform(2, 10));
        var mean = new ReduceNode("mean", input, ReduceKind.Mean, [0], keepDims: false);
        var argmax = new ArgMaxNode("argmax", input, 0, keepDims: false);
        Assert.Equal(new Shape(1), mean.OutputShape);
        Assert.Equal(new Shape(1), argmax.OutputShape);
        AssertMatchesClosedForm(new ModelGraph(input, prelu));
        AssertMatchesClosedForm(new ModelGraph(input, mean));
        AssertMatchesClosedForm(new ModelGraph(input, argmax));
    }

    /// <summary>Runs a one-node graph on 6 random samples, in parallel chunks and one by one; both must match the closed form.</summary>
    private static void AssertMatchesClosedForm(ModelGraph graph)
    {
        const int batch = 6;
        Node node = graph.Output;
        int inSize = graph.Input.OutputShape.Size, outSize = node.OutputShape.Size;
        // Rounded to quarters, so argmax sees ties; spread to ±6 so every corner and saturation is crossed.
        float[] x = [.. TestData.Uniform(inSize, batch * inSize, 6f).Select(v => MathF.Round(v * 4) / 4)];
        float[] y = new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 3, BatchChunk = 2 }).Forward(x, batch);
        float[] serial = new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 1, BatchChunk = 1 }).Forward(x, batch);
        Assert.Equal(serial, y);
        int[] dims = [.. graph.Input.OutputShape];
        for (int s = 0; s < batch; s++)
        {
            float[] sample = x[(s * inSize)..((s + 1) * inSize)];
            double[] expected = node switch
            {
                ActivationNode a => ClosedForm.Activation(a, sample),
                SoftmaxNode m => ClosedForm.Softmax(sample, dims, m.FirstAxis, m.LastAxis, m.Log),
                ArgMaxNode m => ClosedForm.ArgMax(sample, dims, m.Axis, m.SelectLastIndex),
                ReduceNode r => ClosedForm.Reduce(sample, dims, r.Kind, [.. r.Axes]),
                _ => throw new InvalidOperationException(node.Op),
            };
            Reference.AssertClose(expected, y[(s * outSize)..((s + 1) * outSize)], 2e-6, $"{node} sample {s}");
        }
    }

    [Fact]
    public void Nodes_refuse_parameters_and_axes_that_do_not_fit()
    {
        var x = new InputNode("x", Image);
        Assert.Contains("slope has 2 elements", Assert.Throws<InvalidModelException>(() =>
            new ActivationNode("p", x, ActivationKind.PRelu, slope: [1f, 2f])).Message);
        Assert.Contains("takes no alpha", Assert.Throws<InvalidModelException>(() =>
            new ActivationNode("s", x, ActivationKind.Sigmoid, alpha: 1f)).Message);
        Assert.Contains("takes no slope", Assert.Throws<InvalidModelException>(() =>
            new ActivationNode("l", x, ActivationKind.LeakyRelu, 0.1f, slope: [1f])).Message);
        Assert.Contains("must be finite", Assert.Throws<InvalidModelException>(() =>
            new ActivationNode("e", x, ActivationKind.Elu, float.NaN)).Message);
        Assert.Contains("non-finite", Assert.Throws<InvalidModelException>(() =>
            new ActivationNode("p", x, ActivationKind.PRelu, slope: [float.PositiveInfinity])).Message);
        Assert.Contains("axes 2..1", Assert.Throws<InvalidModelException>(() => new SoftmaxNode("m", x, false, 2, 1)).Message);
        Assert.Contains("axis 3", Assert.Throws<InvalidModelException>(() => new ArgMaxNode("a", x, 3, true)).Message);
        Assert.Contains("not distinct axes", Assert.Throws<InvalidModelException>(() =>
            new ReduceNode("r", x, ReduceKind.Sum, [1, 1], true)).Message);
        Assert.Contains("not distinct axes", Assert.Throws<InvalidModelException>(() =>
            new ReduceNode("r", x, ReduceKind.Sum, [3], true)).Message);
    }

    [Fact]
    public void Clip_with_min_above_max_outputs_max()
    {
        var x = new InputNode("x", new Shape(4));
        var clip = new ClipNode("clip", x, 1f, -2f);
        Assert.Equal([-2f, -2f, -2f, -2f, -2f, -2f, -2f, -2f],
            new AnnExecutor(new ModelGraph(x, clip)).Forward([-3f, 0f, 0.5f, 9f, 1f, -1f, 2f, -2f], 2));
    }

    [Fact]
    public void A_final_ArgMax_is_the_prediction_the_evaluator_scores()
    {
        ModelGraph logits = TestGraphs.ResidualMlp();
        var graph = new ModelGraph(logits.Input, new ArgMaxNode("class", logits.Output, 0, keepDims: false), logits.Name);
        const int count = 50;
        float[] x = TestGraphs.Inputs(new Random(4), count, 16);
        float[] scores = new AnnExecutor(logits).Forward(x, count);
        int[] expected = [.. Enumerable.Range(0, count)
            .Select(b => Array.IndexOf(scores, scores.AsSpan(b * 5, 5).ToArray().Max(), b * 5) - b * 5)];
        int[] labels = [.. expected.Select((c, i) => i % 3 == 0 ? (c + 1) % 5 : c)];  // a third wrong on purpose
        var data = new ArrayDataset(x, labels, 16);
        AnnEvaluation viaArgMax = AnnEvaluator.Evaluate(new AnnExecutor(graph), data);
        Assert.Equal(expected, viaArgMax.Predictions);
        Assert.Equal(AnnEvaluator.Evaluate(new AnnExecutor(logits), data).Correct, viaArgMax.Correct);
        Assert.Equal(count - 17, viaArgMax.Correct);
    }
}
