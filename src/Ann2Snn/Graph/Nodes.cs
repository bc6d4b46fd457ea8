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

    public override string ToString() => $"{Name} ({Op}) → {OutputShape}";
}

/// <summary>The graph input; its shape excludes the batch dimension.</summary>
public sealed class InputNode : Node
{
    public InputNode(string name, Shape shape) : base(name, []) => OutputShape = shape;
    public override Shape OutputShape { get; }
    public override string Op => "Input";
}

/// <summary>2-D convolution over NCHW. Weight shape [O, C/groups, kH, kW]; optional bias [O].</summary>
public sealed class Conv2dNode : Node
{
    public Conv2dNode(string name, Node input, FloatTensor weight, float[]? bias, Window2d window, int groups = 1)
        : base(name, [input])
    {
        Shape x = Single(name, "Conv2d", Inputs);
        RequireRank(name, "Conv2d", x, 3);
        if (weight.Rank != 4) throw new InvalidModelException($"node '{name}' (Conv2d): weight has rank {weight.Rank}, "
            + "expected 4 [O, C/g, kH, kW]");
        int o = weight.Shape[0];
        if (groups <= 0 || x.Channels % groups != 0 || o % groups != 0)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): group={groups} does not divide input channels {x.Channels} "
                + $"and output channels {o}");
        }
        if (weight.Shape[1] * groups != x.Channels)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): weight expects {weight.Shape[1] * groups} input channels, "
                + $"input has {x.Channels}");
        }
        if (weight.Shape[2] != window.KernelH || weight.Shape[3] != window.KernelW)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): kernel {window.KernelH}×{window.KernelW} "
                + $"does not match weight {weight}");
        }
        if (bias is not null && bias.Length != o)
        {
            throw new InvalidModelException($"node '{name}' (Conv2d): bias has {bias.Length} elements, expected {o}");
        }
        if (window.CeilMode) throw new InvalidModelException($"node '{name}' (Conv2d): ceil mode applies to pooling only");
        var (oh, ow) = window.OutputSize(x.Height, x.Width, $"node '{name}' (Conv2d)");
        Weight = weight;
        Bias = bias;
        Window = window;
        Groups = groups;
        OutputShape = new Shape(o, oh, ow);
    }

    public FloatTensor Weight { get; }
    public float[]? Bias { get; }
    public Window2d Window { get; }
    public int Groups { get; }
    public int OutChannels => Weight.Shape[0];
    public int InChannels => Inputs[0].OutputShape.Channels;
    public override Shape OutputShape { get; }
    public override string Op => "Conv2d";
    public override long Parameters => Weight.Length + (Bias?.Length ?? 0);
    public override long Macs => (long)OutputShape.Size * Weight.Shape[1] * Window.KernelH * Window.KernelW;
    public override string Describe() => Window + (Groups != 1 ? $" g={Groups}" : "");
}

/// <summary>Fully connected layer y = W·x + b. Weight shape [Out, In]; optional bias [Out]; input must be a vector.</summary>
public sealed class DenseNode : Node
{
    public DenseNode(string name, Node input, FloatTensor weight, float[]? bias) : base(name, [input])
    {
        Shape x = Single(name, "Dense", Inputs);
        RequireRank(name, "Dense", x, 1);
        if (weight.Rank != 2) throw new InvalidModelException($"node '{name}' (Dense): weight has rank {weight.Rank}, "
            + "expected 2 [Out, In]");
        if (weight.Shape[1] != x.Size)
        {
            throw new InvalidModelException($"node '{name}' (Dense): weight expects {weight.Shape[1]} inputs, input has {x.Size}");
        }
        if (bias is not null && bias.Length != weight.Shape[0])
        {
            throw new InvalidModelException($"node '{name}' (Dense): bias has {bias.Length} elements, expected {weight.Shape[0]}");
        }
        Weight = weight;
        Bias = bias;
        OutputShape = new Shape(weight.Shape[0]);
    }

    public FloatTensor Weight { get; }
    public float[]? Bias { get; }
    public int OutFeatures => Weight.Shape[0];
    public int InFeatures => Weight.Shape[1];
    public override Shape OutputShape { get; }
    public override string Op => "Dense";
    public override long Parameters => Weight.Length + (Bias?.Length ?? 0);
    public override long Macs => Weight.Length;
    public override string Describe() => $"{InFeatures}→{OutFeatures}";
}

