using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// A node of the ANN graph: a small closed set of sealed, immutable types, each of which checks its
/// inputs and computes its per-sample output <see cref="Shape"/> on construction.
/// </summary>
public abstract class Node
{
    private protected Node(string name, IReadOnlyList<Node> inputs)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(inputs);
        Name = name;
        Inputs = inputs;
    }

    /// <summary>Unique name within the graph (the ONNX node name, or its output tensor's name).</summary>
    public string Name { get; }

    /// <summary>The nodes whose outputs this node consumes, in order.</summary>
    public IReadOnlyList<Node> Inputs { get; }

    /// <summary>Per-sample output shape.</summary>
    public abstract Shape OutputShape { get; }

    /// <summary>Short operator name for tables and dumps ("Conv2d", "Dense", …).</summary>
    public abstract string Op { get; }

    /// <summary>Number of trainable parameters (weights and biases).</summary>
    public virtual long Parameters => 0;

    /// <summary>Multiply-accumulates per sample.</summary>
    public virtual long Macs => 0;

    /// <summary>Attributes for a readable dump, e.g. "k=3×3 s=1 p=1".</summary>
    public virtual string Describe() => "";

    private protected static Shape Single(string name, string op, IReadOnlyList<Node> inputs) =>
        inputs.Count == 1
            ? inputs[0].OutputShape
            : throw new InvalidModelException($"node '{name}' ({op}): expected 1 input, got {inputs.Count}");

    private protected static void RequireRank(string name, string op, Shape shape, int rank)
    {
        if (shape.Rank != rank)
        {
            throw new InvalidModelException($"node '{name}' ({op}): input shape {shape} has rank {shape.Rank}, expected {rank}");
        }
    }

    /// <summary>Throws unless <paramref name="shape"/> is a feature map [C, H, W] or a sequence [C, L] (read as [C, 1, L]).</summary>
    private protected static void RequireSpatial(string name, string op, Shape shape)
    {
        if (!shape.IsSpatial)
        {
            throw new InvalidModelException($"node '{name}' ({op}): input shape {shape} has rank {shape.Rank}, "
                + "expected [C, H, W] or [C, L]");
        }
    }

    /// <summary>
    /// The output of a windowed op over <paramref name="input"/> with <paramref name="channels"/> channels: [C, H, W],
    /// or [C, L] for a sequence input, whose window must then stay one row high.
    /// </summary>
    private protected static Shape WindowOutput(string name, string op, Shape input, int channels, Window2d window)
    {
        var (oh, ow) = window.OutputSize(input.Height, input.Width, $"node '{name}' ({op})");
        if (input.Rank == 3) return new Shape(channels, oh, ow);
        if (oh != 1)
        {
            throw new InvalidModelException($"node '{name}' ({op}): the window ({window}) over the sequence {input} "
                + $"gives {oh} rows; a 1-D window must have height 1 and no top or bottom padding");
        }
        return new Shape(channels, ow);
    }

    public override string ToString() => $"{Name} ({Op}) → {OutputShape}";
}
