using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Bench;

/// <summary>
/// Writes the benchmark graph as an ONNX model (opset 13, dynamic batch) so ONNX Runtime can run the same network.
/// Covers only the operators the benchmark uses.
/// </summary>
internal static class OnnxExport
{
    public static byte[] ToOnnx(ModelGraph graph)
    {
        var g = new GraphProto { Name = graph.Name };
        g.Input.Add(ValueInfo(graph.Input.Name, graph.Input.OutputShape));
        foreach (Node node in graph.Nodes.Skip(1)) AddNode(g, node);
        g.Output.Add(ValueInfo(graph.Output.Name, graph.Output.OutputShape));
        var model = new ModelProto { IrVersion = 8, ProducerName = "Ann2Snn.Bench", Graph = g };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return model.ToByteArray();
    }

    private static void AddNode(GraphProto g, Node node)
    {
        string[] inputs = node.Inputs.Select(i => i.Name).ToArray();
        NodeProto n;
        switch (node)
        {
            case Conv2dNode c:
                n = Make("Conv", node.Name,
                    [.. inputs, Init(g, node.Name + ".w", c.Weight.Shape, c.Weight.Data), .. Bias(g, node.Name, c.Bias)]);
                Window(n, c.Window);
                n.Attribute.Add(Int("group", c.Groups));
                break;
            case BatchNormNode b:
                n = Make("BatchNormalization", node.Name,
                    [.. inputs, Init(g, node.Name + ".s", [b.Scale.Length], b.Scale), Init(g, node.Name + ".b", [b.Bias.Length], b.Bias),
                     Init(g, node.Name + ".m", [b.Mean.Length], b.Mean), Init(g, node.Name + ".v", [b.Variance.Length], b.Variance)]);
                n.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = b.Epsilon });
                break;
            case ReluNode:
                n = Make("Relu", node.Name, inputs);
                break;
            case Pool2dNode p:
                n = Make(p.Kind == PoolKind.Max ? "MaxPool" : "AveragePool", node.Name, inputs);
                Window(n, p.Window, withDilation: false);
                if (p.Kind == PoolKind.Average) n.Attribute.Add(Int("count_include_pad", p.CountIncludePad ? 1 : 0));
                break;
            case ReshapeNode:
                n = Make("Flatten", node.Name, inputs);
                break;
            case DenseNode d:
                n = Make("Gemm", node.Name,
                    [.. inputs, Init(g, node.Name + ".w", d.Weight.Shape, d.Weight.Data), .. Bias(g, node.Name, d.Bias)]);
                n.Attribute.Add(Int("transB", 1));
                break;
            default:
                throw new NotSupportedException($"benchmark export: {node.Op} is not covered");
        }
        g.Node.Add(n);
    }

    private static NodeProto Make(string op, string name, string[] inputs)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.Add(inputs);
        n.Output.Add(name);
        return n;
    }

    private static string[] Bias(GraphProto g, string name, float[]? bias) =>
        bias is null ? [] : [Init(g, name + ".bias", [bias.Length], bias)];

    private static string Init(GraphProto g, string name, int[] shape, float[] data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.Add(shape.Select(d => (long)d));
        t.FloatData.Add(data);
        g.Initializer.Add(t);
        return name;
    }

    private static void Window(NodeProto n, Window2d w, bool withDilation = true)
    {
        n.Attribute.Add(Ints("kernel_shape", w.KernelH, w.KernelW));
        n.Attribute.Add(Ints("strides", w.StrideH, w.StrideW));
        n.Attribute.Add(Ints("pads", w.PadTop, w.PadLeft, w.PadBottom, w.PadRight));
        if (withDilation) n.Attribute.Add(Ints("dilations", w.DilationH, w.DilationW));
        if (!withDilation && w.CeilMode) n.Attribute.Add(Int("ceil_mode", 1));
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.Add(values);
        return a;
    }

    private static ValueInfoProto ValueInfo(string name, Shape shape)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        foreach (int d in shape) tensor.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