/// <summary>Inference batch normalization over the channel axis: y = γ (x − μ) / √(σ² + ε) + β.</summary>
public sealed class BatchNormNode : Node
{
    public BatchNormNode(string name, Node input, float[] scale, float[] bias, float[] mean, float[] variance, float epsilon)
        : base(name, [input])
    {
        Shape x = Single(name, "BatchNorm", Inputs);
        int c = x.Channels;
        foreach (var (what, v) in new[] { ("scale", scale), ("bias", bias), ("mean", mean), ("variance", variance) })
        {
            if (v.Length != c) throw new InvalidModelException($"node '{name}' (BatchNorm): {what} has {v.Length} elements, "
                + $"expected {c} (channels)");
        }
        if (!(epsilon >= 0) || !float.IsFinite(epsilon)) throw new InvalidModelException($"node '{name}' (BatchNorm): epsilon {epsilon} "
            + "must be finite and non-negative");
        for (int i = 0; i < c; i++)
        {
            if (variance[i] + epsilon <= 0)
            {
                throw new InvalidModelException($"node '{name}' (BatchNorm): variance[{i}] + epsilon = {variance[i] + epsilon} "
                    + "must be positive");
            }
        }
        Scale = scale;
        Bias = bias;
        Mean = mean;
        Variance = variance;
        Epsilon = epsilon;
        OutputShape = x;
    }

    public float[] Scale { get; }
    public float[] Bias { get; }
    public float[] Mean { get; }
    public float[] Variance { get; }
    public float Epsilon { get; }
    public override Shape OutputShape { get; }
    public override string Op => "BatchNorm";
    public override long Parameters => 4L * Scale.Length;
    public override string Describe() => $"ε={Epsilon:g3}";

    /// <summary>Per-channel multiplier a = γ / √(σ² + ε) and offset c = β − a·μ, so that y = a·x + c.</summary>
    public (float[] Multiplier, float[] Offset) Affine()
    {
        var a = new float[Scale.Length];
        var c = new float[Scale.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double m = Scale[i] / Math.Sqrt((double)Variance[i] + Epsilon);
            a[i] = (float)m;
            c[i] = (float)(Bias[i] - m * Mean[i]);
        }
        return (a, c);
    }
}

/// <summary>Rectified linear unit, y = max(0, x).</summary>
public sealed class ReluNode : Node
{
    public ReluNode(string name, Node input) : base(name, [input]) => OutputShape = Single(name, "Relu", Inputs);
    public override Shape OutputShape { get; }
    public override string Op => "Relu";
}

/// <summary>y = min(max(x, Min), Max) (ReLU6 is Clip(0, 6)).</summary>
public sealed class ClipNode : Node
{
    public ClipNode(string name, Node input, float min, float max) : base(name, [input])
    {
        OutputShape = Single(name, "Clip", Inputs);
        if (float.IsNaN(min) || float.IsNaN(max) || min > max)
        {
            throw new InvalidModelException($"node '{name}' (Clip): min {min} must not exceed max {max}");
        }
        Min = min;
        Max = max;
    }

    public float Min { get; }
    public float Max { get; }
    public override Shape OutputShape { get; }
    public override string Op => "Clip";
    public override string Describe() => $"[{Min:g4}, {Max:g4}]";
}

/// <summary>Pooling kind of <see cref="Pool2dNode"/>.</summary>
public enum PoolKind
{
    Max,
    Average,
}

/// <summary>
/// Max or average pooling over each channel's H×W plane. Padded cells are −∞ for max pooling; for average
/// pooling they count in the divisor only when <see cref="CountIncludePad"/> is set.
/// </summary>
public sealed class Pool2dNode : Node
{
    public Pool2dNode(string name, Node input, PoolKind kind, Window2d window, bool countIncludePad = false) : base(name, [input])
    {
        Shape x = Single(name, kind == PoolKind.Max ? "MaxPool2d" : "AvgPool2d", Inputs);
        RequireRank(name, Op, x, 3);
        Kind = kind;
        var (oh, ow) = window.OutputSize(x.Height, x.Width, $"node '{name}' ({Op})");
        Window = window;
        CountIncludePad = countIncludePad;
        OutputShape = new Shape(x.Channels, oh, ow);
    }

    public PoolKind Kind { get; }
    public Window2d Window { get; }
    public bool CountIncludePad { get; }
    public override Shape OutputShape { get; }
    public override string Op => Kind == PoolKind.Max ? "MaxPool2d" : "AvgPool2d";
    public override string Describe() => Window + (Kind == PoolKind.Average && CountIncludePad ? " incl-pad" : "");
}

