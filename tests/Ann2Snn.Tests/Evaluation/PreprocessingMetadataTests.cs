using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tests.Simulation;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Evaluation;

/// <summary>The preprocessing kept in a network's metadata: exact round trips through the .snn file, in any culture.</summary>
public sealed class PreprocessingMetadataTests
{
    private static readonly SpikingNetwork Network = ExactNetwork.Build(NeuronParameters.IntegrateAndFire());

    [Fact]
    public void RandomValuesRoundTripExactlyThroughTheFileInAnyCulture()
    {
        var rng = new Random(8128);
        // A comma-decimal culture with a non-ASCII minus sign: the text must not depend on it.
        using var culture = new CommaDecimalCulture();
        for (int trial = 0; trial < 40; trial++)
        {
            var p = new InputPreprocessing
            {
                PixelScale = Positive(rng),
                Mean = [.. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => (rng.Next(2) == 0 ? -1 : 1) * Positive(rng))],
                Std = [.. Enumerable.Range(0, rng.Next(1, 4)).Select(_ => Positive(rng))],
            };
            using var file = new MemoryStream();
            SnnFile.Save(PreprocessingMetadata.Write(Network, p), file);
            file.Position = 0;
            InputPreprocessing read = PreprocessingMetadata.Read(SnnFile.Load(file))!;
            Assert.Equal(p, read);
            Assert.Equal(BitConverter.SingleToInt32Bits(p.PixelScale!.Value), BitConverter.SingleToInt32Bits(read.PixelScale!.Value));
        }
    }

    [Fact]
    public void StoresOnlyWhatWasGivenUnderItsKeys()
    {
        Assert.Null(PreprocessingMetadata.Read(Network));
        SpikingNetwork stored = PreprocessingMetadata.Write(Network, new InputPreprocessing { Mean = [0.1307f], Std = [0.3081f] });
        Assert.Equal("0.1307", stored.Metadata[PreprocessingMetadata.MeanKey]);
        Assert.Equal("0.3081", stored.Metadata[PreprocessingMetadata.StdKey]);
        Assert.False(stored.Metadata.ContainsKey(PreprocessingMetadata.PixelScaleKey));
        Assert.Same(Network.Layers, stored.Layers);

        var takesBytes = new InputPreprocessing { ModelTakesBytes = true, Mean = [0.5f, 1f, 2f] };
        SpikingNetwork bytes = PreprocessingMetadata.Write(stored, takesBytes);
        Assert.Equal("1", bytes.Metadata[PreprocessingMetadata.PixelScaleKey]);
        Assert.Equal("0.5,1,2", bytes.Metadata[PreprocessingMetadata.MeanKey]);
        Assert.False(bytes.Metadata.ContainsKey(PreprocessingMetadata.StdKey));
        Assert.Equal(new InputPreprocessing { PixelScale = 1f, Mean = [0.5f, 1f, 2f] }, PreprocessingMetadata.Read(bytes));

        Assert.Null(PreprocessingMetadata.Read(PreprocessingMetadata.Write(bytes, InputPreprocessing.Default)));
    }

    [Theory]
    [InlineData(PreprocessingMetadata.PixelScaleKey, "-2", "option 'pixel_scale (in the .snn file)': '-2' must be positive and finite")]
    [InlineData(PreprocessingMetadata.StdKey, "0.3,0", "option 'std (in the .snn file)': 0 (of 0.3,0) must be positive and finite")]
    [InlineData(PreprocessingMetadata.MeanKey, "0.1;0.2", "option 'mean (in the .snn file)': '0.1;0.2' in '0.1;0.2' is not a number")]
    public void ABadStoredValueIsNamedAsInTheFile(string key, string value, string message)
    {
        var stored = new SpikingNetwork(Network.Name, Network.InputShape, Network.Layers, new Dictionary<string, string> { [key] = value });
        var e = Assert.Throws<InvalidOptionException>(() => PreprocessingMetadata.Read(stored));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void ABadValueIsNotWritten()
    {
        var e = Assert.Throws<InvalidOptionException>(() => PreprocessingMetadata.Write(Network, new InputPreprocessing { Std = [0f] }));
        Assert.StartsWith("option '--std'", e.Message);
    }

    /// <summary>A positive float over many magnitudes, with all its mantissa bits random.</summary>
    private static float Positive(Random rng)
    {
        float v = BitConverter.Int32BitsToSingle(rng.Next(0x0080_0000, 0x7F00_0000));
        return float.IsFinite(v) && v > 0 ? v : 1f;
    }
}
