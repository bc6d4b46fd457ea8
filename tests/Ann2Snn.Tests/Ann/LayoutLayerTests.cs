using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.Kernels;

namespace Ann2Snn.Tests.Ann;

/// <summary>The executor's Transpose, ConvTranspose and 1-D layers against references, on batches split into chunks.</summary>
public sealed class LayoutLayerTests
{
    private static float[] Run(ModelGraph graph, float[] x, int batch) =>
        new AnnExecutor(graph, new AnnExecutorOptions { MaxDegreeOfParallelism = 2, BatchChunk = 2 }).Forward(x, batch);

    [Fact]
    public void Transpose_matches_the_reference_permutation_for_random_permutations_and_shapes()
    {
        var rng = new Random(31);
        for (int trial = 0; trial < 100; trial++)
        {
            int rank = rng.Next(1, 5);
            int[] dims = [.. Enumerable.Range(0, rank).Select(_ => rng.Next(1, 7))];
            int size = dims.Aggregate(1, (a, b) => a * b), batch = rng.Next(1, 6);
            float[] x = Reference.RandomFloats(rng, batch * size);
            var expected = new List<float>();
            int[]? perm = null;
            for (int b = 0; b < batch; b++)
            {
                // The same permutation for every sample: reseed the reference's draw.
                var (p, _, y) = Reference.Transposed(new Random(trial), x[(b * size)..((b + 1) * size)], dims);
                perm = p;
                expected.AddRange(y);
            }
            var input = new InputNode("x", new Shape(dims));
            var graph = new ModelGraph(input, new TransposeNode("t", input, perm!));
            Assert.Equal([.. expected], Run(graph, x, batch));
        }
    }

    [Fact]
    public void ConvTranspose_matches_the_float64_reference_on_random_sizes()
    {
        var rng = new Random(17);
        int done = 0;
        while (done < 40)
        {
            int groups = rng.Next(1, 3), c = groups * rng.Next(1, 4), o = groups * rng.Next(1, 4);
            int h = rng.Next(1, 6), w = rng.Next(1, 6), k = rng.Next(1, 4), s = rng.Next(1, 4);
            bool sequence = rng.Next(3) == 0;
            var window = sequence
                ? new Window2d(1, k, 1, s, 0, rng.Next(k), 0, rng.Next(k), 1, rng.Next(1, 3))
                : new Window2d(k, k, s, s, rng.Next(k), rng.Next(k), rng.Next(k), rng.Next(k), rng.Next(1, 3), 1);
            int outputPadding = rng.Next(s);
            var input = new InputNode("x", sequence ? new Shape(c, w) : new Shape(c, h, w));
            float[] weight = Reference.RandomFloats(rng, c * (o / groups) * window.KernelH * window.KernelW);
            float[] bias = Reference.RandomFloats(rng, o);
            ConvTranspose2dNode node;
            try
            {
                node = new ConvTranspose2dNode("up", input, new FloatTensor([c, o / groups, window.KernelH, window.KernelW], weight), bias,
                    window, groups, sequence ? 0 : outputPadding, outputPadding);
            }
            catch (InvalidModelException)
            {
                continue; // the pads crop the whole output: draw again
            }
            int batch = rng.Next(1, 5), inSize = input.OutputShape.Size, outSize = node.OutputShape.Size;
            float[] x = Reference.RandomFloats(rng, batch * inSize);
            float[] y = Run(new ModelGraph(input, node), x, batch);
            for (int b = 0; b < batch; b++)
            {
                double[] expected = Reference.ConvTranspose2d(x[(b * inSize)..((b + 1) * inSize)], c, input.OutputShape.Height,
                    input.OutputShape.Width, weight, bias, o, window, groups, node.OutputPaddingH, node.OutputPaddingW);
                double tolerance = 1e-5 * Math.Sqrt((c * k * k) + 1);
                Reference.AssertClose(expected, y[(b * outSize)..((b + 1) * outSize)], tolerance, node.Describe());
            }
            done++;
        }
    }

    [Fact]
    public void Conv_and_pooling_on_sequences_match_the_float64_reference()
    {
        var rng = new Random(23);
        for (int trial = 0; trial < 40; trial++)
        {
            int c = rng.Next(1, 5), length = rng.Next(3, 20), o = rng.Next(1, 5);
            int k = rng.Next(1, 4), s = rng.Next(1, 3), d = rng.Next(1, 3);
            var window = new Window2d(1, k, 1, s, 0, rng.Next(k), 0, rng.Next(k), 1, d);
            var input = new InputNode("x", new Shape(c, length));
            float[] weight = Reference.RandomFloats(rng, o * c * k);
            var conv = new Conv2dNode("conv", input, new FloatTensor([o, c, 1, k], weight), null, window);
            var pool = new Pool2dNode("pool", conv, PoolKind.Max, new Window2d(1, 2, 1, 2, 0, 0, 0, 0, CeilMode: true));
            var gap = new GlobalAvgPoolNode("gap", pool);
            Assert.Equal(2, conv.OutputShape.Rank);
            Assert.Equal(new Shape(o, 1), gap.OutputShape);
            float[] x = Reference.RandomFloats(rng, 2 * c * length);
            AnnActivations all = new AnnExecutor(new ModelGraph(input, gap)).ForwardAll(x, 2);
            double tolerance = 1e-5 * Math.Sqrt((c * k) + 1);
            for (int b = 0; b < 2; b++)
            {
                double[] y = Reference.Conv2d(x[(b * c * length)..((b + 1) * c * length)], c, 1, length, weight, null, o, window, 1);
                int ol = conv.OutputShape.Width, pl = pool.OutputShape.Width;
                Reference.AssertClose(y, all.Of(conv)[(b * o * ol)..((b + 1) * o * ol)], tolerance, $"trial {trial} conv");
                double[] pooled = Reference.Pool([.. y.Select(v => (float)v)], o, 1, ol, pool.Window, max: true, countIncludePad: false);
                Reference.AssertClose(pooled, all.Of(pool)[(b * o * pl)..((b + 1) * o * pl)], tolerance, $"trial {trial} pool");
                double[] mean = [.. Enumerable.Range(0, o).Select(ch => pooled.Skip(ch * pl).Take(pl).Average())];
                Reference.AssertClose(mean, all.Of(gap)[(b * o)..((b + 1) * o)], tolerance, $"trial {trial} gap");
            }
        }
    }
}
