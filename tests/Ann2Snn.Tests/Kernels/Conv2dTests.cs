using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Kernels;

public sealed class Conv2dTests
{
    private static void Check(Random rng, int c, int h, int w, int o, Window2d win, int groups, bool withBias)
    {
        var g = new Conv2dGeometry(c, h, w, o, win, groups);
        float[] x = Reference.RandomFloats(rng, g.InputSize);
        float[] weight = Reference.RandomFloats(rng, g.WeightSize);
        float[]? bias = withBias ? Reference.RandomFloats(rng, o) : null;
        var y = new float[g.OutputSize];
        // Scratch is dirty on purpose: the kernel must not rely on zeros.
        float[] scratch = Reference.RandomFloats(rng, g.ScratchSize);
        Conv2d.Forward(g, x, weight, bias, y, scratch);
        double[] expected = Reference.Conv2d(x, c, h, w, weight, bias, o, win, groups);
        Reference.AssertClose(expected, y, 1e-5 * Math.Sqrt(g.PatchSize + 1), $"C={c} H={h} W={w} O={o} {win} g={groups} bias={withBias}");
    }

    [Fact]
    public void MatchesDirectConvolutionOnRandomGeometries()
    {
        var rng = new Random(1234);
        int done = 0;
        while (done < 150)
        {
            int groups = rng.Next(1, 4);
            int c = groups * rng.Next(1, 4), o = groups * rng.Next(1, 4);
            int h = rng.Next(1, 10), w = rng.Next(1, 10);
            if (FittingWindow(rng, h, w) is not { } win) continue; // the window does not fit: draw again
            Check(rng, c, h, w, o, win, groups, rng.Next(2) == 1);
            done++;
        }
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(3, 2)] // channel multiplier 2
    [InlineData(8, 1)]
    public void Depthwise(int channels, int multiplier)
    {
        var rng = new Random(channels * 10 + multiplier);
        var g = new Conv2dGeometry(channels, 7, 9, channels * multiplier, Window2d.Square(3), channels);
        Assert.True(g.IsDepthwise);
        foreach (var win in new[] { Window2d.Square(3, 1, 1), Window2d.Square(3, 2, 1), new Window2d(3, 2, 1, 2, 2, 0, 1, 1, 2, 1) })
        {
            Check(rng, channels, 7, 9, channels * multiplier, win, channels, true);
            Check(rng, channels, 7, 9, channels * multiplier, win, channels, false);
        }
    }

    [Fact]
    public void PointwiseUsesTheInputAsIs()
    {
        var rng = new Random(3);
        var win = Window2d.Square(1);
        Assert.Equal(0, new Conv2dGeometry(6, 5, 5, 4, win).ScratchSize);
        Check(rng, 6, 5, 5, 4, win, 1, true);
        Check(rng, 6, 5, 5, 4, win, 2, true);
    }

    [Fact]
    public void LargerLayerCrossingGemmBlocks()
    {
        // K = 32·9 = 288 > KC, N = 14·14 = 196 (not a multiple of NR), M = 64.
        Check(new Random(11), 32, 14, 14, 64, Window2d.Square(3, 1, 1), 1, true);
    }

    [Fact]
    public void PreparedWeightsGiveTheSameBitsForEachImageOfABatch()
    {
        var rng = new Random(8);
        foreach (var (g, label) in new[]
        {
            (new Conv2dGeometry(2, 5, 6, 3, Window2d.Square(3, 2, 1)), "strided"),
            (new Conv2dGeometry(4, 6, 6, 6, Window2d.Square(3, 1, 1), groups: 2), "grouped"),
            (new Conv2dGeometry(4, 6, 6, 8, Window2d.Square(3, 1, 1), groups: 4), "depthwise"),
            (new Conv2dGeometry(6, 4, 4, 20, Window2d.Square(1)), "pointwise"),
        })
        {
            float[] x = Reference.RandomFloats(rng, 4 * g.InputSize), weight = Reference.RandomFloats(rng, g.WeightSize);
            float[] bias = Reference.RandomFloats(rng, g.OutChannels);
            var layer = new Conv2dWeights(g, weight, bias);
            var y = new float[4 * g.OutputSize];
            Conv2d.ForwardBatch(layer, x, y, 4);
            for (int i = 0; i < 4; i++)
            {
                float[] xi = x[(i * g.InputSize)..((i + 1) * g.InputSize)];
                var direct = new float[g.OutputSize];
                Conv2d.Forward(g, xi, weight, bias, direct, new float[g.ScratchSize]);
                Assert.Equal(direct, y[(i * g.OutputSize)..((i + 1) * g.OutputSize)]);
                double[] expected = Reference.Conv2d(xi, g.InChannels, g.Height, g.Width, weight, bias, g.OutChannels, g.Window, g.Groups);
                Reference.AssertClose(expected, direct, 1e-5, $"{label} image {i}");
            }
        }
    }

    /// <summary>Draws a window that fits an h×w input (strides, pads and dilations up to 2 or 3), or null.</summary>
    private static Window2d? FittingWindow(Random rng, int h, int w)
    {
        var win = new Window2d(
            rng.Next(1, 5), rng.Next(1, 5), rng.Next(1, 4), rng.Next(1, 4),
            rng.Next(0, 3), rng.Next(0, 3), rng.Next(0, 3), rng.Next(0, 3),
            rng.Next(1, 3), rng.Next(1, 3));
        try
        {
            win.OutputSize(h, w, "probe");
            return win;
        }
        catch (InvalidModelException)
        {
            return null;
        }
    }

