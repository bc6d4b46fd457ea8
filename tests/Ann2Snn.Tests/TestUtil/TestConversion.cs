using Ann2Snn.Conversion;
using Ann2Snn.Graph;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>The standard conversion of a test graph: prepare, calibrate on seeded random images, convert.</summary>
internal static class TestConversion
{
    public static ConversionResult Convert(ModelGraph graph, ConversionOptions options, int calibrationImages = 32)
    {
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        float[] calib = TestGraphs.Inputs(new Random(11), calibrationImages, graph.Input.OutputShape.Size);
        return Converter.Convert(prepared, Calibration.Collect(prepared, [(calib, calibrationImages)], calibrationImages), options,
            applied);
    }
}
