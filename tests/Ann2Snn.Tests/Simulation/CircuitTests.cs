using Ann2Snn.Data;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Simulation;

/// <summary>Hand-checked circuits: max-pool schemes, the Poisson encoder, bias neurons.</summary>
public class CircuitTests
{
    private static readonly NeuronParameters If0 = NeuronParameters.IntegrateAndFire(1f, ResetMode.BySubtraction, 0f);

    /// <summary>input [1,1,2] → two IF neurons driven by the input → 1×2 max pool → readout of the pooled spikes.</summary>
    private static SpikingNetwork MaxPoolNetwork(MaxPoolScheme scheme)
    {
        var shape = new Shape(1, 1, 2);
        var pooled = new Shape(1, 1, 1);
        var neurons = new NeuronLayer("a", shape, If0, [new Projection(-1, [new ScaleOp(shape, [1f])])], new float[2]);
        var pool = new MaxPoolLayer("pool", 0, shape, new Window2d(1, 2, 1, 2, 0, 0, 0, 0), scheme, pooled);
        var readout = new ReadoutLayer("out", pooled, [new Projection(1, [new ScaleOp(pooled, [1f])])], new float[1]);
        return new SpikingNetwork("maxpool", shape, [neurons, pool, readout]);
    }

    private static SimulationResult Run(SpikingNetwork net, float[] x, int count, SimulationOptions options) =>
        new DenseSimulator().Run(net, [new DataBatch(x, new int[count], count)], options with { KeepOutputs = true });

    [Theory]
    [InlineData(MaxPoolScheme.WinnerTakeAll, 5)]
    [InlineData(MaxPoolScheme.Gate, 4)]
    public void MaxPoolSchemesOnAHandCheckedExample(MaxPoolScheme scheme, int expected)
    {
        // Inputs 0.25 and 0.625 (exact in binary), v0 = 0, T = 8. Neuron 0 fires at t = 4, 8; neuron 1 at 2, 4, 5, 7, 8.
        // WTA: the pooled count is max(c0, c1) at every step → 5. Gate: the spike of the input with the larger count
        // before the step passes (tie at the start → neuron 0), so neuron 1's spike at t = 2 is lost → 4 (t = 4, 5, 7, 8).
        SimulationResult r = Run(MaxPoolNetwork(scheme), [0.25f, 0.625f], 1, new SimulationOptions { Timesteps = 8 });
        Assert.Equal(expected, r.LayerSpikes[1]);
        Assert.Equal(expected / 8f, r.Outputs[0][0], 5);
    }

    [Fact]
    public void WinnerTakeAllTracksTheMaximumRate()
    {
        var rng = new Random(3);
        const int T = 400, count = 50;
        var x = new float[count * 2];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        SimulationResult r = Run(MaxPoolNetwork(MaxPoolScheme.WinnerTakeAll), x, count, new SimulationOptions { Timesteps = T });
        for (int b = 0; b < count; b++)
        {
            float max = Math.Max(x[2 * b], x[2 * b + 1]);
            Assert.InRange(r.Outputs[b][0], max - 1f / T, max + 1e-6f); // ⌊max·T⌋ / T
        }
    }

    [Fact]
    public void PoissonEncoderIsUnbiased()
    {
        // 200 inputs at x = 0.37 feed a readout one to one; the readout's mean current is the mean spike value.
        var shape = new Shape(200);
        var readout = new ReadoutLayer("out", shape, [new Projection(-1, [new ScaleOp(shape, [1f])])], new float[200]);
        var net = new SpikingNetwork("poisson", shape, [readout]);
        const int T = 500;
        var x = Enumerable.Repeat(0.37f, 200).ToArray();
        SimulationResult r = Run(net, x, 1, new SimulationOptions { Timesteps = T, Input = InputEncoding.Poisson, Seed = 42 });
        double mean = r.Outputs[0].Average();
        double sigma = Math.Sqrt(0.37 * 0.63 / T / 200);
        Assert.InRange(mean, 0.37 - 4 * sigma, 0.37 + 4 * sigma);
        Assert.Equal(r.InputSpikes, (long)Math.Round(mean * T * 200));
        // Each input's own rate is within 4σ of x too, and the streams differ between inputs.
        double single = Math.Sqrt(0.37 * 0.63 / T);
        Assert.All(r.Outputs[0], v => Assert.InRange(v, 0.37 - 5 * single, 0.37 + 5 * single));
        Assert.True(r.Outputs[0].Distinct().Count() > 10);
    }

