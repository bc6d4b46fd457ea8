using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Simulation;

namespace Ann2Snn.Tests.Snn;

public sealed class InputEncodingMetadataTests
{
    [Theory]
    [InlineData(InputEncoding.Analog, "analog")]
    [InlineData(InputEncoding.Poisson, "poisson")]
    [InlineData(InputEncoding.Ttfs, "ttfs")]
    public void StoredEncodingRoundTripsByName(InputEncoding encoding, string name)
    {
        SpikingNetwork network = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        Assert.Null(InputEncodingMetadata.Read(network));
        SpikingNetwork stored = InputEncodingMetadata.Write(network, encoding);
        Assert.Equal(name, stored.Metadata[InputEncodingMetadata.Key]);
        Assert.Equal(encoding, InputEncodingMetadata.Read(stored));
        Assert.Equal(encoding, InputEncodingMetadata.Parse(name, "--input"));
        Assert.Same(network.Layers, stored.Layers);
    }

    [Fact]
    public void AnUnknownNameIsRefusedNamingWhereItCameFrom()
    {
        var e = Assert.Throws<InvalidOptionException>(() => InputEncodingMetadata.Parse("morse", "--input"));
        Assert.Equal("option '--input': 'morse' is not one of analog, poisson, ttfs", e.Message);
        SpikingNetwork network = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());
        var metadata = new Dictionary<string, string> { [InputEncodingMetadata.Key] = "x\ny" };
        var stored = new SpikingNetwork(network.Name, network.InputShape, network.Layers, metadata);
        e = Assert.Throws<InvalidOptionException>(() => InputEncodingMetadata.Read(stored));
        Assert.Equal("option 'input_encoding (in the .snn file)': 'x?y' is not one of analog, poisson, ttfs", e.Message);
    }
}
