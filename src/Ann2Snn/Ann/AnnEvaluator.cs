using System.Diagnostics;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>
/// Runs the executor over a data set and counts correct argmax predictions. A graph whose output is an ArgMax over
/// the whole sample outputs its prediction itself (the class index).
/// </summary>
public static class AnnEvaluator
{
    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> (naming <paramref name="option"/>) when the data's samples do not fit the model's input:
    /// their shape differs (a shape an <see cref="InputAdaptation"/> fits is named with it: the data must be a
    /// <see cref="PreprocessedDataset"/>, see <see cref="Prepare"/>), the data set is empty, or it has more classes than the model
    /// has outputs.
    /// </summary>
    public static void CheckCompatible(ModelGraph graph, IDataset data, string option = "data")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        Shape input = graph.Input.OutputShape;
        InputAdaptation? adaptation = InputAdaptation.Choose(data.SampleShape, input);
        if (adaptation is not { Kind: InputAdaptationKind.Identity })
        {
            string fit = adaptation is null ? "" : $"; it needs an adaptation ({adaptation}): read it through PreprocessedDataset.For";
            ThrowHelper.InvalidOption(option, $"{data.Description} has samples of shape {data.SampleShape}, "
                + $"but model '{graph.Name}' takes {input}{fit}");
        }
        if (data.Count == 0) ThrowHelper.InvalidOption(option, $"{data.Description} holds no samples");
        int outputs = Classes(graph);
        if (data.ClassCount > outputs)
        {
            ThrowHelper.InvalidOption(option, $"{data.Description} has {data.ClassCount} classes, "
                + $"but model '{graph.Name}' has {outputs} outputs");
        }
    }

    /// <summary>
    /// <paramref name="data"/> as <paramref name="graph"/> takes it: preprocessed and adapted to its input
    /// (<see cref="PreprocessedDataset.For"/>), then checked (<see cref="CheckCompatible"/>).
    /// </summary>
    public static PreprocessedDataset Prepare(ModelGraph graph, IDataset data, InputPreprocessing? preprocessing = null,
        string option = "data")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        CheckSequence(graph, data, preprocessing?.Sequence ?? SequenceLayout.None, option);
        PreprocessedDataset prepared = PreprocessedDataset.For(data, PreprocessingFor(graph, preprocessing),
            graph.Input.OutputShape, $"model '{graph.Name}'", option);
        CheckCompatible(graph, prepared, option);
        return prepared;
    }

    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> when <paramref name="sequence"/> is given for a model without a recurrent
    /// layer, or when a recurrent model is given samples that are not its sequences [L, F] without it. Arrays [N, L, F] are
    /// read as samples [1, L, F] (one channel) and fed as they are.
    /// </summary>
    public static void CheckSequence(ModelGraph graph, IDataset data, SequenceLayout sequence, string option = "data")
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(data);
        RecurrentNode? cell = graph.Nodes.OfType<RecurrentNode>().FirstOrDefault();
        if (cell is null && sequence != SequenceLayout.None)
        {
            ThrowHelper.InvalidOption(InputPreprocessing.SequenceOption, $"model '{graph.Name}' has no recurrent layer "
                + "(RNN, LSTM or GRU) to read a sequence; leave the option out for a feed-forward model");
        }
        Shape x = data.SampleShape, input = graph.Input.OutputShape;
        bool fits = x.Equals(input) || (x.Rank == 3 && x[0] == 1 && new Shape(x[1], x[2]).Equals(input));
        if (cell is not null && sequence == SequenceLayout.None && !fits)
        {
            ThrowHelper.InvalidOption(option, $"model '{graph.Name}' is recurrent ({cell.Op} '{cell.Name}') and takes sequences "
                + $"{input} ([L, F]), but {data.Description} has samples of shape {x}; give {InputPreprocessing.SequenceOption} "
                + "rows or pixels for images, or arrays [N, L, F]");
        }
    }

    /// <summary>
    /// <paramref name="preprocessing"/> as <paramref name="graph"/> needs it: a model that takes raw bytes
    /// (<see cref="InputNode.TakesBytes"/>, it scales them itself) gets the byte values unless a pixel scale is given.
    /// </summary>
    public static InputPreprocessing PreprocessingFor(ModelGraph graph, InputPreprocessing? preprocessing)
    {
        ArgumentNullException.ThrowIfNull(graph);
        InputPreprocessing p = preprocessing ?? InputPreprocessing.Default;
        return graph.Input.TakesBytes && !p.ModelTakesBytes ? p with { ModelTakesBytes = true } : p;
    }

    public static AnnEvaluation Evaluate(AnnExecutor executor, IDataset data, int batchSize = 256, int? limit = null,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(data);
        CheckCompatible(executor.Graph, data);
        int outputs = executor.OutputSize, correct = 0, total = 0;
        bool indices = executor.Graph.Output is ArgMaxNode { CoversSample: true };
        var predictions = new List<int>(Math.Min(data.Count, limit ?? int.MaxValue));
        var clock = Stopwatch.StartNew();
        foreach (DataBatch batch in data.Batches(batchSize, limit))
        {
            cancellationToken.ThrowIfCancellationRequested();
            float[] y = executor.Forward(batch.Data.AsSpan(0, batch.Count * executor.InputSize), batch.Count);
            for (int b = 0; b < batch.Count; b++)
            {
                int best = indices ? (int)y[b] : System.Numerics.Tensors.TensorPrimitives.IndexOfMax(y.AsSpan(b * outputs, outputs));
                predictions.Add(best);
                if (best == batch.Labels[b]) correct++;
            }
            total += batch.Count;
            progress?.Report(total);
        }
        return new AnnEvaluation(correct, total, clock.Elapsed.TotalSeconds, predictions.ToArray());
    }

    /// <summary>How many classes the model tells apart: its outputs, or, after a final ArgMax, the values it searches.</summary>
    private static int Classes(ModelGraph graph) =>
        graph.Output is ArgMaxNode { CoversSample: true } m ? m.Inputs[0].OutputShape.Size : graph.Output.OutputShape.Size;
}
