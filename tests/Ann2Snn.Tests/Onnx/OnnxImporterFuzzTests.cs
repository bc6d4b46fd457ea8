using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tests.TestUtil;
using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// Structured mutations of a model that uses most supported ops: the importer either refuses a mutant with a typed,
/// one-line error naming the file, or accepts it, and then ONNX Runtime must accept it too and agree on the output shape.
/// </summary>
public sealed class OnnxImporterFuzzTests
{
    private static readonly long[] Interesting =
        [-2, -1, 0, 1, 2, 3, 7, 1 << 20, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue, long.MinValue];

    private static OnnxBuilder Model(int opset) => new OnnxBuilder(opset)
        .Input("x", 2, 6, 6)
        .Initializer("pads", [0, 0, 1, 1, 0, 0, 1, 1])
        .Initializer("w", [4, 2, 3, 3], TestData.Uniform(1, 72))
        .Initializer("b", [4], [1, 2, 3, 4])
        .Initializer("c", [1, 4, 1, 1], [1, 2, 3, 4])
        .Initializer("s", [4], [1, 2, 3, 4]).Initializer("m", [4], [0, 0, 0, 0]).Initializer("v", [4], [1, 1, 1, 1])
        .Initializer("lo", [], [0]).Initializer("hi", [], [6])
        .Initializer("ax", [2])
        .Initializer("shape", [0, -1])
        .Initializer("fc", [8, 3], TestData.Uniform(2, 24)).Initializer("fc2", [3, 3], TestData.Uniform(3, 9))
        .Initializer("fb", [3], [1, 2, 3])
        .Node("Pad", ["x", "pads"], "p")
        .Node("Conv", ["p", "w", "b"], "c1", OnnxAttr.Ints("strides", 1, 1), OnnxAttr.Int("group", 1))
        .Node("BatchNormalization", ["c1", "s", "b", "m", "v"], "bn")
        .Node("Clip", ["bn", "lo", "hi"], "r")
        .Node("Sub", ["r", "c"], "sub")
        .Node("MaxPool", ["sub"], "mp", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Ints("strides", 2, 2), OnnxAttr.Int("ceil_mode", 0))
        .Node("AveragePool", ["mp"], "ap", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Ints("pads", 1, 1, 1, 1))
        .Node("Concat", ["ap", "ap"], "cat", OnnxAttr.Int("axis", 1))
        .Node("GlobalAveragePool", ["cat"], "g")
        .Node("Squeeze", ["g", "ax"], "sq")
        .Node("Unsqueeze", ["sq", "ax"], "g2")
        .Node("Reshape", ["g2", "shape"], "f")
        .Node("Gemm", ["f", "fc", "fb"], "gm", OnnxAttr.Float("alpha", 2), OnnxAttr.Int("transB", 0))
        .Node("MatMul", ["gm", "fc2"], "mm")
        .Node("Add", ["mm", "fb"], "add")
        .Node("Dropout", ["add"], "d")
        .Node("Softmax", ["d"], "y", OnnxAttr.Int("axis", 1))
        .Output("y");

    [Fact]
    public void The_unmutated_model_imports_and_matches_OnnxRuntime()
    {
        foreach (int opset in new[] { 13, 15 })
        {
            OnnxBuilder b = Model(opset);
            ModelGraph g = OnnxTestSupport.Import(b);
            Assert.Equal(16, g.Nodes.Count); // input + 17 ops, less the folded Pad and the Add fused into MatMul
            OnnxTestSupport.AssertShapeMatchesOrt(b, g);
        }
    }

    [Fact]
    public void Mutated_models_are_refused_cleanly_or_agree_with_OnnxRuntime()
    {
        var rng = new Random(3);
        int accepted = 0;
        for (int i = 0; i < 1500; i++)
        {
            OnnxBuilder b = Model(rng.Next(2) == 0 ? 13 : 15);
            for (int k = rng.Next(1, 4); k > 0; k--) Mutate(b.Graph, rng);
            ModelGraph graph;
            try
            {
                graph = OnnxImporter.Load(b.ToBytes(), "fuzz.onnx");
            }
            catch (Ann2SnnException ex)
            {
                Assert.StartsWith("fuzz.onnx: ", ex.Message);
                Assert.DoesNotContain('\n', ex.Message);
                Assert.True(ex.InnerException is null or InvalidProtocolBufferException or Ann2SnnException,
                    $"mutant {i}: an unexpected {ex.InnerException?.GetType().Name} was wrapped: {ex.Message}");
                continue;
            }
            accepted++;
            // ONNX Runtime validates dead branches too, and needs nodes in order; the importer needs neither.
            if (!KeepLiveNodesInOrder(b.Graph)) continue;
            string? error = Ort.LoadError(b.ToBytes());
            Assert.True(error is null, $"mutant {i} imported but ONNX Runtime refuses it: {error}\n{graph.Dump()}");
            OnnxTestSupport.AssertShapeMatchesOrt(b, graph);
        }
        Assert.InRange(accepted, 20, 1500); // enough mutants survive for the comparison to mean something
    }

    private static void Mutate(GraphProto g, Random rng)
    {
        NodeProto node = g.Node[rng.Next(g.Node.Count)];
        TensorProto tensor = g.Initializer[rng.Next(g.Initializer.Count)];
        switch (rng.Next(6))
        {
            case 0 when node.Attribute.Count > 0:
                AttributeProto a = node.Attribute[rng.Next(node.Attribute.Count)];
                if (a.Ints.Count > 0) a.Ints[rng.Next(a.Ints.Count)] = Interesting[rng.Next(Interesting.Length)];
                else if (a.Type == AttributeProto.Types.AttributeType.Int) a.I = Interesting[rng.Next(Interesting.Length)];
                else a.F = (float)(rng.NextDouble() * 10 - 5);
                break;
            case 1:
                if (tensor.Dims.Count > 0) tensor.Dims[rng.Next(tensor.Dims.Count)] = Interesting[rng.Next(Interesting.Length)];
                else tensor.Dims.Add(2);
                break;
            case 2 when node.Input.Count > 0:
                node.Input[rng.Next(node.Input.Count)] = rng.Next(3) == 0 ? "" : g.Node[rng.Next(g.Node.Count)].Output[0];
                break;
            case 3:
                node.OpType = g.Node[rng.Next(g.Node.Count)].OpType;
                break;
            case 4:
                TensorProto other = g.Initializer[rng.Next(g.Initializer.Count)];
                tensor.DataType = other.DataType;
                tensor.RawData = other.RawData;
                break;
            default:
                node.Input.Add(tensor.Name);
                break;
        }
    }

    /// <summary>Drops nodes the output does not depend on; false when the rest is not in topological order.</summary>
    private static bool KeepLiveNodesInOrder(GraphProto g)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal) { g.Output[0].Name };
        var live = new List<NodeProto>();
        for (int k = g.Node.Count - 1; k >= 0; k--)
        {
            if (!g.Node[k].Output.Any(needed.Contains)) continue;
            live.Add(g.Node[k]);
            foreach (string input in g.Node[k].Input) needed.Add(input);
        }
        live.Reverse();
        var available = new HashSet<string>(g.Initializer.Select(t => t.Name).Concat(g.Input.Select(i => i.Name)).Append(""),
            StringComparer.Ordinal);
        foreach (NodeProto n in live)
        {
            if (!n.Input.All(available.Contains)) return false;
            available.UnionWith(n.Output);
        }
        g.Node.Clear();
        g.Node.AddRange(live);
        return true;
    }
}
