using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// The chains quantization-aware training exports around a Floor, in the orders exporters write them, fold at import
/// into one <see cref="QuantizedClipNode"/> with λ and L read from the constants; the folded graph agrees with ONNX Runtime
/// running the chain. Bad λ or L is refused naming the Floor; other Floors and Clips keep their meaning.
/// </summary>
public sealed class OnnxImporterQuantizedClipTests
{
    private const int Batch = 4;

    /// <summary>How the chain is written: the QCFS reference code, its clamp-first form, and the clip-first variant.</summary>
    public enum Order
    {
        /// <summary>x/λ → ·L → +½ → Floor → /L → Clip(0, 1) → ·λ (the bounds Casts of int64 constants, as torch writes them).</summary>
        Reference,

        /// <summary>The same with x·(1/λ) for x/λ and ·(1/L) for /L, as a folding exporter writes them.</summary>
        ReferenceByReciprocals,

        /// <summary>x/λ → Clip(0, 1) → ·L → +½ → Floor → /L → ·λ (the later reference code clamps first).</summary>
        ClampFirst,

        /// <summary>Clip(0, λ) → ·L/λ → +½ → Floor → ·λ/L.</summary>
        ClipFirst,
    }

    /// <summary>
    /// Input [6] → Gemm (so the chain reads a computed tensor) → the chain of <paramref name="order"/> → Gemm; the Clip's
    /// bounds as inputs from opset 11, as attributes before.
    /// </summary>
    private static OnnxBuilder Model(Order order, float lambda, float levels, int opset = 13, bool extraScaleAfter = false)
    {
        var rng = new Random(3);
        var b = new OnnxBuilder(opset).Input("x", 6)
            .Initializer("w1", [5, 6], TestGraphs.Random(rng, 1.5f, 5, 6).Data).Initializer("b1", [5], TestGraphs.Vector(rng, 5, -0.5f, 1f))
            .Initializer("w2", [3, 5], TestGraphs.Random(rng, 1f, 3, 5).Data).Initializer("b2", [3], [0.1f, -0.2f, 0f])
            .Initializer("lam", [1], [lambda]).Initializer("L", [], [levels]).Initializer("half", [], [0.5f])
            .Node("Gemm", ["x", "w1", "b1"], "h", OnnxAttr.Int("transB", 1));
        string Clip(string input, float lo, float hi, string output)
        {
            if (opset < 11)
            {
                b.Node("Clip", [input], output, OnnxAttr.Float("min", lo), OnnxAttr.Float("max", hi));
                return output;
            }
            b.Node("Constant", [], output + "_lo", OnnxAttr.Tensor("value", OnnxBuilder.FloatTensor(output + "_lo", [], [lo])));
            b.Initializer(output + "_hi", [], [hi]);
            b.Node("Clip", [input, output + "_lo", output + "_hi"], output);
            return output;
        }
        switch (order)
        {
            case Order.Reference:
                b.Node("Div", ["h", "lam"], "u").Node("Mul", ["u", "L"], "v").Node("Add", ["v", "half"], "s").Node("Floor", ["s"], "q")
                    .Node("Div", ["q", "L"], "r");
                if (opset >= 11)
                {
                    b.Node("Constant", [], "zero", OnnxAttr.Tensor("value", OnnxBuilder.Int64Tensor("zero", [], [0])))
                        .Node("Constant", [], "one", OnnxAttr.Tensor("value", OnnxBuilder.Int64Tensor("one", [], [1])))
                        .Node("Cast", ["zero"], "zf", OnnxAttr.Int("to", 1)).Node("Cast", ["one"], "of", OnnxAttr.Int("to", 1))
                        .Node("Clip", ["r", "zf", "of"], "c");
                }
                else
                {
                    Clip("r", 0, 1, "c");
                }
                b.Node("Mul", ["c", "lam"], "y");
                break;
            case Order.ReferenceByReciprocals:
                b.Initializer("inv_lam", [], [1f / lambda]).Initializer("inv_L", [], [1f / levels])
                    .Node("Mul", ["h", "inv_lam"], "u").Node("Mul", ["u", "L"], "v").Node("Add", ["half", "v"], "s")
                    .Node("Floor", ["s"], "q").Node("Mul", ["q", "inv_L"], "r");
                b.Node("Mul", [Clip("r", 0, 1, "c"), "lam"], "y");
                break;
            case Order.ClampFirst:
                b.Node("Div", ["h", "lam"], "u");
                b.Node("Mul", [Clip("u", 0, 1, "c"), "L"], "v").Node("Add", ["v", "half"], "s").Node("Floor", ["s"], "q")
                    .Node("Div", ["q", "L"], "r").Node("Mul", ["r", "lam"], "y");
                break;
            case Order.ClipFirst:
                b.Initializer("up", [], [levels / lambda]).Initializer("down", [], [lambda / levels]);
                b.Node("Mul", [Clip("h", 0, lambda, "c"), "up"], "v").Node("Add", ["v", "half"], "s").Node("Floor", ["s"], "q")
                    .Node("Mul", ["q", "down"], "y");
                break;
        }
        string last = "y";
        if (extraScaleAfter)
        {
            b.Initializer("two", [], [2f]).Node("Mul", ["y", "two"], "y2");
            last = "y2";
        }
        return b.Node("Gemm", [last, "w2", "b2"], "out", OnnxAttr.Int("transB", 1)).Output("out");
    }

