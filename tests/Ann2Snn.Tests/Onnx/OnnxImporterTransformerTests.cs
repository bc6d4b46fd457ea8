using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// Vision Transformer exports: random pre-norm attention blocks written as timm and torch.onnx write them (one qkv
/// MatMul, heads by Reshape/Transpose/Split, q·kᵀ·scale, Softmax, ·v, a GELU MLP), at opset 13 (LayerNorm and GELU
/// written out) and 17 (LayerNormalization), against ONNX Runtime; the folds into LayerNormNode and GELU; products of two
/// activations with broadcasting; bad input refused naming the node.
/// </summary>
public sealed class OnnxImporterTransformerTests
{
    /// <summary>A random attention block [N, t, d] → [N, t, d]: its bytes, its per-sample input shape and what it is.</summary>
    internal static (byte[] Bytes, int[] Shape, string What) AttentionBlock(int seed, int opset)
    {
        var rng = new Random(seed);
        int t = rng.Next(2, 6), heads = rng.Next(1, 4), dh = rng.Next(1, 5), hidden = rng.Next(2, 7);
        int d = heads * dh;
        var b = new OnnxBuilder(opset, $"attention_{seed}").Input("x", t, d);
        float[] Weights(int count, float scale = 1f) => TestData.Uniform(rng.Next(), count, scale);
        string Norm(string x, string name)
        {
            b.Initializer(name + "_g", [d], [.. Weights(d).Select(v => 1 + (0.5f * v))]).Initializer(name + "_b", [d], Weights(d, 0.3f));
            if (opset >= 17)
            {
                b.Node("LayerNormalization", [x, name + "_g", name + "_b"], name, OnnxAttr.Int("axis", -1),
                    OnnxAttr.Float("epsilon", 1e-5f));
                return name;
            }
            b.Initializer(name + "_two", [], [2f]).Initializer(name + "_eps", [], [1e-5f]);
            b.Node("ReduceMean", [x], name + "_mean", OnnxAttr.Ints("axes", -1)).Node("Sub", [x, name + "_mean"], name + "_d")
                .Node("Pow", [name + "_d", name + "_two"], name + "_sq")
                .Node("ReduceMean", [name + "_sq"], name + "_var", OnnxAttr.Ints("axes", -1))
                .Node("Add", [name + "_var", name + "_eps"], name + "_ve").Node("Sqrt", [name + "_ve"], name + "_std")
                .Node("Div", [name + "_d", name + "_std"], name + "_n").Node("Mul", [name + "_n", name + "_g"], name + "_ng");
            b.Node("Add", [name + "_ng", name + "_b"], name);
            return name;
        }
        string Linear(string x, string name, int inputs, int outputs)
        {
            b.Initializer(name + "_w", [inputs, outputs], Weights(inputs * outputs, 1f / MathF.Sqrt(inputs)))
                .Initializer(name + "_bias", [outputs], Weights(outputs, 0.1f));
            b.Node("MatMul", [x, name + "_w"], name + "_mm").Node("Add", [name + "_mm", name + "_bias"], name);
            return name;
        }

        string qkv = Linear(Norm("x", "ln1"), "qkv", d, 3 * d);
        b.Initializer("heads_shape", [0L, t, 3, heads, dh]).Initializer("merge_shape", [0L, t, d]).Initializer("zero", [0L])
            .Initializer("parts", [1L, 1L, 1L]).Initializer("scale", [], [1f / MathF.Sqrt(dh)]);
        b.Node("Reshape", [qkv, "heads_shape"], "qkv5").Node("Transpose", ["qkv5"], "qkv_t", OnnxAttr.Ints("perm", 2, 0, 3, 1, 4))
            .NamedNode("split", "Split", ["qkv_t", "parts"], ["q1", "k1", "v1"], OnnxAttr.Int("axis", 0))
            .Node("Squeeze", ["q1", "zero"], "q").Node("Squeeze", ["k1", "zero"], "k").Node("Squeeze", ["v1", "zero"], "v")
            .Node("Transpose", ["k"], "kt", OnnxAttr.Ints("perm", 0, 1, 3, 2)).NamedNode("scores", "MatMul", ["q", "kt"], ["s"])
            .Node("Mul", ["s", "scale"], "ss").Node("Softmax", ["ss"], "a", OnnxAttr.Int("axis", -1))
            .NamedNode("mix", "MatMul", ["a", "v"], ["o"]).Node("Transpose", ["o"], "ot", OnnxAttr.Ints("perm", 0, 2, 1, 3))
            .Node("Reshape", ["ot", "merge_shape"], "merged");
        b.Node("Add", ["x", Linear("merged", "proj", d, d)], "r1");
        string h = Linear(Norm("r1", "ln2"), "fc1", d, hidden);
        b.Initializer("sqrt2", [], [MathF.Sqrt(2f)]).Initializer("one", [], [1f]).Initializer("half", [], [0.5f])
            .Node("Div", [h, "sqrt2"], "gd").Node("Erf", ["gd"], "ge").Node("Add", ["ge", "one"], "g1").Node("Mul", [h, "g1"], "gm")
            .Node("Mul", ["gm", "half"], "gelu");
        b.Node("Add", ["r1", Linear("gelu", "fc2", hidden, d)], "y").Output("y");
        return (b.ToBytes(), [t, d], $"opset {opset}, seed {seed}: t={t}, heads={heads}, d_head={dh}, hidden={hidden}");
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void Random_attention_blocks_agree_with_OnnxRuntime(int opset)
    {
        var failures = new List<string>();
        for (int seed = 1; seed <= 12; seed++)
        {
            (byte[] bytes, int[] shape, string what) = AttentionBlock(seed, opset);
            if (OnnxRuntimeAgreementTests.Disagreement(bytes, shape, 1 + (seed % 3), seed, what) is { } r) failures.Add(r);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 12 disagree:\n" + string.Join("\n\n", failures.Take(2)));
    }

    [Theory]
    [InlineData(13)]
    [InlineData(17)]
    public void LayerNorm_and_GELU_become_single_nodes_at_both_opsets(int opset)
    {
        ModelGraph g = OnnxImporter.Load(AttentionBlock(3, opset).Bytes, ModelFile);
        Assert.Equal(2, g.Nodes.OfType<LayerNormNode>().Count());
        Assert.Single(g.Nodes.OfType<ActivationNode>(), a => a.Kind == ActivationKind.Gelu);
        Assert.DoesNotContain(g.Nodes, n => n is ReduceNode or BinaryNode || n is ActivationNode
        {
            Kind: ActivationKind.Erf or
            ActivationKind.Sqrt or ActivationKind.Pow
        });
        Assert.Equal(2, g.Nodes.OfType<MatMulNode>().Count());
        Assert.All(g.Nodes.OfType<LayerNormNode>(), l => Assert.Equal(l.Block.Length, l.Scale.Length));
    }

    [Fact]
    public void Patterns_that_differ_stay_unfolded_and_still_agree()
    {
        // GELU with 0.4 instead of ½, and a "LayerNorm" whose Sub reads another tensor than its mean's input.
        var b = new OnnxBuilder(13).Input("x", 3, 4).Initializer("sqrt2", [], [MathF.Sqrt(2f)]).Initializer("one", [], [1f])
            .Initializer("f", [], [0.4f]).Initializer("two", [], [2f]).Initializer("eps", [], [1e-3f])
            .Node("Div", ["x", "sqrt2"], "gd").Node("Erf", ["gd"], "ge").Node("Add", ["ge", "one"], "g1").Node("Mul", ["x", "g1"], "gm")
            .Node("Mul", ["gm", "f"], "g").Node("ReduceMean", ["x"], "m", OnnxAttr.Ints("axes", -1)).Node("Sub", ["g", "m"], "d")
            .Node("Pow", ["d", "two"], "sq").Node("ReduceMean", ["sq"], "var", OnnxAttr.Ints("axes", -1)).Node("Add", ["var", "eps"], "ve")
            .Node("Sqrt", ["ve"], "std").Node("Div", ["d", "std"], "y").Output("y");
        ModelGraph g = Import(b);
        Assert.Empty(g.Nodes.OfType<LayerNormNode>());
        Assert.Contains(g.Nodes, n => n is ActivationNode { Kind: ActivationKind.Erf });
        Assert.DoesNotContain(g.Nodes, n => n is ActivationNode { Kind: ActivationKind.Gelu });
        Assert.Null(OnnxRuntimeAgreementTests.Disagreement(b.ToBytes(), [3, 4], 2, 5, "unfolded"));
    }

    [Theory]
    [InlineData("mnist_vit")]
    [InlineData("mnist_vit_op17")]
    public void The_zoo_ViT_linear_layers_are_dense_over_its_17_tokens_and_it_counts_its_own_parameters(string model)
    {
        ModelGraph g = OnnxImporter.Load(Zoo.ModelPath(model));
        DenseNode[] tokens = [.. g.Nodes.OfType<DenseNode>().Where(n => !n.IsVector)];
        // qkv, proj, fc1 and fc2 of both blocks; the head is the one dense layer on a vector (the class token).
        Assert.Equal(8, tokens.Length);
        Assert.All(tokens, n => Assert.Equal(17, n.Positions));
        Assert.Equal([64 * 192, 64 * 64, 64 * 128, 128 * 64, 64 * 192, 64 * 64, 64 * 128, 128 * 64], tokens.Select(n => n.Weight.Length));
        // 72,074 in PyTorch less the position embedding (a shift, 17 × 64) the graph does not count as a parameter.
        Assert.Equal(72_074 - (17 * 64), g.Nodes.Sum(n => n.Parameters));
        Assert.Equal(1_238_912, g.Nodes.Sum(n => n.Macs));
    }

    [Fact]
    public void Random_products_of_two_activations_broadcast_as_NumPy_does()
    {
        var failures = new List<string>();
        for (int seed = 1; seed <= 30; seed++)
        {
            var rng = new Random(seed);
            int m = rng.Next(1, 5), k = rng.Next(1, 5), n = rng.Next(1, 5);
            int[] lead = [.. Enumerable.Range(0, rng.Next(0, 3)).Select(_ => rng.Next(1, 4))];
            int[] aLead = [.. lead.Select(d => rng.Next(3) == 0 ? 1 : d)], bLead = [.. lead.Select(d => rng.Next(3) == 0 ? 1 : d)];
            int[] aDims = [.. aLead, m, k], bDims = [.. bLead, k, n];
            int aSize = aDims.Aggregate(1, (p, d) => p * d), bSize = bDims.Aggregate(1, (p, d) => p * d), features = rng.Next(2, 6);
            // Two different activations from one input: x·W1 and x·W2 reshaped (0 keeps the batch).
            var b = new OnnxBuilder(13, $"matmul_{seed}").Input("x", features)
                .Initializer("w1", [features, aSize], TestData.Uniform(seed, features * aSize))
                .Initializer("w2", [features, bSize], TestData.Uniform(seed + 100, features * bSize))
                .Initializer("sa", [0L, .. aDims.Select(d => (long)d)]).Initializer("sb", [0L, .. bDims.Select(d => (long)d)])
                .Node("MatMul", ["x", "w1"], "a0").Node("MatMul", ["x", "w2"], "b0").Node("Reshape", ["a0", "sa"], "a")
                .Node("Reshape", ["b0", "sb"], "b").NamedNode("mm", "MatMul", ["a", "b"], ["y"]);
            string what = $"seed {seed}: [N, {string.Join(", ", aDims)}] · [N, {string.Join(", ", bDims)}]";
            if (OnnxRuntimeAgreementTests.Disagreement(b.Output("y").ToBytes(), [features], 1 + (seed % 3), seed, what) is { } r)
            {
                failures.Add(r);
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of 30 disagree:\n" + string.Join("\n\n", failures.Take(2)));
    }

    [Theory]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Add")]
    public void Element_wise_ops_of_two_activations_broadcast(string op)
    {
        // x − mean(x) over each axis in turn, and the op against a [1, 1, c] and [a, 1, 1] reduction.
        for (int axis = 1; axis <= 3; axis++)
        {
            var b = new OnnxBuilder(13, $"{op}_{axis}").Input("x", 2, 3, 4).Node("ReduceMean", ["x"], "m", OnnxAttr.Ints("axes", axis))
                .Node("Sigmoid", ["m"], "s").Node(op, ["x", "s"], "y").Output("y");
            Assert.Null(OnnxRuntimeAgreementTests.Disagreement(b.ToBytes(), [2, 3, 4], 2, axis, $"{op} axis {axis}"));
            Assert.Single(Import(b).Nodes.OfType<BinaryNode>());
        }
    }

    [Theory]
    [InlineData(20, "none")]
    [InlineData(20, "tanh")]
    public void Gelu_agrees_with_OnnxRuntime_in_both_forms(int opset, string form)
    {
        var b = new OnnxBuilder(opset).Input("x", 7, 5).Node("Gelu", ["x"], "y", OnnxAttr.String("approximate", form)).Output("y");
        Assert.Equal(form == "none" ? ActivationKind.Gelu : ActivationKind.GeluTanh, Single<ActivationNode>(Import(b)).Kind);
        float[] x = [.. TestData.Uniform(4, 2 * 35, 6f)];
        (float[] expected, _) = Ort.Run(b.ToBytes(), x, 2, 7, 5);
        float[] actual = new AnnExecutor(Import(b)).Forward(x, 2);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"x = {x[i]}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void LayerNormalization_over_trailing_axes_agrees_with_OnnxRuntime()
    {
        for (int axis = 1; axis <= 3; axis++)
        {
            int[] dims = new[] { 2, 3, 4 }[(axis - 1)..];
            int n = dims.Aggregate(1, (p, d) => p * d);
            var b = new OnnxBuilder(17, $"ln_{axis}").Input("x", 2, 3, 4).Initializer("g", dims, TestData.Uniform(axis, n))
                .Initializer("beta", dims, TestData.Uniform(axis + 9, n))
                .Node("LayerNormalization", ["x", "g", "beta"], "y", OnnxAttr.Int("axis", axis - 4), OnnxAttr.Float("epsilon", 1e-2f))
                .Output("y");
            Assert.Equal(axis - 1, Single<LayerNormNode>(Import(b)).FirstAxis);
            Assert.Null(OnnxRuntimeAgreementTests.Disagreement(b.ToBytes(), [2, 3, 4], 3, axis, $"axis {axis}"));
        }
    }

    [Fact]
    public void A_MatMul_whose_shapes_disagree_is_refused_naming_the_node()
    {
        var b = new OnnxBuilder(13).Input("x", 2, 3).Node("Sigmoid", ["x"], "s")
            .NamedNode("bad_mm", "MatMul", ["x", "s"], ["y"]).Output("y");
        var e = Assert.ThrowsAny<Ann2SnnException>(() => Import(b));
        Assert.Contains("'bad_mm'", e.Message, StringComparison.Ordinal);
        Assert.Contains("disagree", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_Softmax_over_the_batch_axis_is_refused_naming_the_node()
    {
        var b = new OnnxBuilder(13).Input("x", 3, 4).NamedNode("sm", "Softmax", ["x"], ["y"], OnnxAttr.Int("axis", 0)).Output("y");
        var e = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.Contains("'sm'", e.Message, StringComparison.Ordinal);
        Assert.Contains("batch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_LayerNorm_with_an_empty_axis_or_misfit_scale_is_refused()
    {
        var wrong = new OnnxBuilder(17).Input("x", 3, 4).Initializer("g", [3], [1f, 1f, 1f])
            .NamedNode("ln", "LayerNormalization", ["x", "g"], ["y"]).Output("y");
        var e = Assert.ThrowsAny<Ann2SnnException>(() => Import(wrong));
        Assert.Contains("'ln'", e.Message, StringComparison.Ordinal);
        Assert.Contains("scale has 3 elements", e.Message, StringComparison.Ordinal);

        var empty = new OnnxBuilder(17).InputWithDims("x", ["N", 3, 0]).Initializer("g", [1], [1f])
            .NamedNode("ln", "LayerNormalization", ["x", "g"], ["y"]).Output("y");
        Assert.Contains("dimension 0", Assert.ThrowsAny<Ann2SnnException>(() => Import(empty)).Message, StringComparison.Ordinal);
        var input = new InputNode("x", new Shape(3, 4));
        Assert.Throws<InvalidModelException>(() => new LayerNormNode("ln", input, 2, 1e-5f, [1f], [0f]));
    }

    [Fact]
    public void An_attention_mask_input_is_refused_naming_the_node_that_reads_it()
    {
        var b = new OnnxBuilder(13).Input("x", 4, 4).Input("mask", 4, 4).Node("Sigmoid", ["x"], "s")
            .NamedNode("masked", "Add", ["s", "mask"], ["m"]).Node("Softmax", ["m"], "y", OnnxAttr.Int("axis", -1)).Output("y");
        var e = Assert.ThrowsAny<Ann2SnnException>(() => Import(b));
        Assert.Contains("'mask'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'masked'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_class_token_joins_the_patches_as_a_constant_the_same_for_every_sample()
    {
        // PyTorch's cls.expand(x.shape[0], -1, -1): Where(Equal([N, -1, -1], -1), 1, [N, -1, -1]) → Expand → Concat.
        var b = new OnnxBuilder(13).Input("x", 3, 2).Initializer("cls", [1, 1, 2], [0.5f, -1.5f]).Node("Shape", ["x"], "shape")
            .Initializer("i0", [0L]).Node("Gather", ["shape", "i0"], "n").Initializer("rest", [-1L, -1L])
            .Node("Concat", ["n", "rest"], "target", OnnxAttr.Int("axis", 0)).Initializer("minus", [-1L, -1L, -1L])
            .Node("Equal", ["target", "minus"], "eq").Initializer("ones", [1L, 1L, 1L]).Node("Where", ["eq", "ones", "target"], "w")
            .Node("Expand", ["cls", "w"], "tok").Node("Concat", ["tok", "x"], "y", OnnxAttr.Int("axis", 1)).Output("y");
        ModelGraph g = Import(b);
        Assert.Equal([1f * 0.5f, -1.5f], Single<Graph.ConstantNode>(g).Values);
        Assert.Equal(new Shape(4, 2), g.Output.OutputShape);
        Assert.Null(OnnxRuntimeAgreementTests.Disagreement(b.ToBytes(), [3, 2], 3, 1, "class token"));
    }
}
