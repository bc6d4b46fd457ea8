using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Kernels;

public sealed class ConvTranspose2dTests
{
    [Fact]
    public void MatchesTheDirectScatterOnRandomGeometries()
    {
        var rng = new Random(4321);
        int done = 0;
        while (done < 200)
        {
            int groups = rng.Next(1, 4);
            int c = groups * rng.Next(1, 4), o = groups * rng.Next(1, 4);
            int h = rng.Next(1, 8), w = rng.Next(1, 8);
            int kh = rng.Next(1, 5), kw = rng.Next(1, 5), sh = rng.Next(1, 4), sw = rng.Next(1, 4);
            int dh = rng.Next(1, 3), dw = rng.Next(1, 3);
            var win = new Window2d(kh, kw, sh, sw, rng.Next(kh), rng.Next(kw), rng.Next(kh), rng.Next(kw), dh, dw);
            int oph = rng.Next(Math.Max(sh, dh)), opw = rng.Next(Math.Max(sw, dw));
            ConvTranspose2dGeometry g;
            try
            {
                g = new ConvTranspose2dGeometry(c, h, w, o, win, groups, oph, opw);
            }
            catch (InvalidModelException)
            {
                continue; // the pads crop the whole output: draw again
            }
            float[] x = Reference.RandomFloats(rng, g.InputSize);
            float[] weight = Reference.RandomFloats(rng, g.WeightSize);
            float[]? bias = rng.Next(2) == 1 ? Reference.RandomFloats(rng, o) : null;
            var layer = new ConvTranspose2dWeights(g, weight, bias);
            var y = new float[2 * g.OutputSize];
            y.AsSpan().Fill(float.NaN);
            float[] twice = [.. x, .. x];
            ConvTranspose2d.ForwardBatch(layer, twice, y, 2);
            double[] expected = Reference.ConvTranspose2d(x, c, h, w, weight, bias, o, win, groups, oph, opw);
            string context = $"C={c} H={h} W={w} O={o} {win} op={oph},{opw} g={groups}";
            double tolerance = 1e-5 * Math.Sqrt((c / groups * kh * kw) + 1);
            Reference.AssertClose(expected, y[..g.OutputSize], tolerance, context);
            Reference.AssertClose(expected, y[g.OutputSize..], tolerance, context + " (second image)");
            done++;
        }
    }

    [Fact]
    public void OutputSizeFollowsTheFormula()
    {
        // (5 − 1)·2 + 2·(3 − 1) + 1 + 1 − 1 − 2 = 11 rows; (4 − 1)·3 + 1·(2 − 1) + 1 + 0 − 0 − 0 = 11 columns.
        var g = new ConvTranspose2dGeometry(2, 5, 4, 6, new Window2d(3, 2, 2, 3, 1, 0, 2, 0, 2, 1), 2, 1, 0);
        Assert.Equal((11, 11), (g.OutHeight, g.OutWidth));
        Assert.Throws<InvalidModelException>(() => new ConvTranspose2dGeometry(1, 1, 1, 1, new Window2d(1, 1, 1, 1, 1, 0, 0, 0)));
        Assert.Throws<ArgumentException>(() => new ConvTranspose2dGeometry(3, 4, 4, 2, Window2d.Square(3), groups: 2));
    }
}
