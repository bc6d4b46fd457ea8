using Ann2Snn.Kernels;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Kernels;

public sealed class SpikeScatterTests
{
    public static TheoryData<int> Lengths => [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void CollectSignedListsThePositivesAndNegativesInOrder(int n)
    {
        var rng = new Random(1000 + n);
        float[] spikes = Enumerable.Range(0, n)
            .Select(_ => rng.Next(7) switch { 0 => 1f, 1 => -1f, 2 => 0.5f, 3 => float.NaN, 4 => -0f, _ => 0f }).ToArray();
        var up = new int[n];
        var down = new int[n];
        var (nUp, nDown) = SpikeScatter.CollectSigned(spikes, up, down);
        Assert.Equal(Enumerable.Range(0, n).Where(i => spikes[i] > 0f), up[..nUp]);
        Assert.Equal(Enumerable.Range(0, n).Where(i => spikes[i] < 0f), down[..nDown]);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void CollectActiveListsTheNonZerosInOrder(int n)
    {
        var rng = new Random(n);
        var spikes = new float[n];
        for (int i = 0; i < n; i++) spikes[i] = rng.Next(4) switch { 0 => 1f, 1 => -0f, 2 => 0f, _ => rng.Next(3) == 0 ? float.NaN : 0.5f };
        var indices = new int[n];
        int count = SpikeScatter.CollectActive(spikes, indices);
        int[] expected = Enumerable.Range(0, n).Where(i => spikes[i] != 0f).ToArray();
        Assert.Equal(expected, indices[..count]);
    }

    /// <summary>Values whose sums are exact, so any order gives the same bits.</summary>
    private static float[] Eighths(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (rng.Next(17) - 8) / 8f).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    public void AddRowsAddsEachActiveRowInListOrder(int width)
    {
        var rng = new Random(width);
        const int rows = 11;
        float[] table = Reference.RandomFloats(rng, rows * width);
        for (int active = 0; active <= 9; active++)
        {
            int[] list = Enumerable.Range(0, active).Select(_ => rng.Next(rows)).ToArray();
            float[] target = Reference.RandomFloats(rng, width);
            float[] expected = (float[])target.Clone();
            foreach (int r in list)
            {
                for (int i = 0; i < width; i++) expected[i] += table[r * width + i];
            }
            SpikeScatter.AddRows(table, list, target);
            Assert.Equal(expected, target); // the same additions in the same order: the same bits
        }
    }

    [Fact]
    public void AddSparseAddsEachEntryOfTheActiveRows()
    {
        var rng = new Random(3);
        int[] offsets = [0, 2, 2, 5];
        int[] columns = [1, 4, 0, 2, 4];
        float[] weights = Eighths(rng, 5);
        float[] target = Eighths(rng, 6), expected = (float[])target.Clone();
        int[] active = [2, 0, 1, 2];
        foreach (int r in active)
        {
            for (int e = offsets[r]; e < offsets[r + 1]; e++) expected[columns[e]] += weights[e];
        }
        SpikeScatter.AddSparse(offsets, columns, weights, active, target);
        Assert.Equal(expected, target);
    }

    [Fact]
    public void ActiveIndexOutsideTheTableIsRefused()
    {
        var target = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => SpikeScatter.AddRows(new float[8], [2], target));
        Assert.Throws<ArgumentOutOfRangeException>(() => SpikeScatter.AddSparse([0, 1], [0], [1f], [-1], target));
        var conv = new ConvScatter(new Shape(1, 3, 3), false, 1, Window2d.Square(3, 1, 1), 1, new float[9], 1f, (9, 3, 1, 0, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => conv.Scatter([9], new float[9]));
        Assert.Throws<ArgumentException>(() => conv.Scatter([0], new float[8]));
    }

    public static TheoryData<int, int, int, int, int, Window2d> ConvCases => new()
    {
        { 3, 7, 6, 5, 1, Window2d.Square(3, 1, 1) },
        { 4, 9, 9, 6, 1, new Window2d(3, 3, 2, 2, 1, 1, 0, 0) },           // strided, asymmetric pads
        { 2, 8, 7, 4, 1, new Window2d(3, 2, 1, 2, 2, 1, 2, 0, 2, 3) },     // dilated, rectangular
        { 6, 6, 6, 6, 6, new Window2d(3, 3, 1, 1, 2, 2, 2, 2, 2, 2) },     // depthwise, dilated
        { 3, 5, 5, 6, 3, Window2d.Square(3, 2, 1) },                       // depthwise with channel multiplier 2
        { 4, 6, 5, 6, 2, Window2d.Square(1) },                             // grouped 1×1
        { 17, 4, 4, 33, 1, Window2d.Square(2, 1, 0) },                     // vector tails over output channels
        { 5, 9, 8, 16, 1, new Window2d(5, 3, 1, 1, 2, 1, 2, 1) },          // row runs clipped at both borders
        { 3, 3, 2, 8, 1, Window2d.Square(5, 1, 2) },                       // kernel wider than the input
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void ConvScatterMatchesTheConvolutionOfTheSpikes(int c, int h, int w, int o, int groups, Window2d window)
    {
        var rng = new Random(c * 100 + o);
        var input = new Shape(c, h, w);
        var (oh, ow) = window.OutputSize(h, w, "test");
        var output = new Shape(o, oh, ow);
        var weight = new FloatTensor([o, c / groups, window.KernelH, window.KernelW],
            Eighths(rng, o * (c / groups) * window.KernelH * window.KernelW));
        var op = new ConvOp(input, weight, window, groups, output);
        float[] spikes = Enumerable.Range(0, input.Size).Select(_ => rng.Next(3) == 0 ? 1f : 0f).ToArray();
        float[] expected = SynapticOpReference.Apply(op, spikes);
        const float gain = 2f;

        foreach (bool inputChannelsLast in new[] { false, true })
        {
            // Active indices in the input's layout.
            int[] active = Enumerable.Range(0, input.Size).Where(i => spikes[i] != 0f)
                .Select(i => inputChannelsLast ? ChannelsLast(input, i) : i).ToArray();
            // The output fills the target, or sits at channel offset 2 of a wider (o + 3)-channel target, as in a
            // concatenation (a filled channels-last target takes the row-run path when stride and dilation along x are 1).
            foreach (var (targetChannelsLast, offset, extra) in new[] { (false, 0, 0), (true, 0, 0), (false, 2, 3), (true, 2, 3) })
            {
                var wide = new Shape(o + extra, oh, ow);
                var strides = targetChannelsLast ? (1, ow * wide.Channels, wide.Channels) : (oh * ow, ow, 1);
                var scatter = new ConvScatter(input, inputChannelsLast, o, window, groups, weight.Data, gain,
                    (strides.Item1, strides.Item2, strides.Item3, offset, wide.Size));
                var target = new float[wide.Size];
                scatter.Scatter(active, target);
                var want = new float[wide.Size];
                for (int i = 0; i < output.Size; i++)
                {
                    int ch = i / (oh * ow), y = i / ow % oh, x = i % ow;
                    want[(ch + offset) * strides.Item1 + y * strides.Item2 + x * strides.Item3] = gain * expected[i];
                }
                Assert.Equal(want, target);
            }
        }
    }

    private static int ChannelsLast(Shape s, int canonical)
    {
        int ch = canonical / (s.Height * s.Width), y = canonical / s.Width % s.Height, x = canonical % s.Width;
        return (y * s.Width + x) * s.Channels + ch;
    }

    [Fact]
    public void WindowAtInvertsTheTapPosition()
    {
        // Along one axis: outputs o ∈ [0, 5), stride 2, pad 1, dilation 2, kernel 3.
        for (int pos = 0; pos < 9; pos++)
        {
            for (int k = 0; k < 3; k++)
            {
                int o = SpikeScatter.WindowAt(pos, k, 2, 1, 2, 5);
                int[] expected = Enumerable.Range(0, 5).Where(q => q * 2 - 1 + k * 2 == pos).ToArray();
                Assert.Equal(expected, o < 0 ? [] : [o]);
            }
        }
    }
}
