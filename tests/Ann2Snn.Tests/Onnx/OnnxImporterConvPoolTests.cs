using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;
using static Ann2Snn.Tests.Onnx.OnnxTestSupport;

namespace Ann2Snn.Tests.Onnx;

public sealed class OnnxImporterConvPoolTests
{
    [Fact]
    public void Conv_with_bias_and_pads_becomes_Conv2d()
    {
        var b = new OnnxBuilder()
            .Input("x", 3, 8, 8)
            .Initializer("w", [4, 3, 3, 3], TestData.Uniform(1, 4 * 27))
            .Initializer("bias", [4], [1, 2, 3, 4])
            .NamedNode("conv1", "Conv", ["x", "w", "bias"], ["y"], OnnxAttr.Ints("pads", 1, 1, 1, 1), OnnxAttr.Ints("kernel_shape", 3, 3))
            .Output("y");
        ModelGraph g = Import(b);
        Conv2dNode conv = Single<Conv2dNode>(g);
        Assert.Equal("conv1", conv.Name);
        Assert.Equal(new Shape(4, 8, 8), conv.OutputShape);
        Assert.Equal(new Window2d(3, 3, 1, 1, 1, 1, 1, 1), conv.Window);
        Assert.Equal([1f, 2, 3, 4], conv.Bias!);
        Assert.Equal([4, 3, 3, 3], conv.Weight.Shape);
        Assert.Same(g.Input, conv.Inputs[0]);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Conv_strides_and_dilations_are_read()
    {
        var b = new OnnxBuilder()
            .Input("x", 2, 11, 10)
            .Initializer("w", [3, 2, 3, 2], TestData.Uniform(2, 36))
            .Node("Conv", ["x", "w"], "y", OnnxAttr.Ints("strides", 2, 3), OnnxAttr.Ints("dilations", 2, 1),
                OnnxAttr.Ints("pads", 0, 1, 2, 0))
            .Output("y");
        ModelGraph g = Import(b);
        Conv2dNode conv = Single<Conv2dNode>(g);
        Assert.Null(conv.Bias);
        Assert.Equal(new Window2d(3, 2, 2, 3, 0, 1, 2, 0, 2, 1), conv.Window);
        AssertShapeMatchesOrt(b, g);
    }

    [Theory]
    [InlineData("SAME_UPPER", 1, 2)]
    [InlineData("SAME_LOWER", 2, 1)]
    [InlineData("VALID", 0, 0)]
    public void Conv_auto_pad_is_resolved_from_the_input_size(string autoPad, int begin, int end)
    {
        // 7 wide, kernel 4, stride 2: SAME output is 4, needing 3 cells of padding, split unevenly.
        var b = new OnnxBuilder()
            .Input("x", 1, 7, 7)
            .Initializer("w", [2, 1, 4, 4], TestData.Uniform(3, 32))
            .Node("Conv", ["x", "w"], "y", OnnxAttr.String("auto_pad", autoPad), OnnxAttr.Ints("strides", 2, 2))
            .Output("y");
        ModelGraph g = Import(b);
        Window2d w = Single<Conv2dNode>(g).Window;
        Assert.Equal((begin, begin, end, end), (w.PadTop, w.PadLeft, w.PadBottom, w.PadRight));
        AssertShapeMatchesOrt(b, g);
    }

    [Theory]
    [InlineData(4, 4)] // depthwise
    [InlineData(2, 6)] // general groups
    public void Conv_groups_are_kept(int groups, int outChannels)
    {
        var b = new OnnxBuilder()
            .Input("x", 4, 5, 5)
            .Initializer("w", [outChannels, 4 / groups, 3, 3], TestData.Uniform(4, outChannels * 4 / groups * 9))
            .Node("Conv", ["x", "w"], "y", OnnxAttr.Int("group", groups))
            .Output("y");
        ModelGraph g = Import(b);
        Conv2dNode conv = Single<Conv2dNode>(g);
        Assert.Equal(groups, conv.Groups);
        Assert.Equal(new Shape(outChannels, 3, 3), conv.OutputShape);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Conv_3d_is_refused_and_a_kernel_of_the_wrong_rank_fails()
    {
        var b = new OnnxBuilder()
            .Input("x", 2, 5, 5)
            .Initializer("w", [2, 2, 3, 3, 3], TestData.Uniform(4, 108))
            .Node("Conv", ["x", "w"], "y")
            .Output("y");
        Assert.Contains("only 1-D and 2-D convolution", Assert.Throws<UnsupportedOperatorException>(() => Import(b)).Message);
        var mismatch = new OnnxBuilder()
            .Input("x", 2, 5, 5)
            .Initializer("w", [2, 2, 3], TestData.Uniform(4, 12))
            .Node("Conv", ["x", "w"], "y")
            .Output("y");
        Assert.Contains("does not match the input [N, 2, 5, 5]", Assert.Throws<InvalidModelException>(() => Import(mismatch)).Message);
    }

    [Fact]
    public void MaxPool_reads_kernel_strides_pads_and_ceil_mode()
    {
        var b = new OnnxBuilder(opset: 12)
            .Input("x", 3, 9, 9)
            .Node("MaxPool", ["x"], "y", OnnxAttr.Ints("kernel_shape", 3, 3), OnnxAttr.Ints("strides", 2, 2),
                OnnxAttr.Ints("pads", 1, 1, 1, 1), OnnxAttr.Int("ceil_mode", 1))
            .Output("y");
        ModelGraph g = Import(b);
        Pool2dNode pool = Single<Pool2dNode>(g);
        Assert.Equal(PoolKind.Max, pool.Kind);
        Assert.Equal(new Window2d(3, 3, 2, 2, 1, 1, 1, 1, CeilMode: true), pool.Window);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void MaxPool_storage_order_orders_only_the_indices_which_are_refused_when_used()
    {
        var order = new OnnxBuilder()
            .Input("x", 1, 4, 4)
            .Node("MaxPool", ["x"], "y", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Int("storage_order", 1))
            .Output("y");
        AssertShapeMatchesOrt(order, Import(order));

        var indices = new OnnxBuilder()
            .Input("x", 1, 4, 4)
            .NamedNode("pool", "MaxPool", ["x"], ["y", "idx"], OnnxAttr.Ints("kernel_shape", 2, 2))
            .Output("idx");
        var ex = Assert.Throws<UnsupportedOperatorException>(() => Import(indices));
        Assert.Contains("node 'pool' (MaxPool, opset 13)", ex.Message);
        Assert.Contains("'idx'", ex.Message);
    }

    [Fact]
    public void Pooling_pads_as_large_as_the_kernel_are_refused()
    {
        // A window wholly inside the padding would have nothing to pool.
        var b = new OnnxBuilder().Input("x", 1, 4, 4)
            .Node("AveragePool", ["x"], "y", OnnxAttr.Ints("kernel_shape", 2, 2), OnnxAttr.Ints("pads", 2, 0, 0, 0)).Output("y");
        Assert.Contains("smaller than the kernel", Assert.Throws<InvalidModelException>(() => Import(b)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void AveragePool_keeps_count_include_pad(int countIncludePad)
    {
        var b = new OnnxBuilder(opset: 11)
            .Input("x", 2, 6, 6)
            .Node("AveragePool", ["x"], "y", OnnxAttr.Ints("kernel_shape", 3, 3), OnnxAttr.Ints("pads", 1, 1, 1, 1),
                OnnxAttr.Int("count_include_pad", countIncludePad))
            .Output("y");
        ModelGraph g = Import(b);
        Pool2dNode pool = Single<Pool2dNode>(g);
        Assert.Equal(PoolKind.Average, pool.Kind);
        Assert.Equal(countIncludePad == 1, pool.CountIncludePad);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void GlobalAveragePool_becomes_GlobalAvgPool()
    {
        var b = new OnnxBuilder().Input("x", 5, 4, 3).Node("GlobalAveragePool", ["x"], "y").Output("y");
        ModelGraph g = Import(b);
        Assert.Equal(new Shape(5, 1, 1), Single<GlobalAvgPoolNode>(g).OutputShape);
        AssertShapeMatchesOrt(b, g);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(18)]
    public void Pad_before_AveragePool_folds_into_its_pads(int opset)
    {
        // PyTorch 1.13 exports AvgPool2d(3, padding=1) as Pad + AveragePool(pads=0); the padded zeros count.
        var b = new OnnxBuilder(opset).Input("x", 2, 6, 6);
        long[] pads = [0, 0, 1, 2, 0, 0, 1, 2];
        if (opset < 11) b.Node("Pad", ["x"], "p", OnnxAttr.Ints("pads", pads), OnnxAttr.String("mode", "constant"));
        else b.Initializer("pads", pads).Node("Pad", ["x", "pads"], "p");
        b.Node("AveragePool", ["p"], "y", OnnxAttr.Ints("kernel_shape", 3, 3), OnnxAttr.Ints("strides", 2, 2)).Output("y");
        ModelGraph g = Import(b);
        Assert.Equal(2, g.Nodes.Count);
        Pool2dNode pool = Single<Pool2dNode>(g);
        Assert.Equal(new Window2d(3, 3, 2, 2, 1, 2, 1, 2), pool.Window);
        Assert.True(pool.CountIncludePad);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Pad_before_Conv_adds_to_its_pads()
    {
        var b = new OnnxBuilder(opset: 13)
            .Input("x", 1, 5, 5)
            .Initializer("pads", [0, 0, 1, 0, 0, 0, 0, 1])
            .Initializer("w", [1, 1, 3, 3], TestData.Uniform(5, 9))
            .Node("Pad", ["x", "pads"], "p")
            .Node("Conv", ["p", "w"], "y", OnnxAttr.Ints("pads", 1, 1, 1, 1))
            .Output("y");
        ModelGraph g = Import(b);
        Assert.Equal(new Window2d(3, 3, 1, 1, 2, 1, 1, 2), Single<Conv2dNode>(g).Window);
        AssertShapeMatchesOrt(b, g);
    }

    [Fact]
    public void Pad_before_MaxPool_folds_only_after_Relu()
    {
        OnnxBuilder Build(bool relu)
        {
            var b = new OnnxBuilder().Input("x", 1, 4, 4).Initializer("pads", [0, 0, 1, 1, 0, 0, 1, 1]);
            string padIn = "x";
            if (relu) b.Node("Relu", ["x"], padIn = "r");
            return b.Node("Pad", [padIn, "pads"], "p").Node("MaxPool", ["p"], "y", OnnxAttr.Ints("kernel_shape", 2, 2)).Output("y");
        }
        ModelGraph g = Import(Build(relu: true));
        Assert.Equal(new Window2d(2, 2, 1, 1, 1, 1, 1, 1), Single<Pool2dNode>(g).Window);
        Assert.Empty(g.Nodes.OfType<PadNode>());
        AssertShapeMatchesOrt(Build(relu: true), g);
        // Zeros next to negative values are not −∞ padding: the Pad stays a node of its own. (ONNX Runtime's optimizer
        // fuses it into the MaxPool all the same, so the result is checked against the definition here.)
        ModelGraph kept = Import(Build(relu: false));
        Assert.Equal(new Window2d(2, 2, 1, 1, 0, 0, 0, 0), Single<Pool2dNode>(kept).Window);
        Assert.Same(Single<PadNode>(kept), Single<Pool2dNode>(kept).Inputs[0]);
        float[] x = TestData.Uniform(4, 2 * 16);
        float[] actual = new Ann2Snn.Ann.AnnExecutor(kept).Forward(x, 2);
        var expected = new float[2 * 25];
        for (int b = 0; b < 2; b++)
        {
            // y[i, j] = max over the 2×2 window at (i, j) of the 6×6 zero-padded sample.
            float At(int r, int c) => r is >= 1 and <= 4 && c is >= 1 and <= 4 ? x[(b * 16) + ((r - 1) * 4) + c - 1] : 0f;
            for (int i = 0; i < 5; i++)
            {
                for (int j = 0; j < 5; j++)
                {
                    expected[(b * 25) + (i * 5) + j] = Math.Max(Math.Max(At(i, j), At(i, j + 1)), Math.Max(At(i + 1, j), At(i + 1, j + 1)));
                }
            }
        }
        Assert.Equal(expected, actual);
        Assert.Contains(actual, v => v == 0f); // a window holding only padding and negative values
    }

    [Theory]
    [InlineData("reflect", 0f, "Conv")]
    [InlineData("constant", 1f, "Conv")]
    [InlineData("constant", 0f, "Relu")]
    [InlineData("edge", 0f, "Relu")]
    public void Pad_that_cannot_fold_becomes_a_Pad_node(string mode, float value, string consumer)
    {
        var b = new OnnxBuilder()
            .Input("x", 1, 5, 5)
            .Initializer("pads", [0, 0, 1, 1, 0, 0, 1, 1])
            .Initializer("v", [], [value])
            .Initializer("w", [1, 1, 3, 3], TestData.Uniform(5, 9))
            .NamedNode("pad0", "Pad", ["x", "pads", "v"], ["p"], OnnxAttr.String("mode", mode));
        b = consumer == "Conv" ? b.Node("Conv", ["p", "w"], "y") : b.Node(consumer, ["p"], "y");
        ModelGraph g = Import(b.Output("y"));
        PadNode pad = Single<PadNode>(g);
        Assert.Equal("pad0", pad.Name);
        Assert.Equal(new Shape(1, 7, 7), pad.OutputShape);
        Assert.Equal(mode, pad.Mode.ToString().ToLowerInvariant());
        AssertExecutorMatchesOrt(b);
    }

    [Fact]
    public void Pad_of_the_channel_axis_is_a_Pad_node_and_of_the_batch_axis_is_refused()
    {
        var b = new OnnxBuilder(opset: 11)
            .Input("x", 1, 5, 5)
            .Initializer("pads", [0, 1, 0, 0, 0, 0, 0, 0])
            .Initializer("w", [1, 2, 3, 3], TestData.Uniform(5, 18))
            .Node("Pad", ["x", "pads"], "p").Node("Conv", ["p", "w"], "y").Output("y");
        Assert.Equal(new Shape(2, 5, 5), Single<PadNode>(Import(b)).OutputShape);
        AssertExecutorMatchesOrt(b);
        var batch = new OnnxBuilder(opset: 11)
            .Input("x", 1, 5, 5)
            .Initializer("pads", [1, 0, 0, 0, 0, 0, 0, 0])
            .Node("Pad", ["x", "pads"], "y").Output("y");
        Assert.Contains("pads the batch axis", Assert.Throws<UnsupportedOperatorException>(() => Import(batch)).Message);
    }
}
