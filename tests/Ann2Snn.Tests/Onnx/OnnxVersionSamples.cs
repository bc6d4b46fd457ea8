using Ann2Snn.Tests.TestUtil;
using Onnx;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// A tiny model per op, written in the form the op's definition takes at a given opset (attributes before opset
/// 11 or 13, inputs after; the attributes each version added), for the per op × version tests. An op the importer
/// maps without a sample here fails <c>OnnxVersionTests.Every_imported_version_has_a_sample</c>.
/// </summary>
internal static class OnnxVersionSamples
{
    private static readonly float[] Four = [0.5f, -1.5f, 2f, 0.25f];

    /// <summary>The sample of <paramref name="op"/> at <paramref name="opset"/>, or null when there is none.</summary>
    public static OnnxBuilder? Build(string op, int opset)
    {
        var b = new OnnxBuilder(opset, $"{op}_{opset}");
        switch (op)
        {
            case "Add" or "Sub" or "Mul" or "Div":
                return b.Input("x", 4).Initializer("c", [4], Four).Node(op, ["x", "c"], "y").Output("y");
            case "AveragePool":
                b.Input("x", 2, 6, 6);
                List<AttributeProto> average = [.. Window(opset >= 10 && opset < 19, dilated: opset >= 19)];
                if (opset >= 7) average.Add(OnnxAttr.Int("count_include_pad", 1));
                return b.Node(op, ["x"], "y", [.. average]).Output("y");
            case "BatchNormalization":
                b.Input("x", 3, 2, 2).Initializer("s", [3], [1.5f, -0.5f, 2f]).Initializer("bias", [3], [0.1f, 0.2f, -0.3f])
                    .Initializer("m", [3], [0.5f, -1f, 0f]).Initializer("v", [3], [0.25f, 2f, 1f]);
                AttributeProto[] bn = opset switch
                {
                    < 9 => [OnnxAttr.Int("spatial", 1), OnnxAttr.Float("epsilon", 1e-3f)],
                    >= 14 => [OnnxAttr.Int("training_mode", 0), OnnxAttr.Float("momentum", 0.8f)],
                    _ => [OnnxAttr.Float("epsilon", 1e-3f)],
                };
                return b.Node(op, ["x", "s", "bias", "m", "v"], "y", bn).Output("y");
            case "Clip":
                b.Input("x", 4);
                if (opset < 11) return b.Node(op, ["x"], "y", OnnxAttr.Float("min", -0.5f), OnnxAttr.Float("max", 0.75f)).Output("y");
                return b.Initializer("lo", [], [-0.5f]).Initializer("hi", [], [0.75f]).Node(op, ["x", "lo", "hi"], "y").Output("y");
            case "Concat":
                return b.Input("x", 2, 3, 3).Node("Relu", ["x"], "r").Node(op, ["r", "x"], "y", OnnxAttr.Int("axis", 1)).Output("y");
            case "Constant":
                b.Input("x", 4);
                if (opset < 12) b.Constant("c", [4], Four);
                else b.Node(op, [], "c", OnnxAttr.Floats("value_floats", Four));
                return b.Node("Add", ["x", "c"], "y").Output("y");
            case "Conv":
                return b.Input("x", 2, 5, 5).Initializer("w", [3, 2, 3, 3], TestData.Uniform(opset, 54))
                    .Initializer("bias", [3], [0.1f, -0.2f, 0.3f])
                    .Node(op, ["x", "w", "bias"], "y", OnnxAttr.Ints("pads", 1, 0, 1, 2), OnnxAttr.Ints("strides", 1, 2)).Output("y");
            case "ConvTranspose":
                // Output padding, strides and pads; from ConvTranspose-11 the output_shape form (pads derived).
                b.Input("x", 2, 3, 4).Initializer("w", [2, 3, 3, 2], TestData.Uniform(opset, 36))
                    .Initializer("bias", [3], [0.1f, -0.2f, 0.3f]);
                return (opset < 11
                    ? b.Node(op, ["x", "w", "bias"], "y", OnnxAttr.Ints("strides", 2, 2), OnnxAttr.Ints("pads", 1, 0, 0, 1),
                        OnnxAttr.Ints("output_padding", 1, 0))
                    : b.Node(op, ["x", "w", "bias"], "y", OnnxAttr.Ints("strides", 2, 3), OnnxAttr.Ints("output_shape", 6, 10)))
                    .Output("y");
            case "Dropout":
                b.Input("x", 3);
                if (opset < 12) return b.Node(op, ["x"], "y", OnnxAttr.Float("ratio", 0.3f)).Output("y");
                return b.Initializer("ratio", [], [0.3f]).Node(op, ["x", "ratio"], "y", OnnxAttr.Int("seed", 7)).Output("y");
            case "Flatten":
                return b.Input("x", 2, 3, 3).Node(op, ["x"], "y", OnnxAttr.Int("axis", 1)).Output("y");
            case "Gemm":
                return b.Input("x", 4).Initializer("w", [3, 4], TestData.Uniform(opset, 12)).Initializer("bias", [3], [0.1f, 0.2f, 0.3f])
                    .Node(op, ["x", "w", "bias"], "y", OnnxAttr.Int("transB", 1), OnnxAttr.Float("alpha", 0.5f), OnnxAttr.Float("beta", 2f))
                    .Output("y");
            case "GlobalAveragePool" or "GlobalMaxPool":
                return b.Input("x", 2, 3, 3).Node(op, ["x"], "y").Output("y");
            case "Identity" or "Relu":
                return b.Input("x", 3).Node(op, ["x"], "y").Output("y");
            case "LogSoftmax" or "Softmax":
                b.Input("x", 5);
                return (opset < 13 ? b.Node(op, ["x"], "y", OnnxAttr.Int("axis", 1)) : b.Node(op, ["x"], "y")).Output("y");
            case "MatMul":
                return b.Input("x", 4).Initializer("w", [4, 3], TestData.Uniform(opset, 12)).Node(op, ["x", "w"], "y").Output("y");
            case "MaxPool":
                b.Input("x", 2, 6, 6);
                List<AttributeProto> max = [.. Window(ceil: opset >= 10, dilated: opset >= 10)];
                if (opset >= 8) max.Add(OnnxAttr.Int("storage_order", 0));
                return b.Node(op, ["x"], "y", [.. max]).Output("y");
            case "Pad":
                // A zero Pad of H and W folded into the AveragePool it feeds.
                b.Input("x", 2, 4, 4).Node("Relu", ["x"], "r");
                if (opset < 11) b.Node(op, ["r"], "p", OnnxAttr.Ints("pads", 0, 0, 1, 0, 0, 0, 0, 1), OnnxAttr.String("mode", "constant"));
                else if (opset < 18) b.Initializer("pads", [0, 0, 1, 0, 0, 0, 0, 1]).Node(op, ["r", "pads"], "p");
                else b.Initializer("pads", [1, 0, 0, 1]).Initializer("axes", [2, 3]).Node(op, ["r", "pads", "", "axes"], "p");
                return b.Node("AveragePool", ["p"], "y", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Ints("strides", 2, 2)).Output("y");
            case "Reshape":
                b.Input("x", 2, 3, 3).Initializer("shape", [0, -1]);
                return (opset >= 14 ? b.Node(op, ["x", "shape"], "y", OnnxAttr.Int("allowzero", 0)) : b.Node(op, ["x", "shape"], "y"))
                    .Output("y");
            case "Squeeze":
                b.Input("x", 4, 1, 1);
                // Negative axes arrived with Squeeze-11.
                if (opset < 11) return b.Node(op, ["x"], "y", OnnxAttr.Ints("axes", 2, 3)).Output("y");
                if (opset < 13) return b.Node(op, ["x"], "y", OnnxAttr.Ints("axes", 2, -1)).Output("y");
                return b.Initializer("axes", [2, -1]).Node(op, ["x", "axes"], "y").Output("y");
            case "Transpose":
                return b.Input("x", 2, 3, 4).Node(op, ["x"], "y", OnnxAttr.Ints("perm", 0, 2, 3, 1)).Output("y");
            case "Unsqueeze":
                b.Input("x", 4);
                if (opset < 13) return b.Node(op, ["x"], "y", OnnxAttr.Ints("axes", 2, 3)).Output("y");
                return b.Initializer("axes", [2, 3]).Node(op, ["x", "axes"], "y").Output("y");
            case "Shape":
                b.Input("x", 2, 3, 2);
                if (opset >= 15) b.Node(op, ["x"], "s", OnnxAttr.Int("start", 0));
                else b.Node(op, ["x"], "s");
                return b.Node("Reshape", ["x", "s"], "y").Output("y");
            case "Gather":
                return b.Input("x", 2, 3, 2).Node("Shape", ["x"], "s").Initializer("i", [0L])
                    .Node(op, ["s", "i"], "n", OnnxAttr.Int("axis", 0))
                    .Constant("rest", [-1L]).Node("Concat", ["n", "rest"], "target", OnnxAttr.Int("axis", 0))
                    .Node("Reshape", ["x", "target"], "y").Output("y");
            case "GatherElements":
                // The batch fixed at 3 by the file; the same selection (a negative index among them) in every sample.
                return b.InputWithDims("x", [3, 2, 3])
                    .Initializer(OnnxBuilder.Int64Tensor("i", [3, 2, 2], [2, 0, -1, 1, 2, 0, -1, 1, 2, 0, -1, 1]))
                    .Node(op, ["x", "i"], "y", OnnxAttr.Int("axis", 2)).Output("y");
            case "GatherND":
                // batch_dims 0: each tuple starts with its own sample; from GatherND-12 batch_dims 1.
                b.InputWithDims("x", [3, 2, 3]);
                if (opset < 12)
                {
                    return b.Initializer(OnnxBuilder.Int64Tensor("i", [3, 2, 2], [0, 1, 0, -2, 1, 1, 1, -2, -1, 1, 2, 0]))
                        .Node(op, ["x", "i"], "y").Output("y");
                }
                return b.Initializer(OnnxBuilder.Int64Tensor("i", [3, 2, 1], [1, -2, 1, -2, 1, -2]))
                    .Node(op, ["x", "i"], "y", OnnxAttr.Int("batch_dims", 1)).Output("y");
            case "Slice":
                b.Input("x", 2, 3, 2).Node("Shape", ["x"], "s");
                if (opset < 10) b.Node(op, ["s"], "n", OnnxAttr.Ints("starts", 0), OnnxAttr.Ints("ends", 1));
                else b.Initializer("from", [0L]).Initializer("to", [1L]).Node(op, ["s", "from", "to"], "n");
                return b.Constant("rest", [-1L]).Node("Concat", ["n", "rest"], "target", OnnxAttr.Int("axis", 0))
                    .Node("Reshape", ["x", "target"], "y").Output("y");
            case "Erf" or "Sqrt":
                // Sqrt of |x|-like values: x² + 0.25 keeps the input positive.
                b.Input("x", 5);
                if (op == "Erf") return b.Node(op, ["x"], "y").Output("y");
                return b.Node("Mul", ["x", "x"], "sq").Initializer("q", [1], [0.25f]).Node("Add", ["sq", "q"], "p")
                    .Node(op, ["p"], "y").Output("y");
            case "Pow":
                return b.Input("x", 5).Initializer("e", [], [2f]).Node(op, ["x", "e"], "y").Output("y");
            case "Gelu":
                return b.Input("x", 6).Node(op, ["x"], "y", OnnxAttr.String("approximate", opset % 2 == 0 ? "tanh" : "none")).Output("y");
            case "LayerNormalization":
                return b.Input("x", 3, 4).Initializer("g", [4], Four).Initializer("beta", [4], [0.1f, -0.2f, 0.3f, 0f])
                    .Node(op, ["x", "g", "beta"], "y", OnnxAttr.Int("axis", -1), OnnxAttr.Float("epsilon", 1e-3f)).Output("y");
            case "Split":
                b.Input("x", 5, 2);
                AttributeProto axis = OnnxAttr.Int("axis", 1);
                if (opset < 13) b.NamedNode("split", op, ["x"], ["a", "c"], axis, OnnxAttr.Ints("split", 2, 3));
                else if (opset < 18) b.Initializer("parts", [2L, 3L]).NamedNode("split", op, ["x", "parts"], ["a", "c"], axis);
                else b.NamedNode("split", op, ["x"], ["a", "c"], axis, OnnxAttr.Int("num_outputs", 2));
                return b.Node("Relu", ["a"], "ra").Node("Concat", ["c", "ra"], "y", OnnxAttr.Int("axis", 1)).Output("y");
            case "Equal" or "Where":
                // Shape arithmetic folded at import: Where(Equal(s, -1), 2, s) turns [0, -1, 2] into [0, 2, 2], Reshape's target.
                b.Input("x", op == "Equal" ? 3 : 4).Initializer("s", [0L, -1L, 2L]).Initializer("minus", [-1L, -1L, -1L])
                    .Node("Equal", ["s", "minus"], "eq");
                if (op == "Equal") return b.Node("Cast", ["eq"], "f", OnnxAttr.Int("to", 1)).Node("Add", ["x", "f"], "y").Output("y");
                return b.Initializer("two", [2L, 2L, 2L]).Node(op, ["eq", "two", "s"], "t").Node("Reshape", ["x", "t"], "y").Output("y");
            case "Cast":
                return b.Input("x", 4).Node(op, ["x"], "c", OnnxAttr.Int("to", 1)).Node("Relu", ["c"], "y").Output("y");
            case "ConstantOfShape":
                return b.Input("x", 4).Initializer("shape", [4L])
                    .Node(op, ["shape"], "c", OnnxAttr.Tensor("value", OnnxBuilder.FloatTensor("v", [1], [0.5f])))
                    .Node("Add", ["x", "c"], "y").Output("y");
            case "Expand":
                return b.Input("x", 4).Initializer("c", [1], [0.5f]).Initializer("shape", [4L]).Node(op, ["c", "shape"], "e")
                    .Node("Add", ["x", "e"], "y").Output("y");
            case "ReduceProd":
                b.Input("x", 2).Initializer("c", [2, 2], Four);
                if (opset < 18) b.Node(op, ["c"], "p", OnnxAttr.Ints("axes", 0), OnnxAttr.Int("keepdims", 0));
                else b.Initializer("axes", [0L]).Node(op, ["c", "axes"], "p", OnnxAttr.Int("keepdims", 0));
                return b.Node("Add", ["x", "p"], "y").Output("y");
            case "ArgMax":
                b.Input("x", 5).Node(op, ["x"], "i", opset >= 12
                    ? [OnnxAttr.Int("axis", 1), OnnxAttr.Int("keepdims", 1), OnnxAttr.Int("select_last_index", 1)]
                    : [OnnxAttr.Int("axis", 1), OnnxAttr.Int("keepdims", 1)]);
                return b.Node("Cast", ["i"], "y", OnnxAttr.Int("to", 1)).Output("y");
            case "Elu" or "LeakyRelu":
                return b.Input("x", 4).Node(op, ["x"], "y", OnnxAttr.Float("alpha", 0.3f)).Output("y");
            case "HardSigmoid":
                return b.Input("x", 4).Node(op, ["x"], "y", OnnxAttr.Float("alpha", 0.25f), OnnxAttr.Float("beta", 0.4f)).Output("y");
            case "HardSwish" or "Sigmoid" or "Tanh" or "Floor":
                return b.Input("x", 4).Node(op, ["x"], "y").Output("y");
            case "PRelu":
                return b.Input("x", 2, 3, 3).Initializer("slope", [2, 1, 1], [0.1f, -0.3f]).Node(op, ["x", "slope"], "y").Output("y");
            case "ReduceMean" or "ReduceSum" or "ReduceSumSquare":
                b.Input("x", 2, 3, 3);
                if (opset < (op == "ReduceSum" ? 13 : 18))
                {
                    return b.Node(op, ["x"], "y", OnnxAttr.Ints("axes", 2, 3), OnnxAttr.Int("keepdims", 0)).Output("y");
                }
                return b.Initializer("axes", [2L, 3L]).Node(op, ["x", "axes"], "y", OnnxAttr.Int("keepdims", 0)).Output("y");
            case "RNN" or "LSTM" or "GRU":
                return Recurrent(b, op, opset);
            default:
                return null;
        }
    }

