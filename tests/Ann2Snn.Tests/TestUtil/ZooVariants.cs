using System.Runtime.InteropServices;
using Ann2Snn.Tests.Ann;
using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>
/// The bundled MNIST MLP (Flatten → Gemm → ReLU → Gemm → ReLU → Gemm) rewritten as users' exports of the same network look:
/// with a flat <c>[N, 784]</c> input, or trained on normalized pixels. Each computes the same function of the pixels.
/// </summary>
internal static class ZooVariants
{
    /// <summary>The MLP with input <c>[N, 784]</c> and no Flatten: the same weights, so the same outputs on flattened images.</summary>
    public static byte[] FlatMlp()
    {
        ModelProto model = Mlp();
        GraphProto graph = model.Graph;
        NodeProto flatten = graph.Node.Single(n => n.OpType == "Flatten");
        string input = flatten.Input[0];
        graph.Node.Remove(flatten);
        foreach (NodeProto n in graph.Node)
        {
            for (int i = 0; i < n.Input.Count; i++)
            {
                if (n.Input[i] == flatten.Output[0]) n.Input[i] = input;
            }
        }
        TensorShapeProto shape = graph.Input.Single(v => v.Name == input).Type.TensorType.Shape;
        TensorShapeProto.Types.Dimension batch = shape.Dim[0];
        shape.Dim.Clear();
        shape.Dim.Add(batch);
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 28 * 28 });
        return model.ToByteArray();
    }

    /// <summary>
    /// The MLP as if trained on <c>(pixel − mean) / std</c> (torchvision's Normalize): the first layer's weights and bias become
    /// <c>W′ = std·W</c> and <c>b′ = b + mean·Σᵢ W[o, i]</c>, so that <c>W′·x′ + b′ = W·x + b</c> for <c>x′ = (x − mean) / std</c>.
    /// </summary>
    public static byte[] NormalizedMlp(float mean, float std)
    {
        ModelProto model = Mlp();
        GraphProto graph = model.Graph;
        NodeProto gemm = graph.Node.First(n => n.OpType == "Gemm");
        Assert.Equal(1, gemm.Attribute.Single(a => a.Name == "transB").I);
        TensorProto weight = graph.Initializer.Single(t => t.Name == gemm.Input[1]);
        TensorProto bias = graph.Initializer.Single(t => t.Name == gemm.Input[2]);
        float[] w = Floats(weight), b = Floats(bias);
        int outputs = (int)weight.Dims[0], inputs = (int)weight.Dims[1];
        for (int o = 0; o < outputs; o++)
        {
            double sum = 0;
            for (int i = 0; i < inputs; i++)
            {
                sum += w[(o * inputs) + i];
                w[(o * inputs) + i] *= std;
            }
            b[o] = (float)(b[o] + (mean * sum));
        }
        SetFloats(weight, w);
        SetFloats(bias, b);
        return model.ToByteArray();
    }

    /// <summary>The MLP taking raw uint8 pixels that it casts and divides by 255 itself, as preprocessing inside the model.</summary>
    public static byte[] BytesMlp()
    {
        ModelProto model = Mlp();
        GraphProto graph = model.Graph;
        ValueInfoProto input = graph.Input[0];
        string pixels = input.Name;
        input.Name = "pixels";
        input.Type.TensorType.ElemType = (int)TensorProto.Types.DataType.Uint8;
        var cast = new NodeProto { OpType = "Cast", Input = { "pixels" }, Output = { "pixels.float" } };
        cast.Attribute.Add(OnnxAttr.Int("to", (long)TensorProto.Types.DataType.Float));
        graph.Initializer.Add(OnnxBuilder.FloatTensor("byte.scale", [], [255f]));
        var divide = new NodeProto { OpType = "Div", Input = { "pixels.float", "byte.scale" }, Output = { pixels } };
        graph.Node.Insert(0, divide);
        graph.Node.Insert(0, cast);
        return model.ToByteArray();
    }

    private static ModelProto Mlp() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(Zoo.ModelPath("mnist_mlp")));

    private static float[] Floats(TensorProto t) =>
        t.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : [.. t.FloatData];

    private static void SetFloats(TensorProto t, float[] values)
    {
        t.FloatData.Clear();
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
