using Ann2Snn.Data;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Xunit.Abstractions;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// The hand-built attention block (<see cref="AttentionBlock"/>) simulated with spike-equivalent operators tracks the
/// ANN's logits, with an error that shrinks as the window grows, on the dense and the event backend, in both operator
/// evaluation modes.
/// </summary>
public sealed class AttentionBlockTests(ITestOutputHelper output)
{
    private const int Count = 8;

    private static (double MaxError, SimulationResult Result) Error(ISimulator simulator, int steps, OperatorEvaluation mode, int seed)
    {
        var block = new AttentionBlock(seed);
        float[] images = AttentionBlock.Images(Count, seed + 100);
        SpikingNetwork net = block.Spiking(images, Count);
        var data = new DataBatch(images, new int[Count], Count);
        SimulationResult result = simulator.Run(net, [data],
            new SimulationOptions { Timesteps = steps, KeepOutputs = true, ChunkSize = 4, Operators = mode });
        double error = 0;
        for (int b = 0; b < Count; b++)
        {
            double[] y = block.Forward(images.AsSpan(b * AttentionBlock.InputShape.Size, AttentionBlock.InputShape.Size))["y"];
            for (int c = 0; c < y.Length; c++) error = Math.Max(error, Math.Abs(y[c] - result.Outputs[b][c]));
        }
        return (error, result);
    }

    public static TheoryData<string, OperatorEvaluation, int> Cases => new()
    {
        { "dense", OperatorEvaluation.Exact, 1 }, { "event", OperatorEvaluation.Exact, 1 }, { "dense", OperatorEvaluation.Exact, 2 },
        { "dense", OperatorEvaluation.Incremental, 1 }, { "event", OperatorEvaluation.Incremental, 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimulatedBlockTracksTheAnnAsTheWindowGrows(string backend, OperatorEvaluation mode, int seed)
    {
        ISimulator simulator = backend == "dense" ? new DenseSimulator() : new EventSimulator();
        foreach (int t in (int[])[8, 32])
        {
            var (error, r) = Error(simulator, t, mode, seed);
            output.WriteLine($"{backend} {mode} seed {seed} T = {t}: max |SNN − ANN| {error:G3}; operator MACs/image "
                + $"{r.OperatorMacs.Sum() / (double)r.Images:G4} (+ {r.TotalMacsPerImage - r.OperatorMacs.Sum() / (double)r.Images:G4} "
                + $"downstream), synaptic events/image {r.TotalSynapticEventsPerImage:G4}");
        }
        var (shortError, _) = Error(simulator, 64, mode, seed);
        var (longError, result) = Error(simulator, 1024, mode, seed);
        output.WriteLine($"{backend} {mode} seed {seed}: max |SNN − ANN| {shortError:G3} at T = 64, {longError:G3} at T = 1024; "
            + $"MACs/image {result.TotalMacsPerImage:G4}, synaptic events/image {result.TotalSynapticEventsPerImage:G4}");
        Assert.True(longError < 0.03, $"max error {longError} at T = 1024");
        Assert.True(longError < shortError / 3, $"error {shortError} at T = 64, {longError} at T = 1024");
        // Every operator layer worked and was counted as MACs; populations as spikes.
        for (int l = 0; l < result.LayerNames.Count; l++)
        {
            if (result.LayerNames[l] is "ln" or "qk" or "softmax" or "pv") Assert.True(result.OperatorMacs[l] > 0, result.LayerNames[l]);
            else Assert.Equal(0, result.OperatorMacs[l]);
        }
    }

    private static SimulationResult RunOne(ISimulator simulator, SpikingNetwork net, SimulationOptions? options = null) =>
        simulator.Run(net, [new DataBatch(new float[net.InputShape.Size], [0], 1)], options ?? new SimulationOptions { Timesteps = 4 });

    [Fact]
    public void TheTtfsBackendRefusesOperatorsWithTheReason()
    {
        SpikingNetwork net = new AttentionBlock(1).Spiking(AttentionBlock.Images(2, 1), 2);
        var e = Assert.Throws<UnsupportedOperatorException>(() => RunOne(new TtfsSimulator(), net,
            new SimulationOptions { Input = InputEncoding.Ttfs, Timesteps = 4 }));
        Assert.Equal("spiking network 'attention': operator layer 'ln' (layernorm): the ttfs backend codes one spike per neuron and "
            + "window, and operators need rates accumulated over the window; use the dense or event backend", e.Message);
    }

    [Fact]
    public void AnOperatorOnTheAnalogInputOrAsTheOutputIsRefused()
    {
        var shape = new Shape(2, 3);
        var gelu = OperatorLayer.Gelu("g", new Operand(shape, [new Projection(-1, [new ScaleOp(shape, [1f])])]));
        var readout = new ReadoutLayer("y", shape, [new Projection(0, [new ScaleOp(shape, [1f])])], new float[6]);
        var onInput = new SpikingNetwork("net", shape, [gelu, readout]);
        var e = Assert.Throws<UnsupportedOperatorException>(() => RunOne(new DenseSimulator(), onInput));
        Assert.StartsWith("spiking network 'net': operator layer 'g' reads the analog input directly", e.Message, StringComparison.Ordinal);
        // Poisson input is spikes: accepted.
        var poisson = new SimulationOptions { Timesteps = 4, Input = InputEncoding.Poisson };
        Assert.Equal(1, RunOne(new EventSimulator(), onInput, poisson).Images);
        var last = new SpikingNetwork("net", shape, [gelu]);
        e = Assert.Throws<UnsupportedOperatorException>(() => RunOne(new DenseSimulator(), last,
            new SimulationOptions { Timesteps = 4, Input = InputEncoding.Poisson }));
        Assert.Equal("spiking network 'net': the output layer 'g' is an operator; the output must be neurons or a readout", e.Message);
    }
}
