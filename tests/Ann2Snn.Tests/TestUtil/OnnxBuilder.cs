using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>One dimension of a value's declared shape: a fixed size, a symbolic name (dim_param), or unknown.</summary>
public readonly record struct Dim(long? Value, string? Param)
{
    public static Dim Unknown => default;

    public static implicit operator Dim(long value) => new(value, null);

    public static implicit operator Dim(string param) => new(null, param);
}

/// <summary>
/// A small fluent builder of ONNX models for tests: one call per input, initializer, node and output, then
/// <see cref="ToBytes"/>. Nodes may be added in any order; the builder does not check the graph, so tests can also
/// build invalid models on purpose (or edit <see cref="Model"/> directly).
/// </summary>
/// <example>
/// <code>
/// byte[] onnx = new OnnxBuilder(opset: 13)
///     .Input("x", 3, 8, 8)                                   // [N, 3, 8, 8], N symbolic
///     .Initializer("w", [4, 3, 3, 3], weights)
///     .Node("Conv", ["x", "w"], "y", OnnxAttr.Ints("pads", 1, 1, 1, 1))
///     .Output("y")
///     .ToBytes();
/// </code>
/// </example>
public sealed class OnnxBuilder
{
    /// <summary>Symbolic name of the batch dimension of inputs declared with <see cref="Input(string, int[])"/>.</summary>
    public const string BatchParam = "N";

    private int _autoNames;

    public OnnxBuilder(int opset = 13, string graphName = "test")
    {
        Opset = opset;
        Model = new ModelProto
        {
            IrVersion = IrVersionFor(opset),
            ProducerName = "Ann2Snn.Tests",
            Graph = new GraphProto { Name = graphName },
        };
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    public int Opset { get; }

    /// <summary>The model being built, for edits the fluent calls do not cover.</summary>
    public ModelProto Model { get; }

    public GraphProto Graph => Model.Graph;

    /// <summary>The node added last, for edits the fluent calls do not cover.</summary>
    public NodeProto LastNode => Graph.Node[^1];

    /// <summary>The IR version ONNX pairs with an opset (onnx/helper.py's table), so ONNX Runtime accepts the model.</summary>
    public static long IrVersionFor(int opset) => opset switch
    {
        <= 8 => 3,
        9 => 4,
        10 => 5,
        11 => 6,
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        21 => 10,
        _ => 11,
    };

    // ---- inputs and outputs ----

    /// <summary>A float input [N, dims…] with a symbolic batch dim "N".</summary>
    public OnnxBuilder Input(string name, params int[] perSampleDims) =>
        InputWithDims(name, [BatchParam, .. perSampleDims.Select(d => (Dim)d)]);

    /// <summary>An input with fully spelled-out dims and element type (a TensorProto.DataType value, 1 = float).</summary>
    public OnnxBuilder InputWithDims(string name, Dim[] dims, int elemType = 1)
    {
        Graph.Input.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    /// <summary>A float graph output; dims are optional (ONNX Runtime infers them).</summary>
    public OnnxBuilder Output(string name, params Dim[] dims)
    {
        Graph.Output.Add(ValueInfo(name, 1, dims.Length == 0 ? null : dims));
        return this;
    }

    public static ValueInfoProto ValueInfo(string name, int elemType, Dim[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = elemType };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (Dim d in dims)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.Value is { } v) dim.DimValue = v;
                else if (d.Param is { } p) dim.DimParam = p;
                tensor.Shape.Dim.Add(dim);
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    // ---- initializers ----

    /// <summary>A float32 initializer, stored as raw little-endian bytes or (raw: false) in float_data.</summary>
    public OnnxBuilder Initializer(string name, int[] dims, float[] data, bool raw = true) =>
        Initializer(FloatTensor(name, dims, data, raw));

    /// <summary>A 1-D int64 initializer (shapes, axes, pads).</summary>
    public OnnxBuilder Initializer(string name, long[] values) => Initializer(Int64Tensor(name, [values.Length], values));

    public OnnxBuilder Initializer(TensorProto tensor)
    {
        Graph.Initializer.Add(tensor);
        return this;
    }

    public static TensorProto FloatTensor(string name, int[] dims, float[] data, bool raw = true)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims.Select(d => (long)d));
        if (raw) t.RawData = ByteString.CopyFrom(LittleEndian(data, sizeof(float), (v, s) => BitConverter.TryWriteBytes(s, v)));
        else t.FloatData.AddRange(data);
        return t;
    }

    public static TensorProto Int64Tensor(string name, int[] dims, long[] values, bool raw = true)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims.Select(d => (long)d));
        if (raw) t.RawData = ByteString.CopyFrom(LittleEndian(values, sizeof(long), (v, s) => BitConverter.TryWriteBytes(s, v)));
        else t.Int64Data.AddRange(values);
        return t;
    }

    private static byte[] LittleEndian<T>(T[] values, int size, Func<T, Span<byte>, bool> write)
    {
        var bytes = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> slot = bytes.AsSpan(i * size, size);
            write(values[i], slot);
            if (!BitConverter.IsLittleEndian) slot.Reverse();
        }
        return bytes;
    }

    // ---- nodes ----

    /// <summary>A node with one output and an empty node name (importers then name it after its output).</summary>
    public OnnxBuilder Node(string opType, string[] inputs, string output, params AttributeProto[] attributes) =>
        NamedNode("", opType, inputs, [output], attributes);

    /// <summary>A node with a name and any number of outputs; an empty input name marks an omitted optional input.</summary>
    public OnnxBuilder NamedNode(string name, string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = name, OpType = opType };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return this;
    }

    /// <summary>A Constant node holding a float tensor.</summary>
    public OnnxBuilder Constant(string output, int[] dims, float[] data) =>
        Node("Constant", [], output, OnnxAttr.Tensor("value", FloatTensor(output, dims, data)));

    /// <summary>A Constant node holding a 1-D int64 tensor.</summary>
    public OnnxBuilder Constant(string output, long[] values) =>
        Node("Constant", [], output, OnnxAttr.Tensor("value", Int64Tensor(output, [values.Length], values)));

    /// <summary>A fresh value name ("t0", "t1", …) for chaining nodes.</summary>
    public string Fresh(string prefix = "t") => $"{prefix}{_autoNames++}";

    // ---- result ----

    /// <summary>A deep copy of the model.</summary>
    public ModelProto Build() => Model.Clone();

    public byte[] ToBytes() => Model.ToByteArray();
}

/// <summary>Factories for ONNX node attributes.</summary>
public static class OnnxAttr
{
    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto Tensor(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };
}
