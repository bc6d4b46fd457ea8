using Ann2Snn.Conversion;
using Ann2Snn.Evaluation;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Simulation;

/// <summary>The synapse model and τs stored in a .snn file, and the run length a duration gives at the network's Δt.</summary>
public sealed class SynapseMetadataTests
{
    private static SpikingNetwork Network(float dt = 1f)
    {
        ModelGraph prepared = Converter.Prepare(TestGraphs.SmallCnn(), out IReadOnlyList<string> applied);
        return Converter.Convert(prepared, null, new ConversionOptions { Normalization = NormalizationKind.Model, Dt = dt }, applied)
            .Network;
    }

    private static SpikingNetwork RoundTrip(SpikingNetwork net)
    {
        var stream = new MemoryStream();
        SnnFile.Save(net, stream);
        stream.Position = 0;
        return SnnFile.Load(stream);
    }

    [Fact]
    public void AFileWithoutSynapseKeysHasNone()
    {
        Assert.Null(SynapseMetadata.Read(RoundTrip(Network())));
    }

    [Theory]
    [InlineData(SynapseModel.Delta, 5f)]
    [InlineData(SynapseModel.Exponential, 2.5f)]
    [InlineData(SynapseModel.Exponential, 0.1f)]
    public void TheSynapseSurvivesTheFile(SynapseModel model, float tau)
    {
        SpikingNetwork loaded = RoundTrip(SynapseMetadata.Write(Network(), model, tau));
        var stored = SynapseMetadata.Read(loaded);
        Assert.NotNull(stored);
        Assert.Equal(model, stored.Value.Model);
        Assert.Equal(model == SynapseModel.Exponential ? tau : null, stored.Value.TauSyn);
    }

    [Theory]
    [InlineData("alpha", null, "synapse")]
    [InlineData("exponential", "-1", "tau_syn")]
    [InlineData("exponential", "fast", "tau_syn")]
    public void ABadStoredSynapseIsNamed(string model, string? tau, string key)
    {
        var metadata = new Dictionary<string, string> { [SynapseMetadata.ModelKey] = model };
        if (tau is not null) metadata[SynapseMetadata.TauKey] = tau;
        SpikingNetwork n = Network();
        var e = Assert.Throws<InvalidOptionException>(() =>
            SynapseMetadata.Read(new SpikingNetwork(n.Name, n.InputShape, n.Layers, metadata)));
        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData(1f, 8.0, 8)]
    [InlineData(0.5f, 8.0, 16)]
    [InlineData(0.25f, 8.0, 32)]
    [InlineData(0.1f, 3.0, 30)]
    [InlineData(0.5f, 0.1, 1)]
    public void ADurationIsItsStepsAtTheNetworksStep(float dt, double duration, int steps) =>
        Assert.Equal(steps, Evaluator.StepsOf(duration, Network(dt)));

    [Fact]
    public void ADurationBeyondTheLimitIsNamed()
    {
        var e = Assert.Throws<InvalidOptionException>(() => Evaluator.StepsOf(1e9, Network(0.5f)));
        Assert.StartsWith("option 'duration':", e.Message);
    }
}
