using Ann2Snn.Conversion;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Nir;

namespace Ann2Snn.Tests.Snn;

/// <summary>k-bit weights: integers within ±(2^(k−1) − 1) per layer with the membrane rescaled, or per-channel dequantized, each
/// within half a step of the float weight; the network's behaviour tends to the float network's as k grows.</summary>
public sealed class WeightQuantizationTests
{
    private static IEnumerable<(SynapticOp Op, float[] W)> Weighted(SpikingNetwork net) =>
        net.Layers.SelectMany(SpikingNetwork.ProjectionsOf).SelectMany(p => p.Ops)
            .Select(op => (op, op switch { DenseOp d => d.Weight.Data, ConvOp c => c.Weight.Data, _ => null }))
            .Where(x => x.Item2 is not null).Select(x => (x.op, x.Item2!));

    public static TheoryData<int, int> Cases => new() { { 2, 1 }, { 4, 2 }, { 6, 3 }, { 8, 4 }, { 16, 5 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PerLayerGivesBoundedIntegersAndRescalesTheMembrane(int bits, int seed)
    {
        SpikingNetwork net = NirRoundTripTests.RandomNetwork(seed);
        SpikingNetwork q = WeightQuantization.Quantize(net, bits);
        float levels = (1 << (bits - 1)) - 1;
        Assert.All(Weighted(q), x => Assert.All(x.W, w => Assert.True(w == MathF.Round(w) && Math.Abs(w) <= levels, $"{w}")));
        Assert.Equal(bits.ToString(System.Globalization.CultureInfo.InvariantCulture), q.Metadata[WeightQuantization.BitsKey]);
        for (int i = 0; i < net.Layers.Count; i++)
        {
            if (net.Layers[i] is not NeuronLayer n) continue;
            var m = (NeuronLayer)q.Layers[i];
            // s = max|w| / levels over the layer's weights; θ' = θ/s and bias' = bias/s; w' = round(w/s) within ½ of w/s.
            float max = SpikingNetwork.ProjectionsOf(n).SelectMany(p => p.Ops).OfType<DenseOp>().SelectMany(d => d.Weight.Data)
                .Concat(SpikingNetwork.ProjectionsOf(n).SelectMany(p => p.Ops).OfType<ConvOp>().SelectMany(c => c.Weight.Data))
                .Max(Math.Abs);
            float s = max / levels;
            Assert.Equal(n.Neuron.VThreshold / s, m.Neuron.VThreshold, 5);
            for (int b = 0; b < n.Bias.Length; b++) Assert.Equal(n.Bias[b] / s, m.Bias[b], 4);
            var before = SpikingNetwork.ProjectionsOf(n).SelectMany(p => p.Ops).OfType<DenseOp>().SelectMany(d => d.Weight.Data).ToArray();
            var after = SpikingNetwork.ProjectionsOf(m).SelectMany(p => p.Ops).OfType<DenseOp>().SelectMany(d => d.Weight.Data).ToArray();
            for (int j = 0; j < before.Length; j++) Assert.True(Math.Abs(before[j] / s - after[j]) <= 0.5f + 1e-4f);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PerChannelKeepsUnitsAndStaysWithinHalfAStepPerChannel(int bits, int seed)
    {
        SpikingNetwork net = NirRoundTripTests.RandomNetwork(seed);
        SpikingNetwork q = WeightQuantization.Quantize(net, bits, WeightScale.PerChannel);
        float levels = (1 << (bits - 1)) - 1;
        foreach (var ((op, w), (_, wq)) in Weighted(net).Zip(Weighted(q)))
        {
            int rows = op switch { DenseOp d => d.Weight.Shape[0], ConvOp c => c.Weight.Shape[0], _ => 1 }, per = w.Length / rows;
            for (int o = 0; o < rows; o++)
            {
                float s = w.AsSpan(o * per, per).ToArray().Max(Math.Abs) / levels;
                for (int i = 0; i < per; i++)
                {
                    float x = w[o * per + i], y = wq[o * per + i];
                    Assert.True(Math.Abs(x - y) <= s / 2 * 1.0001f + 1e-7f, $"{x} → {y} with step {s}");
                    if (s > 0) Assert.True(Math.Abs(MathF.Round(y / s) - y / s) <= 1e-3f * Math.Max(1f, Math.Abs(y / s)),
                        $"{y} is not a multiple of {s}");
                }
            }
        }
        for (int i = 0; i < net.Layers.Count; i++)
        {
            if (net.Layers[i] is NeuronLayer n) Assert.Equal(n.Neuron, ((NeuronLayer)q.Layers[i]).Neuron);
        }
    }

    [Fact]
    public void TokenDenseWeightsAreQuantizedLikeDenseOnes()
    {
        SpikingNetwork net = SnnFileTests.Tokens();
        TokenDenseOp[] before = [.. net.Layers.SelectMany(SpikingNetwork.ProjectionsOf).SelectMany(p => p.Ops).OfType<TokenDenseOp>()];
        SpikingNetwork q = WeightQuantization.Quantize(net, 4);
        TokenDenseOp[] after = [.. q.Layers.SelectMany(SpikingNetwork.ProjectionsOf).SelectMany(p => p.Ops).OfType<TokenDenseOp>()];
        Assert.Equal(before.Length, after.Length);
        for (int k = 0; k < after.Length; k++)
        {
            Assert.Equal(before[k].InputShape, after[k].InputShape);
            Assert.Equal(before[k].Weight.Shape, after[k].Weight.Shape);
            Assert.All(after[k].Weight.Data, w => Assert.True(w == MathF.Round(w) && Math.Abs(w) <= 7, $"{w}"));
            Assert.Contains(after[k].Weight.Data, w => Math.Abs(w) == 7); // the largest weight of its layer sets the step
        }
    }

    [Fact]
    public void SixteenBitsSimulateLikeFloatAndTwoBitsDoNot()
    {
        // 2^15 levels leave the spikes of the float network (up to rare ties); 2 bits (−1, 0, 1) change them.
        SpikingNetwork net = SnnFileTests.Converted("cnn");
        const int count = 6;
        float[] x = TestUtil.TestGraphs.Inputs(new Random(4), count, net.InputShape.Size);
        long[] Spikes(SpikingNetwork n) => NirRoundTripTests.Simulate("dense", n, x, count, 40).LayerSpikes;
        long[] f = Spikes(net), q16 = Spikes(WeightQuantization.Quantize(net, 16)), q2 = Spikes(WeightQuantization.Quantize(net, 2));
        for (int l = 0; l < f.Length; l++) Assert.InRange(q16[l], f[l] * 0.99 - 2, f[l] * 1.01 + 2);
        Assert.NotEqual(f, q2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(0)]
    [InlineData(-3)]
    public void BitsOutsideTwoToSixteenAreRefusedNamingTheOption(int bits)
    {
        var e = Assert.Throws<InvalidOptionException>(() => WeightQuantization.Quantize(NirRoundTripTests.RandomNetwork(1), bits));
        Assert.Contains("weight-bits", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOptionException>(() => new ConversionOptions { WeightBits = bits }.Validate());
    }
}