/// <summary>Average over each channel's whole plane: [C, H, W] → [C, 1, 1].</summary>
public sealed class GlobalAvgPoolNode : Node
{
    public GlobalAvgPoolNode(string name, Node input) : base(name, [input])
    {
        Shape x = Single(name, "GlobalAvgPool", Inputs);
        RequireRank(name, "GlobalAvgPool", x, 3);
        OutputShape = new Shape(x.Channels, 1, 1);
    }

    public override Shape OutputShape { get; }
    public override string Op => "GlobalAvgPool";
}

/// <summary>Reinterprets the per-sample tensor with a new shape of the same size (Flatten, Reshape). Data order is unchanged.</summary>
public sealed class ReshapeNode : Node
{
    public ReshapeNode(string name, Node input, Shape shape, string op = "Reshape") : base(name, [input])
    {
        Shape x = Single(name, op, Inputs);
        if (shape.Size != x.Size)
        {
            throw new InvalidModelException($"node '{name}' ({op}): cannot reshape {x} ({x.Size} elements) "
                + $"to {shape} ({shape.Size} elements)");
        }
        OutputShape = shape;
        Op = op;
    }

    public override Shape OutputShape { get; }
    public override string Op { get; }
}

/// <summary>
/// Element-wise affine map by constants, y = x·Scale + Shift, the form of input scaling (Sub/Mul/Div by constants)
/// and of a bias Add. Each of Scale and Shift has 1 element (scalar), C elements (per channel) or the full per-sample size.
/// </summary>
public sealed class ScaleShiftNode : Node
{
    public ScaleShiftNode(string name, Node input, float[] scale, float[] shift, string op = "ScaleShift") : base(name, [input])
    {
        Shape x = Single(name, op, Inputs);
        Check(scale, "scale", x);
        Check(shift, "shift", x);
        Scale = scale;
        Shift = shift;
        OutputShape = x;
        Op = op;

        void Check(float[] v, string what, Shape s)
        {
            if (!ChannelBroadcast.Fits(v.Length, s.Channels, s.Size))
            {
                throw new InvalidModelException($"node '{name}' ({op}): {what} has {v.Length} elements; "
                    + $"expected 1, {s.Channels} (channels) or {s.Size}");
            }
        }
    }

    public float[] Scale { get; }
    public float[] Shift { get; }
    public override Shape OutputShape { get; }
    public override string Op { get; }
}

/// <summary>Element-wise sum of two tensors of the same shape (residual connections).</summary>
public sealed class AddNode : Node
{
    public AddNode(string name, Node a, Node b) : base(name, [a, b])
    {
        if (!a.OutputShape.Equals(b.OutputShape))
        {
            throw new InvalidModelException($"node '{name}' (Add): input shapes {a.OutputShape} and {b.OutputShape} differ");
        }
        OutputShape = a.OutputShape;
    }

    public override Shape OutputShape { get; }
    public override string Op => "Add";
}

/// <summary>Concatenation along the channel axis (axis 0 of the per-sample shape).</summary>
public sealed class ConcatNode : Node
{
    public ConcatNode(string name, IReadOnlyList<Node> inputs) : base(name, inputs)
    {
        if (inputs.Count == 0) throw new InvalidModelException($"node '{name}' (Concat): needs at least one input");
        Shape first = inputs[0].OutputShape;
        int channels = 0;
        foreach (Node n in inputs)
        {
            Shape s = n.OutputShape;
            if (s.Rank != first.Rank || (s.Rank == 3 && (s.Height != first.Height || s.Width != first.Width)))
            {
                throw new InvalidModelException($"node '{name}' (Concat): input shapes {first} and {s} differ outside the channel axis");
            }
            channels += s.Channels;
        }
        int[] dims = first.ToArray();
        dims[0] = channels;
        OutputShape = new Shape(dims);
    }

    public override Shape OutputShape { get; }
    public override string Op => "Concat";
}

/// <summary>Softmax (or log-softmax) over a vector: only meaningful at the output, where it becomes an argmax readout.</summary>
public sealed class SoftmaxNode : Node
{
    public SoftmaxNode(string name, Node input, bool log) : base(name, [input])
    {
        OutputShape = Single(name, log ? "LogSoftmax" : "Softmax", Inputs);
        Log = log;
    }

    public bool Log { get; }
    public override Shape OutputShape { get; }
    public override string Op => Log ? "LogSoftmax" : "Softmax";
}

/// <summary>A pass-through at inference time (Identity, Dropout); kept so the graph mirrors the file until a pass drops it.</summary>
public sealed class IdentityNode : Node
{
    public IdentityNode(string name, Node input, string op = "Identity") : base(name, [input])
    {
        OutputShape = Single(name, op, Inputs);
        Op = op;
    }

    public override Shape OutputShape { get; }
    public override string Op { get; }
}
