using Ann2Snn.Tensors;
using PadKernel = Ann2Snn.Kernels.Pad;

namespace Ann2Snn.Tests.Kernels;

public sealed class PadTests
{
    [Fact]
    public void MatchesTheDefinitionForRandomShapesAmountsAndModes()
    {
        var rng = new Random(77);
        int done = 0;
        while (done < 400)
        {
            int rank = rng.Next(1, 5);
            int[] dims = [.. Enumerable.Range(0, rank).Select(_ => rng.Next(1, 7))];
            int[] begin = [.. dims.Select(d => rng.Next(-Math.Min(d - 1, 2), 5))];
            int[] end = [.. dims.Select((d, a) => rng.Next(-Math.Min(d - 1 - Math.Max(0, -begin[a]), 2), 5))];
            var mode = (PadMode)rng.Next(4);
            float value = (float)rng.NextDouble();
            float[] x = Reference.RandomFloats(rng, dims.Aggregate(1, (a, b) => a * b));
            var plan = new PadKernel(dims, begin, end, mode);
            var y = new float[plan.OutputSize];
            y.AsSpan().Fill(float.NaN);
            plan.Apply(x, y, value);
            float[] expected = Expected(x, dims, begin, end, mode, value);
            Assert.True(expected.AsSpan().SequenceEqual(y),
                $"{mode} dims [{string.Join(", ", dims)}] begin ({string.Join(", ", begin)}) end ({string.Join(", ", end)})");
            done++;
        }
    }

    [Theory]
    [InlineData(PadMode.Constant, new[] { 9f, 9, 9, 1, 2, 3, 9, 9 })]
    [InlineData(PadMode.Reflect, new[] { 2f, 3, 2, 1, 2, 3, 2, 1 })]
    [InlineData(PadMode.Edge, new[] { 1f, 1, 1, 1, 2, 3, 3, 3 })]
    [InlineData(PadMode.Wrap, new[] { 1f, 2, 3, 1, 2, 3, 1, 2 })]
    public void PadsWiderThanTheInputFollowNumPy(PadMode mode, float[] expected)
    {
        // np.pad([1, 2, 3], (3, 2), mode) for reflect, edge and wrap; constant 9.
        var plan = new PadKernel([3], [3], [2], mode);
        var y = new float[8];
        plan.Apply([1, 2, 3], y, 9);
        Assert.Equal(expected, y);
    }

    [Fact]
    public void NegativeAmountsCropFirst()
    {
        // Crop one from the start of [1, 2, 3, 4], then reflect two at the end of [2, 3, 4]: [2, 3, 4, 3, 2].
        var y = new float[5];
        new PadKernel([4], [-1], [2], PadMode.Reflect).Apply([1, 2, 3, 4], y, 0);
        Assert.Equal([2f, 3, 4, 3, 2], y);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new PadKernel([3], [-2], [-1], PadMode.Constant));
        Assert.Throws<ArgumentException>(() => new PadKernel([3, 2], [1], [1], PadMode.Edge));
        Assert.Throws<ArgumentException>(() => new PadKernel([3], [1], [1], PadMode.Edge).Apply(new float[3], new float[4], 0));
    }

    /// <summary>
    /// np.pad as NumPy defines it, one axis at a time: crop, then for each output index walk back into the input by
    /// repeated mirroring (reflect), clamping (edge) or shifting by the size (wrap).
    /// </summary>
    private static float[] Expected(float[] x, int[] dims, int[] begin, int[] end, PadMode mode, float value)
    {
        int rank = dims.Length;
        int[] outDims = [.. dims.Select((d, a) => d + begin[a] + end[a])];
        var y = new float[outDims.Aggregate(1, (a, b) => a * b)];
        var o = new int[rank];
        for (int flat = 0; flat < y.Length; flat++)
        {
            for (int a = rank - 1, rest = flat; a >= 0; a--)
            {
                o[a] = rest % outDims[a];
                rest /= outDims[a];
            }
            int source = 0;
            bool constant = false;
            for (int a = 0; a < rank; a++)
            {
                int start = Math.Max(0, -begin[a]), kept = dims[a] - start - Math.Max(0, -end[a]);
                int i = o[a] - Math.Max(0, begin[a]);
                while (i < 0 || i >= kept)
                {
                    if (mode == PadMode.Constant)
                    {
                        constant = true;
                        break;
                    }
                    i = mode switch
                    {
                        PadMode.Edge => Math.Clamp(i, 0, kept - 1),
                        PadMode.Wrap => i < 0 ? i + kept : i - kept,
                        _ when kept == 1 => 0,
                        _ => i < 0 ? -i : 2 * (kept - 1) - i,
                    };
                }
                source = source * dims[a] + start + i;
            }
            y[flat] = constant ? value : x[source];
        }
        return y;
    }
}
