using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Bench;

/// <summary>
/// <c>--quick --layout</c>: the data-movement kernels, single thread, median of repetitions: NHWC ↔ NCHW transposes
/// (the tiled plan against a plain gather over the output), padding, and the transposed convolution in GFLOP/s.
/// </summary>
internal static class QuickLayout
{
    public static void Run(int reps, Func<int, Action, double> median)
    {
        Console.WriteLine("Layout kernels, single thread:");
        foreach (var (h, w, c) in new[] { (28, 28, 3), (56, 56, 64), (14, 14, 256) })
        {
            var rng = new Random(1);
            float[] x = [.. Enumerable.Range(0, h * w * c).Select(_ => (float)rng.NextDouble())], y = new float[x.Length];
            var toNchw = new Transpose([h, w, c], [2, 0, 1]);
            var toNhwc = new Transpose([c, h, w], [1, 2, 0]);
            double tiled = median(reps, () => toNchw.Apply(x, y));
            double back = median(reps, () => toNhwc.Apply(x, y));
            double gather = median(reps, () => NaiveToNchw(x, y, h * w, c));
            double gb = 2.0 * x.Length * sizeof(float) / 1e9;
            Console.WriteLine($"  NHWC→NCHW [{h},{w},{c}]: tiled {tiled * 1e6,8:F1} µs ({gb / tiled,5:F1} GB/s), NCHW→NHWC "
                + $"{back * 1e6,8:F1} µs, plain gather {gather * 1e6,8:F1} µs ({gather / tiled:F2}× the tiled time)");
        }
        {
            var rng = new Random(2);
            float[] x = [.. Enumerable.Range(0, 64 * 32 * 32).Select(_ => (float)rng.NextDouble())];
            var pad = new Pad([64, 32, 32], [0, 2, 2], [0, 2, 2], PadMode.Reflect);
            var y = new float[pad.OutputSize];
            double t = median(reps, () => pad.Apply(x, y, 0));
            Console.WriteLine($"  reflect pad [64,32,32] by 2: {t * 1e6,8:F1} µs ({(x.Length + y.Length) * 4.0 / 1e9 / t,5:F1} GB/s)");
        }
        foreach (var (c, h, o, k, s) in new[] { (64, 16, 32, 4, 2), (32, 32, 16, 3, 1), (128, 8, 64, 2, 2) })
        {
            var rng = new Random(3);
            var g = new ConvTranspose2dGeometry(c, h, h, o, new Window2d(k, k, s, s, 0, 0, 0, 0));
            float[] weight = [.. Enumerable.Range(0, g.WeightSize).Select(_ => (float)rng.NextDouble() - 0.5f)];
            float[] x = [.. Enumerable.Range(0, g.InputSize).Select(_ => (float)rng.NextDouble())], y = new float[g.OutputSize];
            var layer = new ConvTranspose2dWeights(g, weight, null);
            double t = median(reps, () => ConvTranspose2d.ForwardBatch(layer, x, y, 1));
            double flops = 2.0 * g.InputSize * o * k * k;
            Console.WriteLine($"  ConvTranspose [{c},{h},{h}]→[{o},{g.OutHeight},{g.OutWidth}] k{k} s{s}: {t * 1e6,8:F1} µs "
                + $"({flops / t / 1e9,5:F1} GFLOP/s)");
        }
    }

    /// <summary>y[c, p] = x[p, c], read in output order: every read strides through the input by C floats.</summary>
    private static void NaiveToNchw(float[] x, float[] y, int plane, int channels)
    {
        for (int c = 0; c < channels; c++)
        {
            for (int p = 0; p < plane; p++) y[c * plane + p] = x[p * channels + c];
        }
    }
}
