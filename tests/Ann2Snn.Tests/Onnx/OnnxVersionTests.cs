using Ann2Snn.Onnx;
using Ann2Snn.Tests.Ann;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// Opsets 7–23, checked per node: the version table against the op table, each imported version of each op against
/// ONNX Runtime at both ends of the opsets in which it is in effect, and each refused version or attribute value
/// refused with its reason.
/// </summary>
public sealed class OnnxVersionTests
{
    /// <summary>(op, since-version, opset) for each version we import, at the first and last opset it is in effect.</summary>
    public static TheoryData<string, int, int> ImportedVersions
    {
        get
        {
            var data = new TheoryData<string, int, int>();
            foreach (var (op, version, first, last) in Imported())
            {
                data.Add(op, version, first);
                if (last != first) data.Add(op, version, last);
            }
            return data;
        }
    }

    private static IEnumerable<(string Op, int Version, int First, int Last)> Imported() =>
        from op in GraphImporter.OpNames
        where GraphImporter.Versions.ContainsKey(op)
        let history = GraphImporter.Versions[op]
        from v in history.Versions
        where v.Refused is null
        let opsets = history.Opsets(v, GraphImporter.MinOpset, GraphImporter.MaxOpset)
        where opsets is not null
        select (op, v.Since, opsets.Value.First, opsets.Value.Last);

    private static UnsupportedOperatorException Blocked(OnnxBuilder b)
    {
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.NotEmpty(ex.Blockers);
        return ex;
    }

    [Fact]
    public void Every_op_has_a_version_table()
    {
        // An op added to the op table needs its versions (GraphImporter.Versions.cs) and a sample (OnnxVersionSamples).
        string[] missing = [.. GraphImporter.OpNames.Where(op => !GraphImporter.Versions.ContainsKey(op))];
        Assert.True(missing.Length == 0, $"ops without a version table: {string.Join(", ", missing)}");
        string[] stale = [.. GraphImporter.Versions.Keys.Except(GraphImporter.OpNames).Order(StringComparer.Ordinal)];
        Assert.True(stale.Length == 0, $"version tables of ops the importer does not map: {string.Join(", ", stale)}");
    }

    [Fact]
    public void Version_tables_agree_with_the_op_table()
    {
        foreach (var (op, history) in GraphImporter.Versions)
        {
            int[] since = [.. history.Versions.Select(v => v.Since)];
            Assert.True(since.SequenceEqual(since.Order().Distinct()) && since[0] >= 1,
                $"{op}: since-versions [{string.Join(", ", since)}]");
            Assert.True(since[^1] <= GraphImporter.MaxOpset, $"{op}: a version after opset {GraphImporter.MaxOpset}");
            IReadOnlyList<string> all = GraphImporter.AttributesOf(op);
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (OpVersion v in history.Versions.Where(v => v.Refused is null))
            {
                IReadOnlyList<string> attributes = v.Attributes ?? all;
                Assert.True(attributes.All(all.Contains), $"{op}-{v.Since} has attributes the op table does not list");
                if (history.Opsets(v, GraphImporter.MinOpset, GraphImporter.MaxOpset) is not null) defined.UnionWith(attributes);
            }
            // Each attribute the import reads is defined by some version in effect at opsets 7–23, and each rule's too.
            Assert.True(all.All(defined.Contains), $"{op}: the op table lists attributes no version defines: "
                + string.Join(", ", all.Where(a => !defined.Contains(a))));
            Assert.True(history.Rules.All(r => defined.Contains(r.Attribute)), $"{op}: a rule on an attribute no version defines");
        }
    }

