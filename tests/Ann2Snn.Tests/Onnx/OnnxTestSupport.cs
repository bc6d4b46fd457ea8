using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Onnx;

/// <summary>Shared steps of the importer tests: import a built model, and compare with ONNX Runtime.</summary>
internal static class OnnxTestSupport
{
    public const string ModelFile = "test.onnx";

    public static ModelGraph Import(OnnxBuilder builder, OnnxImportOptions? options = null) =>
        OnnxImporter.Load(builder.ToBytes(), ModelFile, options);

    /// <summary>Node of type <typeparamref name="T"/>; asserts there is exactly one.</summary>
    public static T Single<T>(ModelGraph graph) where T : Node => Assert.Single(graph.Nodes.OfType<T>());

    /// <summary>Runs the model in ONNX Runtime on a batch of 2 and asserts the output dims are [2, graph output shape].</summary>
    public static (float[] Input, float[] Output) AssertShapeMatchesOrt(OnnxBuilder builder, ModelGraph graph, int seed = 1)
    {
        int[] inputDims = [2, .. graph.Input.OutputShape];
        float[] input = TestData.Uniform(seed, 2 * graph.Input.OutputShape.Size);
        var (output, dims) = Ort.Run(builder.ToBytes(), input, inputDims);
        Assert.Equal([2, .. graph.Output.OutputShape], dims);
        return (input, output);
    }

    /// <summary>
    /// Imports the model and runs it with the ANN executor and with ONNX Runtime on a random batch: the outputs must agree
    /// (see <see cref="Ann.OnnxRuntimeAgreementTests"/>).
    /// </summary>
    public static void AssertExecutorMatchesOrt(OnnxBuilder builder, int batch = 3, int seed = 1)
    {
        int[] inputShape = [.. Import(builder).Input.OutputShape];
        string? disagreement = Ann.OnnxRuntimeAgreementTests.Disagreement(builder.ToBytes(), inputShape, batch, seed, ModelFile);
        Assert.True(disagreement is null, disagreement);
    }

    /// <summary>
    /// For graphs of Dense, ScaleShift and pass-through nodes only: evaluates the imported graph by hand and asserts it
    /// agrees with ONNX Runtime. (The real executor lives in Ann/; this checks the importer's folding of weights.)
    /// </summary>
    public static void AssertValuesMatchOrt(OnnxBuilder builder, ModelGraph graph, float tolerance = 1e-5f)
    {
        var (input, expected) = AssertShapeMatchesOrt(builder, graph);
        int inSize = graph.Input.OutputShape.Size, outSize = graph.Output.OutputShape.Size;
        for (int b = 0; b < 2; b++)
        {
            float[] actual = Evaluate(graph, input.AsSpan(b * inSize, inSize).ToArray());
            for (int i = 0; i < outSize; i++)
            {
                Assert.True(Math.Abs(expected[b * outSize + i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[b * outSize + i])),
                    $"sample {b} element {i}: ONNX Runtime {expected[b * outSize + i]}, imported graph {actual[i]}");
            }
        }
    }

    private static float[] Evaluate(ModelGraph graph, float[] x)
    {
        var values = new Dictionary<Node, float[]>();
        foreach (Node n in graph.Nodes)
        {
            values[n] = n switch
            {
                InputNode => x,
                IdentityNode or ReshapeNode => values[n.Inputs[0]],
                DenseNode d => Dense(d, values[d.Inputs[0]]),
                ScaleShiftNode s => ScaleShift(s, values[s.Inputs[0]]),
                AddNode => [.. values[n.Inputs[0]].Zip(values[n.Inputs[1]], (a, b) => a + b)],
                ReluNode => [.. values[n.Inputs[0]].Select(v => Math.Max(v, 0))],
                _ => throw new NotSupportedException($"test evaluator has no {n.Op}"),
            };
        }
        return values[graph.Output];
    }

    private static float[] Dense(DenseNode d, float[] x)
    {
        var y = new float[d.OutFeatures];
        for (int o = 0; o < y.Length; o++)
        {
            double sum = d.Bias?[o] ?? 0;
            for (int i = 0; i < d.InFeatures; i++) sum += d.Weight.Data[o * d.InFeatures + i] * x[i];
            y[o] = (float)sum;
        }
        return y;
    }

    private static float[] ScaleShift(ScaleShiftNode s, float[] x)
    {
        Shape shape = s.OutputShape;
        int plane = shape.Size / shape.Channels;
        return [.. x.Select((v, i) => v * ChannelBroadcast.At(s.Scale, i, plane, shape.Size)
            + ChannelBroadcast.At(s.Shift, i, plane, shape.Size))];
    }
}
