using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Kernels;

public sealed class Pool2dTests
{
    private static readonly float[] OneToNine = [1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Theory]
    // 3×3 image 1..9, 2×2 windows, stride 2, ceil mode: the edge windows are clipped to the image.
    [InlineData(0, false, new float[] { 3, 4.5f, 7.5f, 9 })]
    [InlineData(0, true, new float[] { 3, 4.5f, 7.5f, 9 })]
    // Same with one cell of padding all round (floor and ceil agree here): padding counts in the divisor or not.
    [InlineData(1, true, new float[] { 0.25f, 1.25f, 2.75f, 7 })]
    [InlineData(1, false, new float[] { 1, 2.5f, 5.5f, 7 })]
    public void AverageHandComputed(int pad, bool countIncludePad, float[] expected)
    {
        var win = new Window2d(2, 2, 2, 2, pad, pad, pad, pad, CeilMode: true);
        var y = new float[4];
        Pool2d.Average(OneToNine, 1, 3, 3, win, countIncludePad, y);
        Assert.Equal(expected, y);
    }

    [Fact]
    public void MaxHandComputed()
    {
        var y = new float[4];
        Pool2d.Max(OneToNine, 1, 3, 3, new Window2d(2, 2, 2, 2, 0, 0, 0, 0, CeilMode: true), y);
        Assert.Equal([5f, 6, 8, 9], y);
        // Padding is −∞, never a 0 that would beat negative values.
        float[] negative = OneToNine.Select(v => -v).ToArray();
        Pool2d.Max(negative, 1, 3, 3, new Window2d(2, 2, 2, 2, 1, 1, 1, 1), y);
        Assert.Equal([-1f, -2, -4, -5], y);
    }

    [Fact]
    public void MatchesPaddedPlaneReferenceOnRandomWindows()
    {
        var rng = new Random(77);
        int done = 0;
        while (done < 200)
        {
            int c = rng.Next(1, 4), h = rng.Next(1, 9), w = rng.Next(1, 9);
            int kh = rng.Next(1, 4), kw = rng.Next(1, 4);
            var win = new Window2d(kh, kw, rng.Next(1, 4), rng.Next(1, 4),
                rng.Next(0, kh), rng.Next(0, kw), rng.Next(0, kh), rng.Next(0, kw),
                rng.Next(1, 3), rng.Next(1, 3), rng.Next(2) == 1);
            (int oh, int ow) size;
            try
            {
                size = win.OutputSize(h, w, "probe");
            }
            catch (InvalidModelException)
            {
                continue;
            }
            float[] x = Reference.RandomFloats(rng, c * h * w);
            var y = new float[c * size.oh * size.ow];
            string context = $"{c}×{h}×{w} {win}";
            Pool2d.Max(x, c, h, w, win, y);
            Reference.AssertClose(Reference.Pool(x, c, h, w, win, max: true, countIncludePad: false), y, 0, "max " + context);
            foreach (bool include in new[] { false, true })
            {
                Pool2d.Average(x, c, h, w, win, include, y);
                Reference.AssertClose(Reference.Pool(x, c, h, w, win, max: false, include), y, 1e-6, $"avg incl={include} " + context);
            }
            done++;
        }
    }

    [Theory]
    [InlineData(28, 28, false)]
    [InlineData(37, 35, false)]
    [InlineData(37, 35, true)]
    [InlineData(2, 50, true)]
    [InlineData(33, 3, true)]
    public void TwoByTwoStrideTwoFastPathMatchesReference(int h, int w, bool ceil)
    {
        var rng = new Random(h * 100 + w);
        var win = new Window2d(2, 2, 2, 2, 0, 0, 0, 0, CeilMode: ceil);
        var (oh, ow) = win.OutputSize(h, w, "probe");
        float[] x = Reference.RandomFloats(rng, 3 * h * w);
        var y = new float[3 * oh * ow];
        Pool2d.Max(x, 3, h, w, win, y);
        Reference.AssertClose(Reference.Pool(x, 3, h, w, win, max: true, countIncludePad: false), y, 0, $"max {h}×{w}");
        foreach (bool include in new[] { false, true })
        {
            Pool2d.Average(x, 3, h, w, win, include, y);
            Reference.AssertClose(Reference.Pool(x, 3, h, w, win, max: false, include), y, 1e-6, $"avg {h}×{w} incl={include}");
        }
    }

    [Fact]
    public void MaxPropagatesNaN()
    {
        float[] x = Enumerable.Range(0, 64).Select(i => (float)i).ToArray();
        x[5] = float.NaN;
        var y = new float[16];
        Pool2d.Max(x, 1, 4, 16, Window2d.Square(2, 2), y);
        Assert.True(float.IsNaN(y[2]));
        Assert.Equal(16 + 1, y[0]);
        Assert.Equal(16 + 15, y[7]);
        Assert.Equal(48 + 15, y[15]);
    }

    [Fact]
    public void GlobalAverageIsThePlaneMean()
    {
        var y = new float[2];
        Pool2d.GlobalAverage([1, 2, 3, 4, 10, 20, 30, 40], 2, 4, y);
        Assert.Equal([2.5f, 25f], y);
        Assert.Throws<ArgumentException>(() => Pool2d.GlobalAverage(new float[7], 2, 4, y));
    }
}
