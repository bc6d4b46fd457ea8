using Ann2Snn.Graph;
using Ann2Snn.Kernels;

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
            var win = new Window2d(
                rng.Next(1, 5), rng.Next(1, 5), rng.Next(1, 4), rng.Next(1, 4),
                rng.Next(0, 3), rng.Next(0, 3), rng.Next(0, 3), rng.Next(0, 3),
                rng.Next(1, 3), rng.Next(1, 3));
            try
            {
                win.OutputSize(h, w, "probe");
            }
            catch (InvalidModelException)
            {
                continue; // the window does not fit: draw again
            }
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

    [Fact]
    public void RejectsMismatchedBuffers()
    {
        var g = new Conv2dGeometry(2, 5, 5, 3, Window2d.Square(3));
        var ex = Assert.Throws<ArgumentException>(() => Conv2d.Forward(g, new float[49], new float[g.WeightSize], default, new float[g.OutputSize], new float[g.ScratchSize]));
        Assert.Contains("input has 49 elements, expected 50", ex.Message);
        Assert.Throws<ArgumentException>(() => Conv2d.Forward(g, new float[50], new float[g.WeightSize], new float[2], new float[g.OutputSize], new float[g.ScratchSize]));
        Assert.Throws<ArgumentException>(() => new Conv2dGeometry(3, 5, 5, 4, Window2d.Square(3), groups: 2));
        Assert.Throws<ArgumentException>(() => new Conv2dWeights(g, new float[g.WeightSize - 1], null));
    }
}