    /// <summary>
    /// ForwardBatch with images side by side in one GEMM (blocks of 1 to count images, so also a short last block)
    /// gives each image exactly the bits of its own convolution, on random geometries with groups, strides, padding
    /// and dilation, on real-valued and on 0/1 (spike) inputs.
    /// </summary>
    [Fact]
    public void BatchedConvolutionGivesEachImageTheBitsOfItsOwnConvolution()
    {
        var rng = new Random(4321);
        int done = 0, batched = 0;
        while (done < 120)
        {
            int groups = rng.Next(1, 4);
            int c = groups * rng.Next(1, 4), o = groups * rng.Next(1, 4);
            int h = rng.Next(1, 10), w = rng.Next(1, 10);
            if (FittingWindow(rng, h, w) is not { } win) continue;
            var g = new Conv2dGeometry(c, h, w, o, win, groups);
            int count = rng.Next(1, 9), perBlock = rng.Next(1, count + 1);
            float[] x = rng.Next(2) == 0
                ? Reference.RandomFloats(rng, count * g.InputSize)
                : Enumerable.Range(0, count * g.InputSize).Select(_ => rng.Next(3) == 0 ? 1f : 0f).ToArray();
            var layer = new Conv2dWeights(g, Reference.RandomFloats(rng, g.WeightSize),
                rng.Next(2) == 1 ? Reference.RandomFloats(rng, o) : null);
            var y = new float[count * g.OutputSize];
            Array.Fill(y, float.NaN); // every output must be written
            Conv2d.ForwardBatch(layer, x, y, count, perBlock);
            if (perBlock > 1 && !g.IsDepthwise && !g.IsPointwise) batched++;
            float[] scratch = Reference.RandomFloats(rng, g.ScratchSize);
            for (int i = 0; i < count; i++)
            {
                var direct = new float[g.OutputSize];
                Conv2d.Forward(layer, x.AsSpan(i * g.InputSize, g.InputSize), direct, scratch);
                Assert.Equal(direct, y[(i * g.OutputSize)..((i + 1) * g.OutputSize)]);
            }
            done++;
        }
        Assert.True(batched >= 50, $"only {batched} draws put several images in one GEMM");
    }

    [Fact]
    public void BatchBlocksFillPanelsWithinTheBudget()
    {
        Assert.Equal(1, Conv2d.BatchBlock(new Conv2dGeometry(32, 28, 28, 32, Window2d.Square(3, 1, 1)), 32)); // 784 columns already
        Assert.Equal(2, Conv2d.BatchBlock(new Conv2dGeometry(32, 14, 14, 64, Window2d.Square(3, 1, 1)), 32));
        Assert.Equal(32, Conv2d.BatchBlock(new Conv2dGeometry(8, 4, 4, 8, Window2d.Square(3, 1, 1)), 32)); // 512 columns of 16-pixel planes
        Assert.Equal(5, Conv2d.BatchBlock(new Conv2dGeometry(8, 4, 4, 8, Window2d.Square(3, 1, 1)), 5));
        Assert.Equal(1, Conv2d.BatchBlock(new Conv2dGeometry(8, 4, 4, 16, Window2d.Square(3, 1, 1), groups: 8), 32)); // depthwise
        // 5400·16 floats per image: the budget binds
        Assert.Equal(3, Conv2d.BatchBlock(new Conv2dGeometry(600, 4, 4, 8, Window2d.Square(3, 1, 1)), 32));
    }

    [Fact]
    public void BatchedConvolutionCrossingGemmBlocks()
    {
        // K = 32·9 = 288 > KC; 12 images of 14·14 side by side: N = 2352 > NC, not a multiple of NR.
        var rng = new Random(12);
        var g = new Conv2dGeometry(32, 14, 14, 64, Window2d.Square(3, 1, 1));
        var layer = new Conv2dWeights(g, Reference.RandomFloats(rng, g.WeightSize), Reference.RandomFloats(rng, 64));
        float[] x = Reference.RandomFloats(rng, 12 * g.InputSize);
        var y = new float[12 * g.OutputSize];
        Conv2d.ForwardBatch(layer, x, y, 12, block: 12);
        var direct = new float[g.OutputSize];
        for (int i = 0; i < 12; i++)
        {
            Conv2d.Forward(layer, x.AsSpan(i * g.InputSize, g.InputSize), direct, new float[g.ScratchSize]);
            Assert.Equal(direct, y[(i * g.OutputSize)..((i + 1) * g.OutputSize)]);
        }
    }

    [Fact]
    public void RejectsMismatchedBuffers()
    {
        var g = new Conv2dGeometry(2, 5, 5, 3, Window2d.Square(3));
        var ex = Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward(g, new float[49], new float[g.WeightSize], default, new float[g.OutputSize], new float[g.ScratchSize]));
        Assert.Contains("input has 49 elements, expected 50", ex.Message);
        Assert.Throws<ArgumentException>(() =>
            Conv2d.Forward(g, new float[50], new float[g.WeightSize], new float[2], new float[g.OutputSize], new float[g.ScratchSize]));
        Assert.Throws<ArgumentException>(() => new Conv2dGeometry(3, 5, 5, 4, Window2d.Square(3), groups: 2));
        Assert.Throws<ArgumentException>(() => new Conv2dWeights(g, new float[g.WeightSize - 1], null));
    }
}
