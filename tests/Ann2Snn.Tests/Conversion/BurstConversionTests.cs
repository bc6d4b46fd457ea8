using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

/// <summary><see cref="ConversionOptions.Burst"/>: λ maps to B spikes per step, so T steps resolve T·B levels.</summary>
public class BurstConversionTests
{
    private static ConversionResult Convert(ModelGraph graph, ConversionOptions options) => TestConversion.Convert(graph, options);

    [Theory]
    [InlineData(ScalingMode.Weights)]
    [InlineData(ScalingMode.Thresholds)]
    public void EveryPopulationBurstsAndOneSpikeStandsForLambdaOverB(ScalingMode scaling)
    {
        const int burst = 4;
        ConversionResult plain = Convert(TestGraphs.SmallCnn(), new ConversionOptions { Scaling = scaling });
        ConversionResult bursts = Convert(TestGraphs.SmallCnn(), new ConversionOptions { Scaling = scaling, Burst = burst });
        NeuronLayer[] p = plain.Network.Layers.OfType<NeuronLayer>().ToArray(), b = bursts.Network.Layers.OfType<NeuronLayer>().ToArray();
        Assert.Equal(p.Length, b.Length);
        Assert.All(p, l => Assert.Equal(1, l.Neuron.BurstLimit));
        Assert.All(b, l => Assert.Equal(burst, l.Neuron.BurstLimit));
        if (scaling == ScalingMode.Thresholds)
        {
            // Weights in ANN units, θ = λ/(s·B).
            for (int i = 0; i < p.Length; i++) Assert.Equal(p[i].Neuron.VThreshold / burst, b[i].Neuron.VThreshold, 6);
        }
        else
        {
            // θ = 1, the current scaled by B/λ: the first population's bias is B times the plain one's.
            Assert.All(b, l => Assert.Equal(1f, l.Neuron.VThreshold));
            for (int k = 0; k < p[0].Bias.Length; k++) Assert.Equal(p[0].Bias[k] * burst, b[0].Bias[k], 5);
        }
    }

    [Theory]
    [InlineData("cnn", 4)]
    [InlineData("residual", 4)]
    [InlineData("cnn", 2)]
    public void BurstsTrackTheAnnActivationsCloserAtShortWindows(string name, int timesteps)
    {
        ModelGraph graph = name == "cnn" ? TestGraphs.SmallCnn() : TestGraphs.ResidualMlp();
        var unsigned = new ConversionOptions { SignedSpikes = false };
        double[] plain = SignedConversionTests.RateErrors(graph, unsigned, timesteps);
        double[] bursts = SignedConversionTests.RateErrors(graph, unsigned with { Burst = 4 }, timesteps);
        Assert.True(bursts.Sum() < 0.6 * plain.Sum(), $"burst errors [{string.Join(", ", bursts.Select(e => e.ToString("g3")))}] "
            + $"vs plain [{string.Join(", ", plain.Select(e => e.ToString("g3")))}]");
    }

    [Theory]
    [InlineData(0, "0 is outside 1..64")]
    [InlineData(-2, "-2 is outside 1..64")]
    [InlineData(65, "65 is outside 1..64")]
    public void BurstOutsideItsRangeIsRefusedNamingBurst(int burst, string expected)
    {
        var e = Assert.Throws<InvalidOptionException>(() => new ConversionOptions { Burst = burst }.Validate());
        Assert.Contains("'burst'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BurstWithResetToZeroRefractoryOrSignedSpikesIsRefused()
    {
        ConversionOptions[] bad =
        [
            new() { Burst = 2, Reset = ResetMode.ToZero },
            new() { Burst = 2, RefractorySteps = 1 },
            new() { Burst = 2, SignedSpikes = true },
        ];
        foreach (ConversionOptions o in bad)
        {
            var e = Assert.Throws<InvalidOptionException>(o.Validate);
            Assert.Contains("'burst': burst spikes need reset by subtraction, no refractory period and unsigned spikes", e.Message);
        }
    }

    [Fact]
    public void SignedSpikesAreOffByDefaultWithBursts()
    {
        ModelGraph residual = TestGraphs.ResidualMlp();
        Assert.True(new ConversionOptions().UseSignedSpikes(residual));
        Assert.False(new ConversionOptions { Burst = 2 }.UseSignedSpikes(residual));
        Assert.All(Convert(residual, new ConversionOptions { Burst = 2 }).Network.Layers.OfType<NeuronLayer>(),
            l => Assert.False(l.Neuron.SignedSpikes));
    }

    [Fact]
    public void TheTtfsBackendRefusesBurstPopulations()
    {
        SpikingNetwork net = Convert(TestGraphs.SmallCnn(), new ConversionOptions { Burst = 2 }).Network;
        float[] x = TestGraphs.Inputs(new Random(1), 2, net.InputShape.Size);
        var e = Assert.Throws<InvalidOptionException>(() => new TtfsSimulator().Run(net, [new DataBatch(x, new int[2], 2)],
            new SimulationOptions { Input = InputEncoding.Ttfs, TtfsWindow = 8 }));
        Assert.Contains("'burst'", e.Message);
        Assert.Contains("B = 2", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
