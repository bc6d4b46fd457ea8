using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Onnx;
using Xunit.Abstractions;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// Our ANN accuracy on the full bundled test set of each zoo model equals PyTorch's recorded count (models/results.json),
/// to the image.
/// </summary>
public sealed class ZooAccuracyTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models() => new(Zoo.Results().Select(r => r.Name));

    [Theory]
    [MemberData(nameof(Models))]
    public void Accuracy_on_the_test_set_equals_PyTorchs_count(string model)
    {
        ZooResult expected = Zoo.Results().Single(r => r.Name == model);
        Assert.Equal(Zoo.DatasetOf(model), expected.Dataset);
        var executor = new AnnExecutor(OnnxImporter.Load(Zoo.ModelPath(model)));
        // As a user runs it: the preprocessing it was trained with, the images laid out as its input takes them.
        IDataset data = AnnEvaluator.Prepare(executor.Graph, DatasetResolver.Open(expected.Dataset, DatasetSplit.Test),
            expected.Preprocessing);
        AnnEvaluation result = AnnEvaluator.Evaluate(executor, data, batchSize: 256);
        output.WriteLine($"{model}: {result.Correct}/{result.Total} in {result.Seconds:F1} s "
            + $"(PyTorch {expected.TestCorrect}/{expected.TestTotal})");
        Assert.Equal(expected.TestTotal, result.Total);
        Assert.Equal(expected.TestCorrect, result.Correct);
    }
}