    /// <summary>
    /// A recurrent op of hidden size 2 over [N, 4, 3] with a bias, batch-first as PyTorch writes it (Transpose, the op in
    /// layout 0, Y's batch moved back first; ONNX Runtime refuses layout 1), from opset 9 with PyTorch's zero initial state.
    /// </summary>
    private static OnnxBuilder Recurrent(OnnxBuilder b, string op, int opset)
    {
        int gates = op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        b.Input("x", 4, 3).Initializer("w", [1, 2 * gates, 3], TestData.Uniform(opset, 6 * gates))
            .Initializer("r", [1, 2 * gates, 2], TestData.Uniform(opset + 1, 4 * gates))
            .Initializer("bias", [1, 4 * gates], TestData.Uniform(opset + 2, 4 * gates));
        List<AttributeProto> attributes = [OnnxAttr.Int("hidden_size", 2)];
        if (op == "RNN") attributes.Add(OnnxAttr.Strings("activations", "Relu"));
        if (op == "GRU") attributes.Add(OnnxAttr.Int("linear_before_reset", 1));
        if (opset >= 14) attributes.Add(OnnxAttr.Int("layout", 0));
        string[] inputs = ["xt", "w", "r", "bias"];
        if (opset >= 9)
        {
            b.Node("Shape", ["x"], "shape").Initializer("first", [0L]).Node("Gather", ["shape", "first"], "n", OnnxAttr.Int("axis", 0))
                .Initializer("one", [1L]).Initializer("two", [2L]).Node("Concat", ["one", "n", "two"], "dims", OnnxAttr.Int("axis", 0))
                .Node("ConstantOfShape", ["dims"], "h0");
            inputs = [.. inputs, "", "h0"];
        }
        return b.Node("Transpose", ["x"], "xt", OnnxAttr.Ints("perm", 1, 0, 2)).Node(op, inputs, "ys", [.. attributes])
            .Node("Transpose", ["ys"], "y", OnnxAttr.Ints("perm", 2, 0, 1, 3)).Output("y");
    }

    /// <summary>The per-sample dims of the sample's input.</summary>
    public static int[] InputShape(OnnxBuilder b) => [.. b.Graph.Input[0].Type.TensorType.Shape.Dim.Skip(1).Select(d => (int)d.DimValue)];

    /// <summary>A 3×3 stride-2 window padded by 1, with ceil_mode and dilations where the version has them.</summary>
    private static IEnumerable<AttributeProto> Window(bool ceil, bool dilated)
    {
        yield return OnnxAttr.Ints("kernel_shape", 3, 3);
        yield return OnnxAttr.Ints("strides", 2, 2);
        yield return OnnxAttr.Ints("pads", 1, 1, 1, 1);
        if (ceil) yield return OnnxAttr.Int("ceil_mode", 1);
        if (dilated) yield return OnnxAttr.Ints("dilations", 1, 2);
    }
}
