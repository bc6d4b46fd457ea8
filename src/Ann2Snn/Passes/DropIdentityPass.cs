using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>Removes Identity and Dropout nodes (pass-throughs at inference).</summary>
public sealed class DropIdentityPass : IGraphPass
{
    public string Name => "drop-identity";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!graph.Nodes.Any(n => n is IdentityNode)) return graph;
        return GraphRewriter.Rebuild(graph, (n, inputs) => n is IdentityNode ? inputs[0] : GraphRewriter.WithInputs(n, inputs));
    }
}
