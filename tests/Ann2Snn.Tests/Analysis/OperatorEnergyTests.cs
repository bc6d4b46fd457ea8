using Ann2Snn.Analysis;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Event;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Simulation;

namespace Ann2Snn.Tests.Analysis;

/// <summary>
/// Operator layers are charged as MACs, populations as synaptic events: the energy follows the closed form, per layer and in
/// all, on every built-in profile; the MACs add up over shards of the images.
/// </summary>
public sealed class OperatorEnergyTests
{
    private static (SpikingNetwork Net, SimulationResult Result) Attention(int count, int first = 0)
    {
        float[] images = AttentionBlock.Images(8, 5);
        SpikingNetwork net = new AttentionBlock(2).Spiking(images, 8);
        int size = AttentionBlock.InputShape.Size;
        var data = new DataBatch(images[(first * size)..((first + count) * size)], new int[count], count);
        return (net, new EventSimulator().Run(net, [data], new SimulationOptions { Timesteps = 32, FirstImage = first }));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void OperatorMacsAreChargedAtTheMacEnergy(string profileName)
    {
        EnergyProfile profile = EnergyProfile.Get(profileName);
        var (net, result) = Attention(8);
        var basis = new EnergyBasis(0, net.Layers.OfType<NeuronLayer>().Sum(l => (long)l.Shape.Size), 1_000_000, 1000);
        (string, double, double)[] layers =
            [.. net.Layers.Select((l, i) => (l.Name, result.SynapticEventsPerImage(i), result.MacsPerImage(i)))];
        EnergyEstimate e = EnergyEstimate.For(basis, result.Timesteps, null, layers, profile);
        double perEvent = profile.SynapticEvent + profile.WeightRead, perMac = profile.Mac + profile.WeightRead;
        double events = result.TotalSynapticEventsPerImage, macs = result.TotalMacsPerImage;
        Assert.True(macs > 0 && events > 0);
        Assert.Equal(macs, e.OperatorMacsPerImage, 1e-6 * macs);
        double expected = events * perEvent + macs * perMac + (double)basis.Neurons * result.Timesteps * profile.StateAccess;
        Assert.Equal(expected, e.SnnJoules, 1e-9 * expected);
        Assert.Equal(macs * perMac / expected, e.MacShare, 1e-9);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            LayerEnergy le = e.Layers[l];
            Assert.Equal(net.Layers[l] is OperatorLayer, le.MacsPerImage > 0);
            Assert.Equal(le.EventsPerImage * perEvent + le.MacsPerImage * perMac, le.Joules, 1e-9 * (le.Joules + 1e-30));
        }
        // Without MACs the estimate is the events-only one.
        EnergyEstimate plain = EnergyEstimate.For(basis, result.Timesteps, null, [.. layers.Select(l => (l.Item1, l.Item2))], profile);
        Assert.Equal(expected - macs * perMac, plain.SnnJoules, 1e-9 * expected);
        Assert.Equal(0, plain.MacShare);
    }

    public static TheoryData<string> Profiles => [.. EnergyProfile.BuiltIn.Select(p => p.Name)];

    [Fact]
    public void OperatorCountsAddUpOverShards()
    {
        var (net, whole) = Attention(8);
        var (_, head) = Attention(3);
        var (_, tail) = Attention(5, first: 3);
        EvaluationTotals Totals(SimulationResult r, int first) => EvaluationTotals.Of(r, [r.Timesteps],
            [.. net.Layers.Select((l, i) => new LayerTotals(l.Name, l.Kind, l.Shape.Size, l is ReadoutLayer, null, r.LayerSpikes[i],
                r.FanOut[i], r.OperatorMacs[i], r.OperatorOutputs[i]))], null, null, first, 8);
        EvaluationTotals merged = EvaluationTotals.Merge([Totals(tail, 3), Totals(head, 0)], ["tail", "head"]);
        Assert.Equal(whole.OperatorMacs, merged.Layers.Select(l => l.OperatorMacs));
        Assert.Equal(whole.OperatorOutputs, merged.Layers.Select(l => l.OperatorOutputs));
        Assert.Equal(whole.TotalMacsPerImage, merged.MacsPerImage, 1e-9 * whole.TotalMacsPerImage);
        Assert.Equal(whole.TotalMacsPerImage, Totals(whole, 0).MacsPerImage, 1e-9 * whole.TotalMacsPerImage);
    }
}
