using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>
/// Every node's output for one batch, from <see cref="AnnExecutor.ForwardAll"/>: batch × node size floats, batch-major,
/// NCHW. A Reshape or Identity node shares its input's array. Treat the arrays as read-only.
/// </summary>
public sealed class AnnActivations
{
    private readonly float[][] _data;

    internal AnnActivations(ModelGraph graph, int batch, float[][] data)
    {
        Graph = graph;
        Batch = batch;
        _data = data;
    }

    public ModelGraph Graph { get; }
    public int Batch { get; }

    /// <summary>The graph output, batch × output size.</summary>
    public float[] Output => _data[Graph.IndexOf(Graph.Output)];

    /// <summary>The data of the node at <paramref name="index"/> in the graph's order.</summary>
    internal float[] At(int index) => _data[index];

    /// <summary>The output of <paramref name="node"/>, batch × node.OutputShape.Size.</summary>
    public float[] Of(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        int i = Graph.IndexOf(node);
        if (i < 0) throw new ArgumentException($"node '{node.Name}' is not in graph '{Graph.Name}'", nameof(node));
        return _data[i];
    }
}
