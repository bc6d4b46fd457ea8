using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using Onnx;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

/// <summary>
/// Shape arithmetic folded at import (Shape, Gather, Slice, Concat, Cast, ConstantOfShape, ReduceProd, Expand): each folded
/// constant is added to the input, and the imported graph's output is compared with ONNX Runtime's, which computes the
/// same ops at run time.
/// </summary>
public sealed class OnnxImporterShapeArithmeticTests
{
    /// <summary>Random constants through random Slice/Gather/Concat/ReduceProd/Expand/Cast chains agree with ONNX Runtime.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Folded_constants_agree_with_onnx_runtime(int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 12; trial++)
        {
            var b = new OnnxBuilder(opset: 13);
            int[] dims = [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(1, 5))];
            b.Initializer("c", dims, TestData.Uniform(seed * 100 + trial, dims.Aggregate(1, (a, d) => a * d), 3f));
            (string value, int[] folded) = random.Next(6) switch
            {
                0 => Slice(b, random, "c", dims),
                1 => Gather(b, random, "c", dims),
                2 => Concat(b, random, "c", dims),
                3 => ReduceProd(b, random, "c", dims),
                4 => Expand(b, random, "c", dims),
                _ => Cast(b, "c", dims),
            };
            if (folded.Length == 0 || folded.Contains(0)) continue;
            // Flattened, so that the input is a vector whatever the folded rank.
            int size = folded.Aggregate(1, (a, d) => a * d);
            b.Constant("flat", [-1L]).Node("Reshape", [value, "flat"], "v").Input("x", size).Node("Add", ["x", "v"], "y").Output("y");
            AssertAgreesWithOrt(b, [size], $"seed {seed} trial {trial}");
        }
    }

    public static TheoryData<string> FlattenPatterns => ["gather", "slice", "prod"];

    /// <summary>The ways exporters spell Flatten with a dynamic batch all fold to [batch, C·H·W].</summary>
    [Theory]
    [MemberData(nameof(FlattenPatterns))]
    public void Dynamic_batch_flatten_folds(string pattern)
    {
        var b = new OnnxBuilder(opset: 13).Input("x", 2, 3, 4).Node("Shape", ["x"], "s").Constant("minus1", [-1L]);
        switch (pattern)
        {
            case "gather": // torch 1.x: Shape → Gather(0) → Unsqueeze → Concat with [-1]
                b.Initializer(OnnxBuilder.Int64Tensor("zero", [], [0]))
                    .Node("Gather", ["s", "zero"], "n", OnnxAttr.Int("axis", 0))
                    .Constant("axes", [0L])
                    .Node("Unsqueeze", ["n", "axes"], "n1")
                    .Node("Concat", ["n1", "minus1"], "target", OnnxAttr.Int("axis", 0));
                break;
            case "slice": // dynamo: Shape → Slice(0:1) → Concat with [-1]
                b.Constant("s0", [0L]).Constant("s1", [1L])
                    .Node("Slice", ["s", "s0", "s1"], "n1")
                    .Node("Concat", ["n1", "minus1"], "target", OnnxAttr.Int("axis", 0));
                break;
            default: // [batch, prod(shape[1:])]
                b.Constant("s0", [0L]).Constant("s1", [1L]).Constant("end", [long.MaxValue])
                    .Node("Slice", ["s", "s0", "s1"], "n1")
                    .Node("Slice", ["s", "s1", "end"], "rest")
                    .Node("ReduceProd", ["rest"], "size", OnnxAttr.Int("keepdims", 1))
                    .Node("Concat", ["n1", "size"], "target", OnnxAttr.Int("axis", 0));
                break;
        }
        b.Node("Reshape", ["x", "target"], "y").Output("y");
        ModelGraph g = Import(b);
        Assert.Equal(new Shape(24), g.Output.OutputShape);
        AssertAgreesWithOrt(b, [2, 3, 4], pattern);
    }

    [Fact]
    public void Shape_start_and_end_select_dims()
    {
        var b = new OnnxBuilder(opset: 15).Input("x", 2, 3, 4)
            .Node("Shape", ["x"], "s", OnnxAttr.Int("start", -3))
            .Constant("b", [0L])
            .Node("Concat", ["b", "s"], "target", OnnxAttr.Int("axis", 0))
            .Node("Reshape", ["x", "target"], "y").Output("y");
        Assert.Equal(new Shape(2, 3, 4), Import(b).Output.OutputShape);
    }

    [Fact]
    public void ConstantOfShape_fills_a_tensor()
    {
        var b = new OnnxBuilder(opset: 13).Constant("shape", [6L])
            .Node("ConstantOfShape", ["shape"], "c", OnnxAttr.Tensor("value", OnnxBuilder.FloatTensor("v", [1], [0.5f])))
            .Input("x", 6).Node("Add", ["x", "c"], "y").Output("y");
        AssertAgreesWithOrt(b, [6], "ConstantOfShape");
    }

    [Fact]
    public void A_batch_dependent_dim_beyond_the_first_is_refused()
    {
        var b = new OnnxBuilder(opset: 13).Input("x", 6).Node("Shape", ["x"], "s")
            .Constant("s0", [0L]).Constant("s1", [1L]).Constant("minus1", [-1L])
            .Node("Slice", ["s", "s0", "s1"], "n1")
            .Node("Concat", ["minus1", "n1"], "target", OnnxAttr.Int("axis", 0))
            .Node("Reshape", ["x", "target"], "y").Output("y");
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.Contains("batch size", ex.Message);
    }

    [Fact]
    public void A_batch_dependent_value_is_never_used_as_a_number()
    {
        var b = new OnnxBuilder(opset: 13).Input("x", 2).Node("Shape", ["x"], "s")
            .Node("Cast", ["s"], "f", OnnxAttr.Int("to", 1))
            .Node("Add", ["x", "f"], "y").Output("y");
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(b));
        Assert.Contains("batch size", ex.Message);
    }

    [Fact]
    public void A_lying_shape_is_refused_before_anything_is_allocated()
    {
        var expand = new OnnxBuilder(opset: 13).Input("x", 4).Initializer("c", [1], [0.5f]).Constant("shape", [1L << 40])
            .NamedNode("huge", "Expand", ["c", "shape"], ["e"]).Node("Add", ["x", "e"], "y").Output("y");
        var ex = Assert.Throws<InvalidModelException>(() => Import(expand));
        Assert.Contains("'huge'", ex.Message);
        Assert.Contains("limit", ex.Message);
        var fill = new OnnxBuilder(opset: 13).Input("x", 4).Constant("shape", [2L, 1L << 62])
            .NamedNode("fill", "ConstantOfShape", ["shape"], ["c"]).Node("Add", ["x", "c"], "y").Output("y");
        Assert.Contains("limit", Assert.Throws<InvalidModelException>(() => Import(fill)).Message);
        var tensor = new OnnxBuilder(opset: 13).Input("x", 1, 1).Constant("shape", [1L, 1L << 30, 1L << 30])
            .NamedNode("wide", "Expand", ["x", "shape"], ["y"]).Output("y");
        Assert.Contains("limit", Assert.Throws<InvalidModelException>(() => Import(tensor)).Message);
    }

    [Fact]
    public void Gather_index_out_of_range_names_the_node()
    {
        var b = new OnnxBuilder(opset: 13).Input("x", 2).Node("Shape", ["x"], "s")
            .Initializer(OnnxBuilder.Int64Tensor("i", [], [5]))
            .NamedNode("pick", "Gather", ["s", "i"], ["n"])
            .Node("Reshape", ["x", "n"], "y").Output("y");
        var ex = Assert.Throws<InvalidModelException>(() => Import(b));
        Assert.Contains("pick", ex.Message);
        Assert.Contains("out of range", ex.Message);
    }

    public static TheoryData<string> TensorSelections => ["gather", "gather-2d", "slice", "slice-negative-step", "expand"];

    /// <summary>Gather, Slice and Expand of a runtime tensor (constant indices) copy elements per sample as ONNX Runtime does.</summary>
    [Theory]
    [MemberData(nameof(TensorSelections))]
    public void Selections_of_a_runtime_tensor_agree_with_onnx_runtime(string kind)
    {
        var b = new OnnxBuilder(opset: 13).Input("x", 3, 1, 4);
        switch (kind)
        {
            case "gather":
                b.Initializer(OnnxBuilder.Int64Tensor("i", [2], [2, -1])).Node("Gather", ["x", "i"], "y", OnnxAttr.Int("axis", 3));
                break;
            case "gather-2d":
                b.Initializer(OnnxBuilder.Int64Tensor("i", [2, 2], [0, 2, 1, 1])).Node("Gather", ["x", "i"], "y", OnnxAttr.Int("axis", 1));
                break;
            case "slice":
                b.Constant("s", [0L, 1L]).Constant("e", [long.MaxValue, 4L]).Constant("a", [0L, 3L])
                    .Node("Slice", ["x", "s", "e", "a"], "y");
                break;
            case "slice-negative-step":
                b.Constant("s", [-1L]).Constant("e", [long.MinValue]).Constant("a", [1L]).Constant("st", [-2L])
                    .Node("Slice", ["x", "s", "e", "a", "st"], "y");
                break;
            default:
                b.Constant("shape", [1L, 3L, 2L, 4L]).Node("Expand", ["x", "shape"], "y");
                break;
        }
        b.Node("Relu", ["y"], "z").Output("z");
        Assert.Contains(Import(b).Nodes, n => n is GatherNode);
        AssertAgreesWithOrt(b, [3, 1, 4], kind);
    }

    [Fact]
    public void A_selection_along_the_batch_is_refused_and_one_inside_the_network_converts()
    {
        var batch = new OnnxBuilder(opset: 13).Input("x", 4).Constant("s", [1L]).Constant("e", [2L]).Constant("a", [0L])
            .Node("Slice", ["x", "s", "e", "a"], "y").Output("y");
        Assert.Contains("batch", Assert.Throws<UnsupportedOperatorException>(() => Import(batch)).Message);
        var gather = new OnnxBuilder(opset: 13).Input("x", 4).Initializer(OnnxBuilder.Int64Tensor("i", [1], [1]))
            .Node("Gather", ["x", "i"], "y", OnnxAttr.Int("axis", 0)).Output("y");
        Assert.Contains("batch", Assert.Throws<UnsupportedOperatorException>(() => Import(gather)).Message);

        var inside = new OnnxBuilder(opset: 13).Input("x", 4).Node("Relu", ["x"], "r")
            .Initializer(OnnxBuilder.Int64Tensor("i", [2], [3, 0])).NamedNode("pick", "Gather", ["r", "i"], ["g"], OnnxAttr.Int("axis", 1))
            .Initializer("w", [2, 2], [1f, 2f, 3f, 4f]).Node("MatMul", ["g", "w"], "y").Output("y");
        // A fixed selection inside the network reorders the rows of the dense synapses before it (or adds a 0/1 selection).
        Assert.Empty(Ann2Snn.Conversion.Preflight.Check(Import(inside)).Blockers);
    }

    [Fact]
    public void Cast_of_a_runtime_tensor_to_float_is_an_identity()
    {
        var b = new OnnxBuilder(opset: 13).Input("x", 3).Node("Cast", ["x"], "c", OnnxAttr.Int("to", 1))
            .Node("Relu", ["c"], "y").Output("y");
        AssertAgreesWithOrt(b, [3], "Cast");
    }

    [Fact]
    public void A_uint8_input_cast_and_scaled_inside_the_model_takes_bytes()
    {
        var b = new OnnxBuilder(opset: 13).InputWithDims("pixels", [OnnxBuilder.BatchParam, 1, 2, 2], elemType: 2)
            .Node("Cast", ["pixels"], "f", OnnxAttr.Int("to", 1))
            .Initializer("scale", [], [255f]).Node("Div", ["f", "scale"], "x")
            .Initializer("mean", [], [0.5f]).Node("Sub", ["x", "mean"], "y").Output("y");
        ModelGraph g = Import(b);
        Assert.True(g.Input.TakesBytes);
        float[] bytes = [0, 51, 128, 255];
        float[] y = new AnnExecutor(g).Forward(bytes, 1);
        Assert.Equal(bytes.Select(v => v / 255f - 0.5f), y, (p, q) => Math.Abs(p - q) < 1e-6f);
        Assert.False(Import(new OnnxBuilder().Input("x", 3).Node("Relu", ["x"], "y").Output("y")).Input.TakesBytes);
    }

    // ---- random chains ----

    private static (string, int[]) Slice(OnnxBuilder b, Random random, string input, int[] dims)
    {
        int axis = random.Next(dims.Length);
        long step = random.Next(2) == 0 ? 1 : random.Next(-2, 3) is var s && s != 0 ? s : -1;
        long start = random.Next(-dims[axis] - 1, dims[axis] + 2), end = random.Next(-dims[axis] - 1, dims[axis] + 2);
        if (random.Next(4) == 0) end = step > 0 ? long.MaxValue : long.MinValue;
        string starts = b.Fresh(), ends = b.Fresh(), axes = b.Fresh(), steps = b.Fresh(), output = b.Fresh();
        b.Constant(starts, [start]).Constant(ends, [end]).Constant(axes, [axis]).Constant(steps, [step])
            .Node("Slice", [input, starts, ends, axes, steps], output);
        int count = 0;
        long first = start < 0 ? start + dims[axis] : start, last = end < 0 && end != long.MinValue ? end + dims[axis] : end;
        if (step > 0)
        {
            first = Math.Clamp(first, 0, dims[axis]);
            last = Math.Clamp(last, 0, dims[axis]);
            for (long i = first; i < last; i += step) count++;
        }
        else
        {
            first = Math.Clamp(first, 0, dims[axis] - 1);
            last = end == long.MinValue ? -1 : Math.Clamp(last, -1, dims[axis] - 1);
            for (long i = first; i > last; i += step) count++;
        }
        int[] result = [.. dims];
        result[axis] = count;
        return (output, result);
    }

    private static (string, int[]) Gather(OnnxBuilder b, Random random, string input, int[] dims)
    {
        int axis = random.Next(dims.Length);
        int[] indexDims = [.. Enumerable.Range(0, random.Next(0, 3)).Select(_ => random.Next(1, 3))];
        long[] indices = [.. Enumerable.Range(0, indexDims.Aggregate(1, (a, d) => a * d))
            .Select(_ => (long)random.Next(-dims[axis], dims[axis]))];
        string idx = b.Fresh(), output = b.Fresh();
        b.Initializer(OnnxBuilder.Int64Tensor(idx, indexDims, indices)).Node("Gather", [input, idx], output, OnnxAttr.Int("axis", axis));
        return (output, [.. dims[..axis], .. indexDims, .. dims[(axis + 1)..]]);
    }

    private static (string, int[]) Concat(OnnxBuilder b, Random random, string input, int[] dims)
    {
        int axis = random.Next(dims.Length);
        int[] other = [.. dims];
        other[axis] = random.Next(1, 4);
        string second = b.Fresh(), output = b.Fresh();
        b.Initializer(second, other, TestData.Uniform(random.Next(), other.Aggregate(1, (a, d) => a * d)))
            .Node("Concat", [input, second], output, OnnxAttr.Int("axis", axis - dims.Length));
        int[] result = [.. dims];
        result[axis] += other[axis];
        return (output, result);
    }

    private static (string, int[]) ReduceProd(OnnxBuilder b, Random random, string input, int[] dims)
    {
        int[] axes = [.. Enumerable.Range(0, dims.Length).Where(_ => random.Next(2) == 0)];
        if (axes.Length == 0) axes = [0];
        string output = b.Fresh();
        b.Node("ReduceProd", [input], output, OnnxAttr.Ints("axes", [.. axes.Select(a => (long)a)]), OnnxAttr.Int("keepdims", 1));
        return (output, [.. dims.Select((d, a) => axes.Contains(a) ? 1 : d)]);
    }

    private static (string, int[]) Expand(OnnxBuilder b, Random random, string input, int[] dims)
    {
        int[] target = [.. dims.Select(d => d == 1 ? random.Next(1, 4) : d)];
        long[] shape = [random.Next(1, 3), .. target.Select(d => (long)d)];
        string s = b.Fresh(), output = b.Fresh();
        b.Constant(s, shape).Node("Expand", [input, s], output);
        return (output, [.. shape.Select(d => (int)d)]);
    }

    private static (string, int[]) Cast(OnnxBuilder b, string input, int[] dims)
    {
        string i = b.Fresh(), output = b.Fresh();
        b.Node("Cast", [input], i, OnnxAttr.Int("to", (long)TensorProto.Types.DataType.Int64))
            .Node("Cast", [i], output, OnnxAttr.Int("to", (long)TensorProto.Types.DataType.Float));
        return (output, dims);
    }

    private static void AssertAgreesWithOrt(OnnxBuilder b, int[] perSample, string what)
    {
        ModelGraph g = Import(b);
        int size = perSample.Aggregate(1, (a, d) => a * d);
        float[] input = TestData.Uniform(7, 2 * size, 2f);
        (float[] expected, _) = Ort.Run(b.ToBytes(), input, [2, .. perSample]);
        float[] actual = new AnnExecutor(g).Forward(input, 2);
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-5f * (1 + Math.Abs(expected[k])),
                $"{what}: element {k}: ONNX Runtime {expected[k]}, Ann2Snn {actual[k]}");
        }
    }
}