    [Fact]
    public void Every_imported_version_has_a_sample()
    {
        string[] missing = [.. Imported().Where(i => OnnxVersionSamples.Build(i.Op, i.First) is null).Select(i => $"{i.Op}-{i.Version}")];
        Assert.True(missing.Length == 0, $"no sample model (OnnxVersionSamples) for: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(ImportedVersions))]
    public void Each_imported_version_agrees_with_OnnxRuntime(string op, int version, int opset)
    {
        OnnxBuilder b = OnnxVersionSamples.Build(op, opset)!;
        Assert.Equal(version, GraphImporter.Versions[op].InEffect(opset)!.Since);
        string? disagreement = OnnxRuntimeAgreementTests.Disagreement(b.ToBytes(), OnnxVersionSamples.InputShape(b), batch: 3,
            seed: opset, $"{op}-{version} at opset {opset}");
        Assert.True(disagreement is null, disagreement);
    }

    [Fact]
    public void The_version_in_effect_is_the_largest_since_version_not_above_the_opset()
    {
        foreach (var (op, history) in GraphImporter.Versions)
        {
            for (int opset = 1; opset <= GraphImporter.MaxOpset; opset++)
            {
                OpVersion? v = history.InEffect(opset);
                int[] candidates = [.. history.Versions.Select(x => x.Since).Where(s => s <= opset)];
                Assert.Equal(candidates.Length == 0 ? null : candidates.Max(), v?.Since);
                if (v is not null && history.Opsets(v, 1, GraphImporter.MaxOpset) is var (first, last))
                {
                    Assert.InRange(opset, first, last);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(26)]
    [InlineData(1000)]
    public void Opsets_outside_7_to_25_are_refused_in_one_line(int opset)
    {
        var b = new OnnxBuilder(opset).Input("x", 3).Node("Relu", ["x"], "y").Output("y");
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.Equal($"test.onnx: opset {opset} is not supported; supported opsets: 7–25", ex.Message);
    }

    [Fact]
    public void BatchNormalization_7_with_spatial_0_is_refused_and_with_spatial_1_imported()
    {
        OnnxBuilder Bn(long spatial) => new OnnxBuilder(7).Input("x", 3).Initializer("s", [3], [1, 1, 1]).Initializer("b", [3], [0, 0, 0])
            .Initializer("m", [3], [0, 0, 0]).Initializer("v", [3], [1, 1, 1])
            .NamedNode("bn", "BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], OnnxAttr.Int("spatial", spatial)).Output("y");
        Assert.Single(Import(Bn(1)).Nodes.OfType<Ann2Snn.Graph.BatchNormNode>());
        var ex = Blocked(Bn(0));
        Assert.Equal("test.onnx: 1 blocker: BatchNormalization-7 ×1 (node 'bn': spatial=0 (per-element statistics))", ex.Message);
        Assert.Equal(new ModelBlocker("BatchNormalization", 7, "spatial=0 (per-element statistics)", ["bn"]), ex.Blockers[0],
            new BlockerComparer());
    }

    [Theory]
    [InlineData(9, "BatchNormalization", "spatial", "BatchNormalization-9 (it has epsilon, momentum)")]
    [InlineData(11, "Clip", "min", "Clip-11 (it has none)")]
    [InlineData(7, "MaxPool", "storage_order", "MaxPool-1 (it has auto_pad, kernel_shape, pads, strides)")]
    [InlineData(13, "Reshape", "allowzero", "Reshape-13 (it has none)")]
    [InlineData(13, "Squeeze", "axes", "Squeeze-13 (it has none)")]
    [InlineData(12, "Dropout", "ratio", "Dropout-12 (it has seed)")]
    public void An_attribute_the_version_in_effect_does_not_define_is_refused(int opset, string op, string attribute, string text)
    {
        OnnxBuilder b = OnnxVersionSamples.Build(op, opset)!;
        b.Graph.Node.Single(n => n.OpType == op).Attribute.Add(OnnxAttr.Int(attribute, 0));
        var ex = Blocked(b);
        ModelBlocker blocker = Assert.Single(ex.Blockers);
        Assert.Equal($"attribute '{attribute}' is not defined by {text}", blocker.Reason);
        Assert.Equal(GraphImporter.Versions[op].InEffect(opset)!.Since, blocker.Version);
    }

    [Theory]
    [InlineData(13, "Gemm", "transA", 1L, "transA=1 (the input must be [N, K])")]
    [InlineData(15, "BatchNormalization", "training_mode", 1L, "training_mode=1 (batch statistics; export the model in eval mode)")]
    [InlineData(11, "Conv", "auto_pad", "SAME", "auto_pad=SAME (not an ONNX padding mode)")]
    [InlineData(19, "AveragePool", "auto_pad", "same_upper", "auto_pad=same_upper (not an ONNX padding mode)")]
    [InlineData(13, "Constant", "value_string", "text", "value_string (strings)")]
    public void Attribute_values_we_refuse_are_named_with_the_version(int opset, string op, string attribute, object value, string reason)
    {
        OnnxBuilder b = OnnxVersionSamples.Build(op, opset)!;
        var node = b.Graph.Node.Single(n => n.OpType == op);
        if (node.Attribute.SingleOrDefault(a => a.Name == attribute) is { } old) node.Attribute.Remove(old);
        node.Attribute.Add(value is long v ? OnnxAttr.Int(attribute, v) : OnnxAttr.String(attribute, (string)value));
        ModelBlocker blocker = Assert.Single(Blocked(b).Blockers);
        Assert.Equal((op, GraphImporter.Versions[op].InEffect(opset)!.Since, reason), (blocker.Op, blocker.Version, blocker.Reason));
    }

    [Fact]
    public void Upsample_is_refused_as_deprecated_from_opset_10_and_as_unsupported_before()
    {
        OnnxBuilder Model(int opset) => new OnnxBuilder(opset).Input("x", 2, 3, 3).Initializer("scales", [4], [1, 1, 2, 2])
            .NamedNode("up1", "Upsample", ["x", "scales"], ["u"]).NamedNode("up2", "Upsample", ["u", "scales"], ["y"]).Output("y");
        var deprecated = Blocked(Model(10));
        Assert.Equal("test.onnx: 2 blockers: Upsample ×2 (nodes 'up1', 'up2': deprecated since opset 10; use Resize)", deprecated.Message);
        var old = Blocked(Model(9));
        Assert.StartsWith("test.onnx: 2 blockers: Upsample ×2 (nodes 'up1', 'up2': not supported); supported ops: Add, ", old.Message);
    }

    [Fact]
    public void Softmax_before_opset_13_is_honoured_where_the_2d_coercion_stays_within_a_sample_and_refused_across_the_batch()
    {
        // Softmax-11 on [N, 2, 2, 2] at axis 1 coerces to [N, 8]: one distribution per sample, as ONNX Runtime computes.
        var whole = new OnnxBuilder(11).Input("x", 2, 2, 2).Node("Softmax", ["x"], "y").Output("y");
        Assert.Null(OnnxRuntimeAgreementTests.Disagreement(whole.ToBytes(), [2, 2, 2], 3, 4, "Softmax-11 axis 1"));
        // At axis 2 it coerces to [N·2, 4]: a distribution per channel, a softmax over the sample's last two axes.
        var part = new OnnxBuilder(11).Input("x", 2, 2, 2).Node("Softmax", ["x"], "y", OnnxAttr.Int("axis", 2)).Output("y");
        Assert.Null(OnnxRuntimeAgreementTests.Disagreement(part.ToBytes(), [2, 2, 2], 3, 4, "Softmax-11 axis 2"));
        // At axis 0 it would mix the samples of a batch: refused with the reason.
        var batch = new OnnxBuilder(11).Input("x", 2, 2, 2).Node("Softmax", ["x"], "y", OnnxAttr.Int("axis", 0)).Output("y");
        Assert.Contains("batch", Assert.Throws<UnsupportedOperatorException>(() => Import(batch)).Message);
    }

    /// <summary>Records with a list compare by reference; blockers compare by their fields and node names.</summary>
    private sealed class BlockerComparer : IEqualityComparer<ModelBlocker>
    {
        public bool Equals(ModelBlocker? x, ModelBlocker? y) =>
            x is not null && y is not null && (x.Op, x.Version, x.Reason) == (y.Op, y.Version, y.Reason) && x.Nodes.SequenceEqual(y.Nodes);

        public int GetHashCode(ModelBlocker b) => HashCode.Combine(b.Op, b.Version, b.Reason);
    }
}