    public static TheoryData<Order, int> Orders()
    {
        var data = new TheoryData<Order, int>();
        foreach (Order order in Enum.GetValues<Order>())
        {
            foreach (int opset in new[] { 9, 11, 13, 17 }) data.Add(order, opset);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Orders))]
    public void Each_order_folds_into_one_quantized_clip_that_agrees_with_ONNX_Runtime(Order order, int opset)
    {
        OnnxBuilder model = Model(order, lambda: 1.75f, levels: 8, opset);
        ModelGraph graph = Import(model);
        QuantizedClipNode q = Single<QuantizedClipNode>(graph);
        Assert.Equal((1.75f, 8, 0.5f), (q.Lambda, q.Levels!.Value, q.Shift));
        Assert.Equal("q", q.Name); // named after the Floor (an unnamed ONNX node is named after its output)
        // Nothing of the chain is left: Gemm → QuantizedClip → Gemm.
        Assert.Equal(["Input", "Dense", "QuantizedClip", "Dense"], graph.Nodes.Select(n => n.Op));
        AssertMatchesOrt(model, graph);
    }

    [Fact]
    public void A_scale_after_the_chain_stays_a_scale_and_the_longest_QCFS_chain_is_folded()
    {
        OnnxBuilder model = Model(Order.Reference, lambda: 3f, levels: 4, extraScaleAfter: true);
        ModelGraph graph = Import(model);
        QuantizedClipNode q = Single<QuantizedClipNode>(graph);
        Assert.Equal((3f, 4), (q.Lambda, q.Levels!.Value));
        Assert.Equal(["Input", "Dense", "QuantizedClip", "Mul", "Dense"], graph.Nodes.Select(n => n.Op));
        AssertMatchesOrt(model, graph);
    }

    [Theory]
    [InlineData(Order.Reference, -2f, 8f, "λ = -2")]
    [InlineData(Order.ClipFirst, -2f, 8f, "λ = -2")]
    [InlineData(Order.ClampFirst, -0.5f, 4f, "λ = -0.5")]
    [InlineData(Order.Reference, 2f, 7.5f, "L = 7.5")]
    [InlineData(Order.ClipFirst, 2f, 2.2f, "L = 2.2")]
    [InlineData(Order.ReferenceByReciprocals, 2f, 0.5f, "L = 0.5")]
    public void A_bad_lambda_or_L_is_refused_naming_the_Floor(Order order, float lambda, float levels, string what)
    {
        var e = Assert.Throws<InvalidModelException>(() => Import(Model(order, lambda, levels)));
        Assert.Contains("node 'q' (Floor): the quantized clip (QCFS) pattern", e.Message);
        Assert.Contains(what, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_lone_Floor_and_an_offset_clip_keep_their_meaning()
    {
        var lone = new OnnxBuilder(13).Input("x", 5).Initializer("k", [], [3f]).Node("Mul", ["x", "k"], "m").Node("Floor", ["m"], "y")
            .Output("y");
        ModelGraph g = Import(lone);
        Assert.Equal(ActivationKind.Floor, Single<ActivationNode>(g).Kind);
        AssertMatchesOrt(lone, g);

        // Clip(-1, 1) around a floor is a signed quantizer, not QCFS: left as it is.
        var signed = new OnnxBuilder(13).Input("x", 5).Initializer("lo", [], [-1f]).Initializer("hi", [], [1f])
            .Initializer("half", [], [0.5f]).Node("Add", ["x", "half"], "s").Node("Floor", ["s"], "q")
            .Node("Clip", ["q", "lo", "hi"], "y").Output("y");
        g = Import(signed);
        Assert.Empty(g.Nodes.OfType<QuantizedClipNode>());
        Assert.Single(g.Nodes.OfType<ClipNode>());
        AssertMatchesOrt(signed, g);
    }

    [Fact]
    public void Clip_zero_lambda_without_floor_stays_a_clip()
    {
        var relu6 = new OnnxBuilder(13).Input("x", 5).Initializer("lo", [], [0f]).Initializer("hi", [], [6f])
            .Node("Clip", ["x", "lo", "hi"], "y").Output("y");
        ClipNode clip = Single<ClipNode>(Import(relu6));
        Assert.Equal((0f, 6f), (clip.Min, clip.Max));
    }

    [Fact]
    public void A_chain_whose_middle_is_read_twice_is_not_folded()
    {
        // The Floor's output also feeds the graph output through an Add: folding would change what the Add reads.
        var b = new OnnxBuilder(13).Input("x", 4).Initializer("lam", [], [2f]).Initializer("L", [], [4f]).Initializer("half", [], [0.5f])
            .Initializer("lo", [], [0f]).Initializer("hi", [], [1f])
            .Node("Div", ["x", "lam"], "u").Node("Mul", ["u", "L"], "v").Node("Add", ["v", "half"], "s").Node("Floor", ["s"], "q")
            .Node("Div", ["q", "L"], "r").Node("Clip", ["r", "lo", "hi"], "c").Node("Mul", ["c", "lam"], "y")
            .Node("Add", ["y", "q"], "out").Output("out");
        ModelGraph g = Import(b);
        Assert.Empty(g.Nodes.OfType<QuantizedClipNode>());
        AssertMatchesOrt(b, g);
    }

    /// <summary>Our executor on the imported graph against ONNX Runtime on the ONNX chain, on random inputs.</summary>
    private static void AssertMatchesOrt(OnnxBuilder model, ModelGraph graph)
    {
        int inSize = graph.Input.OutputShape.Size;
        float[] x = TestData.Uniform(17, Batch * 64 * inSize, 3f);
        var (expected, _) = Ort.Run(model.ToBytes(), x, [Batch * 64, .. graph.Input.OutputShape]);
        float[] actual = new AnnExecutor(graph).Forward(x, Batch * 64);
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: ONNX Runtime {expected[i]}, ours {actual[i]}");
        }
    }
}
