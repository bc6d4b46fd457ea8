using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary>Δt, V_th, V_rest, R and the rate fraction of a conversion: their domains, and what each changes in the network.</summary>
public sealed class NeuronParameterOptionTests
{
    private static SpikingNetwork Convert(ConversionOptions options)
    {
        ModelGraph prepared = Converter.Prepare(TestGraphs.SmallCnn(), out IReadOnlyList<string> applied);
        return Converter.Convert(prepared, null, options with { Normalization = NormalizationKind.Model }, applied).Network;
    }

    private static NeuronLayer[] Populations(SpikingNetwork n) => [.. n.Layers.OfType<NeuronLayer>()];

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.5f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void StepOutsideZeroToTauIsNamed(float dt)
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Dt = dt }.Validate());
        Assert.StartsWith("option 'dt':", e.Message);
    }

    [Fact]
    public void StepLongerThanTheMembraneTimeConstantIsNamed()
    {
        var e = Assert.Throws<InvalidOptionException>(() =>
            new ConversionOptions { Neuron = NeuronModels.Lif, TauMem = 0.5f, Dt = 0.75f }.Validate());
        Assert.StartsWith("option 'dt':", e.Message);
        new ConversionOptions { Neuron = NeuronModels.Lif, TauMem = 0.5f, Dt = 0.5f }.Validate();
    }

    [Theory]
    [InlineData(1f, 1f, "v-rest")]
    [InlineData(1f, 2f, "v-rest")]
    [InlineData(0f, 0f, "v-th")]
    [InlineData(-1f, -2f, "v-th")]
    [InlineData(float.PositiveInfinity, 0f, "v-th")]
    public void ThresholdAtOrBelowRestIsNamed(float vth, float vrest, string option)
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ConversionOptions { VThreshold = vth, VRest = vrest }.Validate());
        Assert.StartsWith($"option '{option}':", e.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void RateFractionOutsideZeroToOneIsNamed(float s)
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ConversionOptions { RateFraction = s }.Validate());
        Assert.StartsWith("option 'rate-fraction':", e.Message);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-2f)]
    [InlineData(float.PositiveInfinity)]
    public void NonPositiveResistanceIsNamed(float r)
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Neuron = NeuronModels.Lif, Resistance = r }.Validate());
        Assert.StartsWith("option 'resistance':", e.Message);
    }

    [Fact]
    public void ThresholdScalingRefusesAThreshold()
    {
        var e = Assert.Throws<InvalidOptionException>(() =>
            new ConversionOptions { Scaling = ScalingMode.Thresholds, VThreshold = 2f }.Validate());
        Assert.StartsWith("option 'v-th':", e.Message);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(0.1f)]
    public void IfStepChargesDeltaTTimesTheCurrent(float dt)
    {
        NeuronParameters p = new ConversionOptions { Dt = dt }.ConvertedNeuron(1f);
        Assert.Equal(dt, p.Dt);
        Assert.Equal(dt, p.InputGain);
    }

    [Theory]
    [InlineData(1f, 20f)]
    [InlineData(0.5f, 20f)]
    [InlineData(0.125f, 3f)]
    public void LifKeepsItsResistanceAcrossSteps(float dt, float tau)
    {
        var o = new ConversionOptions { Neuron = NeuronModels.Lif, TauMem = tau, Dt = dt };
        NeuronParameters p = o.ConvertedNeuron(1f);
        double r = 1 / (1 - Math.Exp(-1 / tau));
        Assert.Equal(r, p.Resistance, 4);
        // Closed form: R·(1 − e^(−Δt/τm)), 1 at Δt = 1.
        Assert.Equal(r * (1 - Math.Exp(-dt / tau)), p.InputGain, 3);
        if (dt == 1f) Assert.Equal(1, p.InputGain, 5);
    }

    [Fact]
    public void CurrentPerRateIsTheThresholdAboveRestOverTheGainRatio()
    {
        Assert.Equal(1f, new ConversionOptions().CurrentPerRate);
        Assert.Equal(3f, new ConversionOptions { VThreshold = 3f, VRest = -1f }.CurrentPerRate); // IF reads no V_rest
        float rAuto = 1f / (1f - MathF.Exp(-1f / 10f));
        var lif = new ConversionOptions { Neuron = NeuronModels.Lif, TauMem = 10f, VThreshold = 2f, VRest = -0.5f, Resistance = 2 * rAuto };
        Assert.Equal(2.5f / 2f, lif.CurrentPerRate, 4);
    }

    [Fact]
    public void StepIsStoredInEveryPopulationAndKeepsTheCharges()
    {
        // Currents (biases) stay; a spike stands for 1/Δt times the value (its charge, Δt times its current, stays).
        SpikingNetwork one = Convert(new ConversionOptions()), half = Convert(new ConversionOptions { Dt = 0.5f });
        Assert.All(Populations(half), l => Assert.Equal(0.5f, l.Neuron.Dt));
        Assert.Equal(Populations(one).Select(l => l.Neuron with { Dt = 0.5f }), Populations(half).Select(l => l.Neuron));
        Assert.Equal(Populations(one).Select(l => l.Bias), Populations(half).Select(l => l.Bias));
        // The synapses from a population, applied to a fixed spike vector: twice the current at Δt = 1/2.
        static float[] Synapses(SpikingNetwork n)
        {
            Projection p = n.Layers.OfType<NeuronLayer>().SelectMany(l => l.Projections).First(p => p.Source >= 0);
            float[] y = [.. Enumerable.Range(0, p.Ops[0].InputShape.Size).Select(i => (i % 3) * 0.5f)];
            foreach (SynapticOp op in p.Ops) y = SynapticOpReference.Apply(op, y);
            return y;
        }
        Assert.Equal(Synapses(one).Select(v => 2 * v), Synapses(half));
    }

    [Fact]
    public void ThresholdScalesTheCurrentsExactly()
    {
        // V_th = 4, a power of two: weights and biases ×4 exactly, the same spikes.
        SpikingNetwork one = Convert(new ConversionOptions()), four = Convert(new ConversionOptions { VThreshold = 4f });
        Assert.All(Populations(four), l => Assert.Equal(4f, l.Neuron.VThreshold));
        foreach (var (a, b) in Populations(one).Zip(Populations(four)))
        {
            Assert.Equal(a.Bias.Select(v => 4 * v), b.Bias);
        }
    }

    [Fact]
    public void RateFractionLowersTheCurrentsByItsFactor()
    {
        SpikingNetwork one = Convert(new ConversionOptions()), half = Convert(new ConversionOptions { RateFraction = 0.5f });
        NeuronLayer a = Populations(one)[0], b = Populations(half)[0];
        Assert.Equal(a.Bias.Select(v => 0.5f * v), b.Bias);
    }
}
