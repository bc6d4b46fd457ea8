using Ann2Snn.Onnx;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>Every blocker at once: all of a model's unsupported ops, versions and attribute values in one refusal.</summary>
public sealed class OnnxBlockerTests
{
    /// <summary>
    /// Input [N, 3, 4, 4] → up1, up2 (Upsample) → Relu → bn (BatchNormalization, spatial=0) → act, act2 (Selu) → flat
    /// (Flatten with an attribute it lacks) → fc (Gemm, transA=1): every node but the Relu blocked for its own reason.
    /// </summary>
    private static OnnxBuilder ManyBlockers(int opset = 10)
    {
        var b = new OnnxBuilder(opset).Input("x", 3, 4, 4).Initializer("scales", [4], [1, 1, 2, 2])
            .NamedNode("up1", "Upsample", ["x", "scales"], ["u1"]).NamedNode("up2", "Upsample", ["u1", "scales"], ["u2"])
            .Node("Relu", ["u2"], "r")
            .Initializer("s", [3], [1, 1, 1]).Initializer("b", [3], [0, 0, 0])
            .Initializer("m", [3], [0, 0, 0]).Initializer("v", [3], [1, 1, 1])
            .NamedNode("bn", "BatchNormalization", ["r", "s", "b", "m", "v"], ["n"], OnnxAttr.Int("spatial", 0))
            .NamedNode("act", "Selu", ["n"], ["a"])
            .NamedNode("act2", "Selu", ["a"], ["a2"])
            .NamedNode("flat", "Flatten", ["a2"], ["f"], OnnxAttr.Int("axis", 1), OnnxAttr.Float("alpha", 1))
            .Initializer("w", [768, 2], TestData.Uniform(1, 1536))
            .NamedNode("fc", "Gemm", ["f", "w"], ["y"], OnnxAttr.Int("transA", 1));
        return b.Output("y");
    }

    [Fact]
    public void All_blockers_are_listed_at_once_with_a_count_per_op()
    {
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(ManyBlockers(opset: 8)));
        Assert.Equal(
            "test.onnx: 7 blockers: Upsample ×2 (nodes 'up1', 'up2': not supported); "
            + "BatchNormalization-7 ×1 (node 'bn': spatial=0 (per-element statistics)); "
            + "Selu ×2 (nodes 'act', 'act2': not supported); "
            + "Flatten-1 ×1 (node 'flat': attribute 'alpha' is not defined by Flatten-1 (it has axis)); "
            + "Gemm-7 ×1 (node 'fc': transA=1 (the input must be [N, K])); "
            + $"supported ops: {OnnxImporter.SupportedOps}",
            ex.Message);
        Assert.Equal(["Upsample", "BatchNormalization-7", "Selu", "Flatten-1", "Gemm-7"], ex.Blockers.Select(b => b.Label));
        Assert.Equal([2, 1, 2, 1, 1], ex.Blockers.Select(b => b.Count));
        Assert.Equal(["act", "act2"], ex.Blockers[2].Nodes);
    }

    [Fact]
    public void The_version_in_the_label_follows_the_model_opset()
    {
        // At opset 10 Upsample is deprecated and BatchNormalization-9 has no spatial attribute at all.
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(ManyBlockers(opset: 10)));
        Assert.Equal(["Upsample", "BatchNormalization-9", "Selu", "Flatten-9", "Gemm-9"], ex.Blockers.Select(b => b.Label));
        Assert.Equal("deprecated since opset 10; use Resize", ex.Blockers[0].Reason);
        Assert.StartsWith("attribute 'spatial' is not defined by BatchNormalization-9", ex.Blockers[1].Reason);
    }

    [Fact]
    public void Long_node_lists_are_cut_to_keep_the_line_readable()
    {
        var b = new OnnxBuilder(13).Input("x", 3);
        string previous = "x";
        for (int i = 0; i < 7; i++)
        {
            b.NamedNode($"t{i}", "Softsign", [previous], [$"v{i}"]);
            previous = $"v{i}";
        }
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b.Output(previous)));
        Assert.StartsWith("test.onnx: 7 blockers: Softsign ×7 (nodes 't0', 't1', 't2' and 4 more: not supported); ", ex.Message);
        Assert.Equal(7, Assert.Single(ex.Blockers).Nodes.Count);
    }

    [Fact]
    public void Dead_branches_are_not_blockers()
    {
        var b = new OnnxBuilder(13).Input("x", 3).Node("Relu", ["x"], "y").NamedNode("dead", "Softsign", ["x"], ["unused"]).Output("y");
        Assert.Single(Import(b).Nodes.OfType<Ann2Snn.Graph.ReluNode>());
    }

    [Fact]
    public void Foreign_domains_are_blockers_named_with_the_domain()
    {
        var b = new OnnxBuilder(13).Input("x", 3).NamedNode("fused", "Relu", ["x"], ["y"]).Output("y");
        b.LastNode.Domain = "com.microsoft";
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.Equal("test.onnx: 1 blocker: Relu ×1 (node 'fused': domain 'com.microsoft' is not supported (only ai.onnx))", ex.Message);
    }

    [Fact]
    public void Blockers_come_before_weights_are_decoded()
    {
        // The weight claims a trillion elements: an invalid model, but the blockers are what the user needs first.
        var b = new OnnxBuilder(13).Input("x", 4).Initializer("w", [3, 4], TestData.Uniform(1, 12))
            .Node("Gemm", ["x", "w"], "g", OnnxAttr.Int("transB", 1)).NamedNode("act", "Softsign", ["g"], ["y"]).Output("y");
        b.Graph.Initializer[0].Dims[0] = 1_000_000_000_000;
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.StartsWith("test.onnx: 1 blocker: Softsign ×1 (node 'act': not supported)", ex.Message);
    }

    [Fact]
    public void A_refusal_of_one_node_after_the_check_has_no_blocker_list()
    {
        // Shapes decide this one (Flatten of a rank-4 input at axis 2), so it comes from the import itself.
        var b = new OnnxBuilder(13).Input("x", 2, 3, 3).NamedNode("flat", "Flatten", ["x"], ["y"], OnnxAttr.Int("axis", 2)).Output("y");
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.StartsWith("test.onnx: node 'flat' (Flatten, opset 13): axis=2", ex.Message);
        Assert.Empty(ex.Blockers);
    }
}
