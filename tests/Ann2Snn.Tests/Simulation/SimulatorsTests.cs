using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

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
        Assert.IsType<EventSimulator>(Simulators.Create("auto", conv, measuredRate: 0.05));
        Assert.IsType<DenseSimulator>(Simulators.Create("auto", conv, measuredRate: 0.9));

        // Only the analog input meets weights: nothing for events to save.
        var shape = new Shape(4);
        var single = new SpikingNetwork("one", shape, [new ReadoutLayer("out", shape, [new Projection(-1, [new DenseOp(shape, new FloatTensor([4, 4], new float[16]))])], new float[4])]);
        Assert.IsType<DenseSimulator>(Simulators.Create("auto", single));
    }

    [Fact]
    public void UnknownNameOrMissingNetworkIsRefused()
    {
        var e = Assert.Throws<InvalidOptionException>(() => Simulators.Create("gpu"));
        Assert.Contains("dense, event, layered, ttfs, auto", e.Message);
        Assert.Throws<InvalidOptionException>(() => Simulators.Create("auto"));
        Assert.Throws<InvalidOptionException>(() => Simulators.ChooseFor(ExactNetwork.Build(NeuronParameters.IntegrateAndFire()), double.NaN));
        Assert.Throws<InvalidOptionException>(() => new EventSimulator(-1));
    }
}
