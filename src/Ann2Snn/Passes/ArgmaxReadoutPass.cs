using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>
/// Drops what the argmax readout makes redundant at the output: a chain of final nodes, each of which keeps the
/// argmax of the whole sample. Those are a Softmax or LogSoftmax over the whole sample (monotonic), an element-wise
/// activation that is one strictly increasing function (<see cref="ActivationNode.IsStrictlyIncreasing"/>: Sigmoid,
/// Tanh, …), and an ArgMax over the whole sample. The class read out of the logits is the class either way.
/// </summary>
public sealed class ArgmaxReadoutPass : IGraphPass
{
    public string Name => "argmax-readout";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        IReadOnlyList<Node> chain = Readout(graph);
        return chain.Count == 0 ? graph : new ModelGraph(graph.Input, chain[^1].Inputs[0], graph.Name);
    }

    /// <summary>The final nodes this pass drops, from the output back (empty when the output is not one of them).</summary>
    public static IReadOnlyList<Node> Readout(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var chain = new List<Node>();
        for (Node n = graph.Output; KeepsArgmax(n); n = n.Inputs[0]) chain.Add(n);
        return chain;
    }

    /// <summary>Whether the argmax over the whole sample of the node's output is the argmax over its input.</summary>
    public static bool KeepsArgmax(Node node) => node switch
    {
        SoftmaxNode s => s.CoversSample,
        ActivationNode a => a.IsStrictlyIncreasing,
        ArgMaxNode m => m.CoversSample,
        _ => false,
    };
}
