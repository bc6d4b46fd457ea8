using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>The graph input; its shape excludes the batch dimension.</summary>
public sealed class InputNode : Node
{
    public InputNode(string name, Shape shape) : base(name, []) => OutputShape = shape;
    public override Shape OutputShape { get; }

    /// <summary>
    /// The model takes raw unsigned bytes (an ONNX uint8 input, cast and scaled inside the model): data are fed as their
    /// byte values 0…255, not scaled to [0, 1]. The graph itself computes in float.
    /// </summary>
    public bool TakesBytes { get; init; }

    /// <summary>
    /// Where the batch sits in the model file's input: 0 ([N, …]), or 1 for a sequence-first recurrent model ([L, N, F]).
    /// The graph and the executor always take samples batch-major ([N, L, F]); only a caller feeding the file to another
    /// runtime needs this.
    /// </summary>
    public int BatchAxis { get; init; }
    public override string Op => "Input";
}
