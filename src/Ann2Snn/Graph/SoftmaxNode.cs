using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Softmax, y = exp(x − max) / Σ exp(x − max), or log-softmax, y = x − max − log Σ exp(x − max), over the per-sample
/// axes <see cref="FirstAxis"/>..<see cref="LastAxis"/> taken together (one axis from ONNX opset 13; an axis and all
/// after it before): each slice along those axes is normalized on its own. Over the whole sample it is monotonic,
/// and at the output the argmax readout makes it redundant.
/// </summary>
public sealed class SoftmaxNode : Node
{
    /// <summary>A softmax over the whole sample.</summary>
    public SoftmaxNode(string name, Node input, bool log)
        : this(name, input, log, 0, (input ?? throw new ArgumentNullException(nameof(input))).OutputShape.Rank - 1)
    {
    }

    public SoftmaxNode(string name, Node input, bool log, int firstAxis, int lastAxis) : base(name, [input])
    {
        Shape x = Single(name, log ? "LogSoftmax" : "Softmax", Inputs);
        if (firstAxis < 0 || lastAxis < firstAxis || lastAxis >= x.Rank)
        {
            throw new InvalidModelException($"node '{name}' ({(log ? "LogSoftmax" : "Softmax")}): axes {firstAxis}..{lastAxis} "
                + $"do not fit input shape {x}");
        }
        OutputShape = x;
        Log = log;
        FirstAxis = firstAxis;
        LastAxis = lastAxis;
        Block = AxisBlock.Of(x, firstAxis, lastAxis);
    }

    public bool Log { get; }

    /// <summary>First per-sample axis of the normalized run (0 is the first axis after the batch).</summary>
    public int FirstAxis { get; }

    /// <summary>Last per-sample axis of the normalized run (inclusive).</summary>
    public int LastAxis { get; }

    /// <summary>The sample as [outer, length, inner] around the normalized axes.</summary>
    public AxisBlock Block { get; }

    /// <summary>Whether one softmax spans the whole sample (every dim outside the axes is 1).</summary>
    public bool CoversSample => Block.IsWhole;

    public override Shape OutputShape { get; }
    public override string Op => Log ? "LogSoftmax" : "Softmax";
    public override string Describe() => CoversSample ? "" : FirstAxis == LastAxis ? $"axis {FirstAxis}" : $"axes {FirstAxis}..{LastAxis}";
}
