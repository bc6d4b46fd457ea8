using Ann2Snn.Conversion;
using Ann2Snn.Graph;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Conversion;

public sealed class NormalizationKindExtensionsTests
{
    [Theory]
    [InlineData(NormalizationKind.Max, true)]
    [InlineData(NormalizationKind.Percentile, true)]
    [InlineData(NormalizationKind.ChannelWise, true)]
    [InlineData(NormalizationKind.Model, false)]
    public void OnlyWeightOnlyNormalizationGoesWithoutData(NormalizationKind kind, bool needs)
    {
        Assert.Equal(needs, kind.NeedsCalibration());
        ModelGraph graph = TestGraphs.SmallCnn();
        var options = new ConversionOptions { Normalization = kind };
        if (needs)
        {
            var e = Assert.Throws<InvalidOptionException>(() => ConversionPipeline.Run(graph, null, options));
            Assert.StartsWith("option 'calib': ", e.Message);
            e = Assert.Throws<InvalidOptionException>(() => ConversionPipeline.CheckCalibration(options, null));
            Assert.StartsWith("option 'calib': ", e.Message);
        }
        else
        {
            Assert.NotEmpty(ConversionPipeline.Run(graph, null, options).Network.Layers);
        }
    }
}
