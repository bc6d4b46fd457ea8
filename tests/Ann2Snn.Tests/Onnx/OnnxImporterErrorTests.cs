using Ann2Snn.Onnx;
using Ann2Snn.Tests.TestUtil;
using Google.Protobuf;
using Onnx;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>Untrusted input: every failure is a typed exception with a one-line message naming the file.</summary>
public sealed class OnnxImporterErrorTests
{
    private static OnnxBuilder SmallModel() => new OnnxBuilder()
        .Input("x", 2, 5, 5)
        .Initializer("w", [3, 2, 3, 3], TestData.Uniform(1, 54))
        .Initializer("b", [3], [1, 2, 3])
        .NamedNode("conv", "Conv", ["x", "w", "b"], ["c"], OnnxAttr.Ints("pads", 1, 1, 1, 1))
        .Node("Relu", ["c"], "r")
        .Node("Flatten", ["r"], "f")
        .Initializer("fc", [75, 4], TestData.Uniform(2, 300))
        .Node("MatMul", ["f", "fc"], "y")
        .Output("y");

    private static T Refused<T>(byte[] bytes, string file = "bad.onnx") where T : Ann2SnnException
    {
        var ex = Assert.Throws<T>(() => OnnxImporter.Load(bytes, file));
        Assert.StartsWith(file + ": ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    [Fact]
    public void The_small_model_itself_imports()
    {
        Assert.Equal(5, Import(SmallModel()).Nodes.Count);
    }

    [Fact]
    public void Truncated_file_is_refused()
    {
        byte[] bytes = SmallModel().ToBytes();
        foreach (int length in new[] { 1, 7, bytes.Length / 2, bytes.Length - 1 })
        {
            Refused<InvalidModelException>(bytes[..length]);
        }
    }

    [Fact]
    public void Empty_and_random_bytes_are_refused()
    {
        Refused<InvalidModelException>([]);
        var rng = new Random(42);
        for (int i = 0; i < 50; i++)
        {
            var bytes = new byte[rng.Next(1, 2000)];
            rng.NextBytes(bytes);
            Refused<InvalidModelException>(bytes);
        }
    }

    [Fact]
    public void Valid_protobuf_that_is_not_a_model_is_refused()
    {
        Assert.Contains("no graph",
            Refused<InvalidModelException>(new ModelProto().ToByteArray().Append((byte)0x08).Append((byte)7).ToArray()).Message);
        // A TensorProto's fields collide with ModelProto's: it fails either as protobuf or as a model.
        Assert.Contains("ONNX", Refused<InvalidModelException>(OnnxBuilder.FloatTensor("t", [2, 2], [1, 2, 3, 4]).ToByteArray()).Message);
        Assert.Contains("no graph",
            Refused<InvalidModelException>(new TensorProto { Dims = { 2, 2 }, DataType = 1 }.ToByteArray()).Message);
    }

    [Fact]
    public void Corrupted_models_only_ever_raise_typed_exceptions()
    {
        byte[] original = SmallModel().ToBytes();
        var rng = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
            try
            {
                OnnxImporter.Load(bytes, "fuzz.onnx");
            }
            catch (Ann2SnnException ex)
            {
                Assert.StartsWith("fuzz.onnx: ", ex.Message);
                Assert.DoesNotContain('\n', ex.Message);
                Assert.False(ex.InnerException is not null and not InvalidProtocolBufferException and not Ann2SnnException,
                    $"mutation {i}: an unexpected {ex.InnerException?.GetType().Name} was wrapped: {ex.Message}");
            }
        }
    }

    [Fact]
    public void Unsupported_op_names_node_op_and_the_supported_ops()
    {
        var b = new OnnxBuilder(opset: 17).Input("x", 3).NamedNode("act_7", "Selu", ["x"], ["y"]).Output("y");
        var ex = Refused<UnsupportedOperatorException>(b.ToBytes(), "model.onnx");
        Assert.StartsWith("model.onnx: 1 blocker: Selu ×1 (node 'act_7': not supported); supported ops: Add, ArgMax, AveragePool, ",
            ex.Message);
        Assert.Contains("MaxPool", ex.Message);
        Assert.Equal(OnnxImporter.SupportedOps, ex.Message[(ex.Message.IndexOf("supported ops: ", StringComparison.Ordinal) + 15)..]);
    }

    [Fact]
    public void Unknown_attribute_is_refused_rather_than_ignored()
    {
        var b = new OnnxBuilder().Input("x", 3).NamedNode("act", "Relu", ["x"], ["y"], OnnxAttr.Float("alpha", 0.1f)).Output("y");
        var ex = Refused<UnsupportedOperatorException>(b.ToBytes());
        Assert.Equal("bad.onnx: 1 blocker: Relu-13 ×1 (node 'act': attribute 'alpha' is not defined by Relu-13 (it has none))", ex.Message);
    }

    [Fact]
    public void Foreign_domains_and_opsets_out_of_range_are_refused()
    {
        var b = new OnnxBuilder().Input("x", 3).Node("Relu", ["x"], "y").Output("y");
        b.LastNode.Domain = "com.microsoft";
        Assert.Contains("domain 'com.microsoft'", Refused<UnsupportedOperatorException>(b.ToBytes()).Message);

        var old = new OnnxBuilder(opset: 6).Input("x", 3).Node("Relu", ["x"], "y").Output("y");
        Assert.Contains("opset 6 is not supported", Refused<UnsupportedOperatorException>(old.ToBytes()).Message);
    }

    [Fact]
    public void Tensor_claiming_a_trillion_elements_is_refused_without_allocating()
    {
        var t = OnnxBuilder.FloatTensor("huge", [4], [1, 2, 3, 4]);
        t.Dims.Clear();
        t.Dims.AddRange([1_000_000, 1_000_000]);
        var b = SmallModel().Initializer(t);
        byte[] bytes = b.ToBytes();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Refused<InvalidModelException>(bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("'huge'", ex.Message);
        Assert.Contains("limit", ex.Message);
        Assert.True(allocated < 16 << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void Tensor_whose_bytes_disagree_with_its_dims_is_refused()
    {
        var t = OnnxBuilder.FloatTensor("short", [3], [1, 2, 3]);
        t.Dims[0] = 5;
        Assert.Contains("'short'", Refused<InvalidModelException>(SmallModel().Initializer(t).ToBytes()).Message);

        var typed = OnnxBuilder.FloatTensor("typed", [3], [1, 2, 3], raw: false);
        typed.Dims[0] = 2;
        Assert.Contains("float_data holds 3", Refused<InvalidModelException>(SmallModel().Initializer(typed).ToBytes()).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_weight_is_refused_naming_the_tensor(float bad)
    {
        var b = SmallModel();
        b.Graph.Initializer[1] = OnnxBuilder.FloatTensor("b", [3], [1, bad, 3]);
        var ex = Refused<InvalidModelException>(b.ToBytes());
        Assert.StartsWith("bad.onnx: node 'conv' (Conv, opset 13): tensor 'b' (bias): element 1 is ", ex.Message);
    }

    [Fact]
    public void External_data_is_refused_when_loading_from_bytes()
    {
        var b = SmallModel();
        TensorProto w = b.Graph.Initializer[0];
        w.RawData = ByteString.Empty;
        w.DataLocation = TensorProto.Types.DataLocation.External;
        w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        Assert.Contains("external", Refused<InvalidModelException>(b.ToBytes()).Message);
    }

    [Fact]
    public void Two_inputs_or_two_outputs_are_refused()
    {
        var inputs = SmallModel().Input("x2", 3);
        Assert.Contains("2 inputs ('x', 'x2')", Refused<InvalidModelException>(inputs.ToBytes()).Message);

        var outputs = SmallModel().Output("c");
        Assert.Contains("2 outputs", Refused<InvalidModelException>(outputs.ToBytes()).Message);
    }

    [Fact]
    public void Unknown_input_value_and_cycles_are_refused()
    {
        var dangling = new OnnxBuilder().Input("x", 3).Node("Add", ["x", "ghost"], "y").Output("y");
        Assert.Contains("'ghost'", Refused<InvalidModelException>(dangling.ToBytes()).Message);

        var cycle = new OnnxBuilder().Input("x", 3).Node("Add", ["x", "b"], "a").Node("Relu", ["a"], "b").Output("b");
        Assert.Contains("cycle", Refused<InvalidModelException>(cycle.ToBytes()).Message);
    }

    [Fact]
    public void Shape_errors_from_the_graph_carry_the_onnx_location()
    {
        var b = new OnnxBuilder(opset: 13).Input("x", 2, 5, 5)
            .Initializer("w", [3, 4, 3, 3], TestData.Uniform(1, 108))
            .NamedNode("Conv_3", "Conv", ["x", "w"], ["y"]).Output("y");
        var ex = Refused<InvalidModelException>(b.ToBytes(), "model.onnx");
        Assert.StartsWith("model.onnx: node 'Conv_3' (Conv, opset 13): weight expects 4 input channels, input has 2", ex.Message);
    }
}
