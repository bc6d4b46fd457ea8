using Ann2Snn.Data;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Simulation.Layered;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Simulation;

public sealed class SimulatorsTests
{
    [Theory]
    [InlineData("dense", typeof(DenseSimulator))]
    [InlineData("Event", typeof(EventSimulator))]
    [InlineData("layered", typeof(LayeredSimulator))]
    [InlineData("ttfs", typeof(TtfsSimulator))]
    public void NamesGiveTheirBackends(string name, Type type)
    {
        ISimulator simulator = Simulators.Create(name);
        Assert.IsType(type, simulator);
        Assert.Equal(name.ToLowerInvariant(), simulator.Name);
    }

    [Fact]
    public void AutoChoosesEventsForSpikingWeightsAtLowRates()
    {
        SpikingNetwork conv = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        Assert.IsType<EventSimulator>(Simulators.Create("auto", conv));
        Assert.IsType<EventSimulator>(Simulators.ChooseFor(conv, measuredRate: 0.05));
        Assert.IsType<DenseSimulator>(Simulators.ChooseFor(conv, measuredRate: 0.9));

        // Only the analog input meets weights: nothing for events to save.
        var shape = new Shape(4);
        var single = new SpikingNetwork("one", shape, [new ReadoutLayer("out", shape,
            [new Projection(-1, [new DenseOp(shape, new FloatTensor([4, 4], new float[16]))])], new float[4])]);
        Assert.IsType<DenseSimulator>(Simulators.Create("auto", single));
    }

    [Fact]
    public void PilotRunMeasuresTheRateAndChoosesFromIt()
    {
        SpikingNetwork net = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        const int count = 8;
        var pilot = new DataBatch(ExactNetwork.Inputs(count), new int[count], count);
        var options = new SimulationOptions { Timesteps = 40 };
        var (simulator, rate) = Simulators.ChooseByPilot(net, pilot, options);
        SimulationResult full = new DenseSimulator().Run(net, [pilot], options);
        Assert.Equal(Simulators.MeanRate(full, net), rate, 12); // the same spikes, counted the same way
        Assert.InRange(rate, 1e-3, 1.0);
        Assert.IsType(rate <= Simulators.EventRateLimit ? typeof(EventSimulator) : typeof(DenseSimulator), simulator);

        // Thresholds 100× lower: nearly every neuron fires at every step, and dense wins.
        SpikingNetwork busy = ExactNetwork.Build(NeuronParameters.IntegrateAndFire(0.01f));
        var (busySimulator, busyRate) = Simulators.ChooseByPilot(busy, pilot, options);
        Assert.True(busyRate > Simulators.EventRateLimit, $"rate {busyRate}");
        Assert.IsType<DenseSimulator>(busySimulator);
    }

    [Fact]
    public void ChooseDecidesAutoForEveryCaller()
    {
        SpikingNetwork net = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        const int count = 8;
        var pilot = new DataBatch(ExactNetwork.Inputs(count), new int[count], count);
        var options = new SimulationOptions { Timesteps = 40 };
        int reads = 0;
        DataBatch Read()
        {
            reads++;
            return pilot;
        }

        // A named backend, or time-to-first-spike input, reads no pilot images.
        var (dense, noRate) = Simulators.Choose("Dense", net, options, Read);
        Assert.IsType<DenseSimulator>(dense);
        Assert.Null(noRate);
        var (ttfs, ttfsRate) = Simulators.Choose("auto", null, options with { Input = InputEncoding.Ttfs }, Read);
        Assert.IsType<TtfsSimulator>(ttfs);
        Assert.Null(ttfsRate);
        Assert.IsType<TtfsSimulator>(Simulators.Create("auto", net, options with { Input = InputEncoding.Ttfs }));
        Assert.Equal(0, reads);

        // With a pilot, "auto" measures the rate as ChooseByPilot does; without one it decides from the network alone.
        var (chosen, rate) = Simulators.Choose("auto", net, options, Read);
        var (byPilot, pilotRate) = Simulators.ChooseByPilot(net, pilot, options);
        Assert.Equal(1, reads);
        Assert.Equal(pilotRate, rate);
        Assert.IsType(byPilot.GetType(), chosen);
        Assert.IsType(byPilot.GetType(), Simulators.Create("auto", net, options, () => pilot));
        Assert.Null(Simulators.Choose("auto", net, options).PilotRate);
    }

    [Fact]
    public void UnknownNameOrMissingNetworkIsRefused()
    {
        var e = Assert.Throws<InvalidOptionException>(() => Simulators.Create("gpu"));
        Assert.Contains("dense, event, layered, ttfs, auto", e.Message);
        e = Assert.Throws<InvalidOptionException>(() => Simulators.CheckName("GPU", "backend"));
        Assert.StartsWith("option 'backend': 'GPU'", e.Message);
        Simulators.CheckName(" Auto ");
        Assert.Throws<InvalidOptionException>(() => Simulators.Create("auto"));
        Assert.Throws<InvalidOptionException>(
            () => Simulators.ChooseFor(ExactNetwork.Build(NeuronParameters.IntegrateAndFire()), double.NaN));
        Assert.Throws<InvalidOptionException>(() => new EventSimulator(-1));
    }
}
