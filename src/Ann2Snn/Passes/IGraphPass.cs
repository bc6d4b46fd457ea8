using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>A pure graph → graph rewrite.</summary>
public interface IGraphPass
{
    string Name { get; }

    /// <summary>Returns the rewritten graph, or <paramref name="graph"/> itself when nothing changed.</summary>
    ModelGraph Run(ModelGraph graph);
}
