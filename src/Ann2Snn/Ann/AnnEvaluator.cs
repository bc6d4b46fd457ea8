using System.Diagnostics;
using Ann2Snn.Data;
using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>Runs the executor over a data set and counts correct argmax predictions.</summary>
public static class AnnEvaluator
{
    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> (naming <paramref name="option"/>) when the data's samples do not fit the model's input.
    /// </summary>
    public static void CheckCompatible(ModelGraph graph, IDataset data, string option = "data")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        if (!graph.Input.OutputShape.Equals(data.SampleShape))
        {
            ThrowHelper.InvalidOption(option, $"{data.Description} has samples of shape {data.SampleShape}, "
                + $"but model '{graph.Name}' takes {graph.Input.OutputShape}");
        }
        if (data.Count == 0) ThrowHelper.InvalidOption(option, $"{data.Description} holds no samples");
        int outputs = graph.Output.OutputShape.Size;
        if (data.ClassCount > outputs)
        {
            ThrowHelper.InvalidOption(option, $"{data.Description} has {data.ClassCount} classes, "
                + $"but model '{graph.Name}' has {outputs} outputs");
        }
    }

    public static AnnEvaluation Evaluate(AnnExecutor executor, IDataset data, int batchSize = 256, int? limit = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(data);
        CheckCompatible(executor.Graph, data);
        int outputs = executor.OutputSize, correct = 0, total = 0;
        var predictions = new List<int>(Math.Min(data.Count, limit ?? int.MaxValue));
        var clock = Stopwatch.StartNew();
        foreach (DataBatch batch in data.Batches(batchSize, limit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            float[] y = executor.Forward(batch.Data.AsSpan(0, batch.Count * executor.InputSize), batch.Count);
            for (int b = 0; b < batch.Count; b++)
            {
                int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(y.AsSpan(b * outputs, outputs));
                predictions.Add(best);
                if (best == batch.Labels[b]) correct++;
            }
            total += batch.Count;
            progress?.Report(total);
        }
        return new AnnEvaluation(correct, total, clock.Elapsed.TotalSeconds, predictions.ToArray());
    }
}