    [Fact]
    public void PoissonSpikesDependOnlyOnTheSeed()
    {
        SpikingNetwork net = MaxPoolNetwork(MaxPoolScheme.WinnerTakeAll);
        float[] x = [0.2f, 0.9f, 0.5f, 0.5f, 0.7f, 0.1f];
        var o = new SimulationOptions { Timesteps = 64, Input = InputEncoding.Poisson, Seed = 9 };
        SimulationResult a = Run(net, x, 3, o with { ChunkSize = 1, MaxDegreeOfParallelism = 1 });
        SimulationResult b = Run(net, x, 3, o with { ChunkSize = 2, MaxDegreeOfParallelism = 2 });
        SimulationResult c = Run(net, x, 3, o with { Seed = 10 });
        Assert.Equal(a.LayerSpikes, b.LayerSpikes);
        Assert.Equal(a.Outputs.SelectMany(v => v), b.Outputs.SelectMany(v => v));
        Assert.NotEqual(a.Outputs.SelectMany(v => v), c.Outputs.SelectMany(v => v));
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(0.25f)]
    [InlineData(1f)]
    public void BiasNeuronDeliversTheSameChargeAsABiasCurrent(float rate)
    {
        // One IF neuron with bias 0.25 and no input: over T a multiple of 1/rate, both modes inject 0.25·T.
        var shape = new Shape(1);
        var neuron = new NeuronLayer("n", shape, If0, [new Projection(-1, [new ScaleOp(shape, [0f])])], [0.25f]);
        var net = new SpikingNetwork("bias", shape, [neuron]);
        var o = new SimulationOptions { Timesteps = 40 };
        SimulationResult current = Run(net, [0f], 1, o);
        SimulationResult biasNeuron = Run(net, [0f], 1, o with { Bias = BiasMode.Neuron, BiasNeuronRate = rate });
        Assert.Equal(10, current.LayerSpikes[0]);
        Assert.Equal(current.LayerSpikes[0], biasNeuron.LayerSpikes[0]);
    }

    [Theory]
    [InlineData(0.5f, 40)]
    [InlineData(0.25f, 40)]
    [InlineData(1f, 40)]
    [InlineData(0.3f, 37)]
    public void BiasNeuronSpikesAndEventsAreCounted(float rate, int steps)
    {
        // One bias neuron per image for a population with a bias; it fires ⌊T·r⌋ times in T steps (at step t when
        // ⌊(t+1)·r⌋ > ⌊t·r⌋) and each spike reaches the two neurons whose bias is not zero (M10).
        var shape = new Shape(3);
        var neuron = new NeuronLayer("n", shape, If0, [new Projection(-1, [new ScaleOp(shape, [0f])])], [0.25f, 0f, 0.5f]);
        var net = new SpikingNetwork("bias", shape, [neuron]);
        var o = new SimulationOptions { Timesteps = steps };
        SimulationResult current = Run(net, [0f, 0f, 0f], 1, o);
        SimulationResult biasNeuron = Run(net, [0f, 0f, 0f], 1, o with { Bias = BiasMode.Neuron, BiasNeuronRate = rate });
        long fired = (long)Math.Floor(steps * (double)rate);
        Assert.Equal(0, current.BiasSpikes);
        Assert.Equal(0, current.BiasEvents);
        Assert.Equal(fired, biasNeuron.BiasSpikes);
        Assert.Equal(2 * fired, biasNeuron.BiasEvents);
        Assert.Equal(biasNeuron.SpikesPerImage, biasNeuron.LayerSpikes[0] + fired);
        Assert.Equal(current.TotalSynapticEventsPerImage + 2 * fired, biasNeuron.TotalSynapticEventsPerImage);
    }

    [Fact]
    public void ExponentialSynapseKeepsTheRate()
    {
        // Poisson drive through a synapse with τs: unit DC gain, so the long-run rate is that of delta synapses.
        var shape = new Shape(64);
        var neurons = new NeuronLayer("n", shape, If0, [new Projection(-1, [new ScaleOp(shape, [1f])])], new float[64]);
        var net = new SpikingNetwork("syn", shape, [neurons]);
        var x = Enumerable.Repeat(0.4f, 64).ToArray();
        var o = new SimulationOptions { Timesteps = 2000, Input = InputEncoding.Poisson, Seed = 5 };
        SimulationResult delta = Run(net, x, 1, o);
        SimulationResult exp = Run(net, x, 1, o with { Synapse = SynapseModel.Exponential, TauSyn = 8f });
        Assert.InRange(delta.LayerSpikes[0] / (64.0 * 2000), 0.38, 0.42);
        Assert.InRange(exp.LayerSpikes[0] / (64.0 * 2000), 0.38, 0.42);
    }
}
