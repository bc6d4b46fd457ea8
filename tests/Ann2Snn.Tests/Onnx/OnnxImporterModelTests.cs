using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using Google.Protobuf;
using Onnx;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>Initializers, constants, names, graph structure and file handling.</summary>
public sealed class OnnxImporterModelTests
{
    private static readonly float[] Weights = [0.5f, -1.25f, 2f, 0.125f];

    public static TheoryData<string> Encodings =>
        ["float raw", "float typed", "double raw", "double typed", "float16 raw", "float16 typed"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Initializers_decode_from_every_supported_encoding(string encoding)
    {
        var t = new TensorProto { Name = "w", Dims = { 1, 4 } };
        bool raw = encoding.EndsWith("raw", StringComparison.Ordinal);
        switch (encoding.Split(' ')[0])
        {
            case "float":
                t = OnnxBuilder.FloatTensor("w", [1, 4], Weights, raw);
                break;
            case "double":
                t.DataType = (int)TensorProto.Types.DataType.Double;
                if (raw) t.RawData = ByteString.CopyFrom([.. Weights.SelectMany(v => BitConverter.GetBytes((double)v))]);
                else t.DoubleData.AddRange(Weights.Select(v => (double)v));
                break;
            default:
                t.DataType = (int)TensorProto.Types.DataType.Float16;
                if (raw) t.RawData = ByteString.CopyFrom([.. Weights.SelectMany(v => BitConverter.GetBytes((Half)v))]);
                else t.Int32Data.AddRange(Weights.Select(v => (int)BitConverter.HalfToUInt16Bits((Half)v)));
                break;
        }
        var b = new OnnxBuilder().Input("x", 4).Initializer(t).Node("Mul", ["x", "w"], "y").Output("y");
        Assert.Equal(Weights, Single<ScaleShiftNode>(Import(b)).Scale);
    }

    [Fact]
    public void Int32_and_typed_int64_shapes_are_read()
    {
        var int32 =
            new TensorProto { Name = "shape", DataType = (int)TensorProto.Types.DataType.Int32, Dims = { 2 }, Int32Data = { 0, -1 } };
        var b = new OnnxBuilder().Input("x", 2, 2, 1).Initializer(int32).Node("Reshape", ["x", "shape"], "y").Output("y");
        Assert.Equal(new Shape(4), Import(b).Output.OutputShape);

        var b64 = new OnnxBuilder().Input("x", 2, 2, 1).Initializer(OnnxBuilder.Int64Tensor("shape", [2], [0, -1], raw: false))
            .Node("Reshape", ["x", "shape"], "y").Output("y");
        Assert.Equal(new Shape(4), Import(b64).Output.OutputShape);
    }

    [Fact]
    public void Identity_of_an_initializer_resolves_as_the_constant()
    {
        // torch.onnx deduplicates identical initializers by routing the copy through Identity.
        var b = new OnnxBuilder()
            .Input("x", 1, 4, 4)
            .Initializer("w", [1, 1, 3, 3], TestData.Uniform(3, 9))
            .Node("Identity", ["w"], "w_copy")
            .Node("Conv", ["x", "w"], "a", OnnxAttr.Ints("pads", 1, 1, 1, 1))
            .Node("Conv", ["a", "w_copy"], "y", OnnxAttr.Ints("pads", 1, 1, 1, 1))
            .Output("y");
        ModelGraph g = Import(b);
        Conv2dNode[] convs = [.. g.Nodes.OfType<Conv2dNode>()];
        Assert.Equal(2, convs.Length);
        Assert.Equal(convs[0].Weight.Data, convs[1].Weight.Data);
        Assert.Empty(g.Nodes.OfType<IdentityNode>());
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Constant_nodes_with_every_value_attribute_are_folded()
    {
        var b = new OnnxBuilder(opset: 13)
            .Input("x", 3)
            .Node("Constant", [], "a", OnnxAttr.Float("value_float", 2))
            .Node("Constant", [], "s", OnnxAttr.Floats("value_floats", 1, 2, 3))
            .Node("Constant", [], "i", OnnxAttr.Int("value_int", 1))
            .Constant("t", [3], [0.5f, 0.5f, 0.5f])
            .Node("Mul", ["x", "a"], "m1")
            .Node("Mul", ["m1", "s"], "m2")
            .Node("Add", ["m2", "t"], "y")
            .Output("y");
        ModelGraph g = Import(b);
        Assert.Equal(3, g.Nodes.OfType<ScaleShiftNode>().Count());
        AssertValuesMatchOrt(b, g);
    }

    [Fact]
    public void Arithmetic_on_constants_is_folded()
    {
        var b = new OnnxBuilder()
            .Input("x", 2)
            .Initializer("a", [2], [1, 2]).Initializer("k", [], [3])
            .Node("Mul", ["a", "k"], "ak")
            .Node("Add", ["x", "ak"], "y")
            .Output("y");
        Assert.Equal([3f, 6f], Single<ScaleShiftNode>(Import(b)).Shift);
    }

    [Fact]
    public void Node_names_come_from_the_node_or_its_output_and_are_made_unique()
    {
        var b = new OnnxBuilder()
            .Input("x", 3)
            .NamedNode("act", "Relu", ["x"], ["r1"])
            .NamedNode("act", "Relu", ["r1"], ["r2"])
            .Node("Relu", ["r2"], "x")
            .Output("x");
        // The last node's output reuses the input's name: invalid ONNX, so ...
        Assert.Throws<InvalidModelException>(() => Import(b));

        var ok = new OnnxBuilder()
            .Input("x", 3)
            .NamedNode("act", "Relu", ["x"], ["r1"])
            .NamedNode("act", "Relu", ["r1"], ["r2"])
            .Node("Relu", ["r2"], "out")
            .Output("out");
        Assert.Equal(["x", "act", "act_1", "out"], Import(ok).Nodes.Select(n => n.Name));
    }

    [Fact]
    public void Dead_branches_are_ignored()
    {
        var b = new OnnxBuilder().Input("x", 3).Node("Relu", ["x"], "y").Node("Selu", ["x"], "unused").Output("y");
        Assert.Equal(2, Import(b).Nodes.Count);
    }

    [Fact]
    public void Nodes_out_of_order_are_sorted()
    {
        var b = new OnnxBuilder().Input("x", 3).Node("Relu", ["r"], "y").Node("Relu", ["x"], "r").Output("y");
        Assert.Equal(["x", "r", "y"], Import(b).Nodes.Select(n => n.Name));
    }

    [Fact]
    public void Dynamic_spatial_dims_need_an_input_shape_option()
    {
        var b = new OnnxBuilder().InputWithDims("x", ["N", 3, "H", "W"]).Node("Relu", ["x"], "y").Output("y");
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.Contains("dynamic dimension at axis 2", ex.Message);
        ModelGraph g = Import(b, new OnnxImportOptions { InputShape = [3, 8, 6] });
        Assert.Equal(new Shape(3, 8, 6), g.Input.OutputShape);
        Assert.Throws<InvalidOptionException>(() => Import(b, new OnnxImportOptions { InputShape = [4, 8, 6] }));
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_errors()
    {
        string dir = Directory.CreateTempSubdirectory("ann2snn-onnx-").FullName;
        try
        {
            string path = Path.Combine(dir, "tiny.onnx");
            File.WriteAllBytes(path, new OnnxBuilder().Input("x", 3).Node("Relu", ["x"], "y").Output("y").ToBytes());
            Assert.IsType<ReluNode>(OnnxImporter.Load(path).Output);

            File.WriteAllBytes(path, [1, 2, 3]);
            Assert.StartsWith("tiny.onnx: ", Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(path)).Message);

            var missing = Assert.Throws<InvalidModelException>(() => OnnxImporter.Load(Path.Combine(dir, "missing.onnx")));
            Assert.StartsWith("missing.onnx: file not found", missing.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Builder_models_load_in_OnnxRuntime()
    {
        // Every opset the importer accepts, with the IR version the builder pairs with it.
        foreach (int opset in Enumerable.Range(GraphImporter.MinOpset, GraphImporter.MaxOpset - GraphImporter.MinOpset + 1))
        {
            byte[] model = new OnnxBuilder(opset).Input("x", 2, 4, 4)
                .Initializer("w", [3, 2, 3, 3], TestData.Uniform(opset, 54))
                .Node("Conv", ["x", "w"], "c").Node("Relu", ["c"], "y").Output("y").ToBytes();
            Assert.Null(Ort.LoadError(model));
        }
    }
}
