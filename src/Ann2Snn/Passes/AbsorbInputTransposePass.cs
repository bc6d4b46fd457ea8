using Ann2Snn.Graph;

namespace Ann2Snn.Passes;

/// <summary>
/// A Transpose that is the input's only consumer (a Keras/TF NHWC model's NHWC → NCHW) becomes the input layout: the
/// graph then takes its input already transposed, so a spiking network, which reads its input as given, needs no
/// permutation. For conversion only: the graph's input shape changes, so data in the original layout must be transposed
/// by <see cref="Absorbable"/>'s node first (the converter does so for its calibration data).
/// </summary>
public sealed class AbsorbInputTransposePass : IGraphPass
{
    public string Name => "absorb-input-transpose";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (Absorbable(graph) is not { } transpose) return graph;
        var input = new InputNode(graph.Input.Name, transpose.OutputShape) { TakesBytes = graph.Input.TakesBytes };
        return GraphRewriter.Rebuild(graph, (n, inputs) => n switch
        {
            InputNode => input,
            _ when ReferenceEquals(n, transpose) => inputs[0],
            _ => GraphRewriter.WithInputs(n, inputs),
        });
    }

    /// <summary>The Transpose this pass would absorb: the only consumer of the graph's input; null when there is none.</summary>
    public static TransposeNode? Absorbable(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.ConsumerCount(graph.Input) == 1 && graph.ConsumersOf(graph.Input).Single() is TransposeNode t ? t : null;
    }
}
