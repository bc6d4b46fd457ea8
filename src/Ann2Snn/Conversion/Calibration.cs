using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Conversion;

/// <summary>
/// Runs the ANN on calibration data and keeps, for every node a spiking population may stand for (ReLU and Clip
/// outputs, max-pool and operator inputs, the graph input and output), histograms of its activations, in memory
/// bounded by the number of such nodes and channels (never by the number of images).
/// </summary>
public static class Calibration
{
    public static bool NeedsStatistics(ModelGraph graph, Node n)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return n is ReluNode or ClipNode or QuantizedClipNode or InputNode or RecurrentNode || Converter.IsLeaky(n) || n == graph.Output
            || (InputFunctionChain.Of(graph) is [.., var last] && last == n)
            || graph.ConsumersOf(n).Any(c => c is Pool2dNode { Kind: PoolKind.Max } || Converter.IsOperator(graph, c));
    }

    /// <summary>
    /// The channels a node's statistics are kept for: a recurrent layer's hidden units (the channels of the population it
    /// converts to, whatever the sequence position), else the output's channel axis.
    /// </summary>
    public static int ChannelsOf(Node n) => n is RecurrentNode r ? r.HiddenSize : n.OutputShape.Channels;

    /// <summary>Collects statistics from batches of images (each [count, input size]), up to <paramref name="maxImages"/> images.</summary>
    public static CalibrationStatistics Collect(ModelGraph graph, IEnumerable<(float[] Data, int Count)> batches, int maxImages,
        AnnExecutorOptions? executorOptions = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(batches);
        if (maxImages <= 0) ThrowHelper.InvalidOption("calib-images", $"{maxImages} must be positive");
        Node[] watched = graph.Nodes.Where(n => NeedsStatistics(graph, n)).ToArray();
        var stats = watched.ToDictionary(n => n.Name, n => new NodeStatistics(ChannelsOf(n)));
        var executor = new AnnExecutor(graph, executorOptions);
        int seen = 0;
        foreach (var (data, count) in batches)
        {
            int take = Math.Min(count, maxImages - seen);
            if (take <= 0) break;
            int size = graph.Input.OutputShape.Size;
            if (data.Length < (long)take * size)
            {
                throw new InvalidDatasetException($"calibration data: a batch of {count} images holds {data.Length} values, "
                    + $"expected {(long)count * size} ({graph.Input.OutputShape} each)");
            }
            ReadOnlySpan<float> images = data.AsSpan(0, take * size);
            ElementType.CheckFinite(images, "calibration data", seen, size);
            AnnActivations acts = executor.ForwardAll(images, take);
            foreach (Node n in watched)
            {
                Shape s = n.OutputShape;
                if (n is RecurrentNode r) stats[n.Name].AddChannelsLast(acts.Of(n), take, s.Size / r.HiddenSize);
                else stats[n.Name].Add(acts.Of(n), take, s.Size / s.Channels);
            }
            seen += take;
            progress?.Report(seen);
        }
        if (seen == 0) throw new InvalidDatasetException("calibration: the data set yielded no images");
        return new CalibrationStatistics(stats, seen);
    }
}
