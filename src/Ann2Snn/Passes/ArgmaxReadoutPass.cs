using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>Drops a final Softmax/LogSoftmax: both are monotonic, so the argmax readout of the logits is the same.</summary>
public sealed class SoftmaxToArgmaxPass : IGraphPass
{
    public string Name => "softmax-to-argmax";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Output is not SoftmaxNode softmax) return graph;
        return new ModelGraph(graph.Input, softmax.Inputs[0], graph.Name);
    }
}
