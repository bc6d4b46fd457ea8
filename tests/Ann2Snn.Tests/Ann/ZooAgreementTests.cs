using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tests.TestUtil;
using Xunit.Abstractions;

namespace Ann2Snn.Tests.Ann;

/// <summary>Every model of the zoo, imported and run by us and by ONNX Runtime on the first 64 bundled test images.</summary>
public sealed class ZooAgreementTests(ITestOutputHelper output)
{
    private const int Images = 64;

    public static TheoryData<string> Models() => new(Zoo.ModelNames());

    [Theory]
    [MemberData(nameof(Models))]
    public void Ours_agrees_with_OnnxRuntime_on_64_test_images(string model)
    {
        string path = Zoo.ModelPath(model);
        ModelGraph graph = OnnxImporter.Load(path);
        IDataset data = AnnEvaluator.Prepare(graph, DatasetResolver.Open(Zoo.DatasetOf(model), DatasetSplit.Test),
            Zoo.PreprocessingOf(model));
        DataBatch batch = data.Batches(Images, Images).Single();
        int inSize = graph.Input.OutputShape.Size, outSize = graph.Output.OutputShape.Size;
        float[] x = batch.Data.AsSpan(0, Images * inSize).ToArray();

        var (expected, dims) = Ort.Run(File.ReadAllBytes(path), x, [Images, .. graph.Input.OutputShape]);
        Assert.Equal([Images, .. graph.Output.OutputShape], dims);
        float[] actual = new AnnExecutor(graph).Forward(x, Images);

        var (worst, at) = OnnxRuntimeAgreementTests.MaxAbsDiff(expected, actual);
        float scale = OnnxRuntimeAgreementTests.MaxAbs(expected);
        output.WriteLine($"{model}: max |ours − ONNX Runtime| = {worst:E2} over {Images} images (max |output| {scale:F2})");
        Assert.True(worst <= OnnxRuntimeAgreementTests.RelativeTolerance * Math.Max(1, scale),
            $"{model}: max |ours − ONNX Runtime| = {worst:G4} at image {at / outSize}, output {at % outSize} "
            + $"(ONNX Runtime {expected[at]}, ours {actual[at]})");
        for (int i = 0; i < Images; i++)
        {
            int theirs = ArgMax(expected, i, outSize), ours = ArgMax(actual, i, outSize);
            Assert.True(theirs == ours, $"{model}: image {i}: ONNX Runtime predicts {theirs}, we predict {ours}");
        }
    }

    private static int ArgMax(float[] y, int sample, int size) =>
        System.Numerics.Tensors.TensorPrimitives.IndexOfMax(y.AsSpan(sample * size, size));
}
