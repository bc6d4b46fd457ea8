using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// An element-wise activation y = f(x) of one of the <see cref="ActivationKind"/> functions (the formulas are there).
/// <see cref="Alpha"/> is LeakyRelu's and Elu's α and HardSigmoid's slope, <see cref="Beta"/> HardSigmoid's offset,
/// <see cref="Slope"/> PRelu's negative-side slopes: 1 value, one per channel, or one per element. A kind leaves the
/// parameters it does not take at 0 (and <see cref="Slope"/> null).
/// </summary>
public sealed class ActivationNode : Node
{
    public ActivationNode(string name, Node input, ActivationKind kind, float alpha = 0, float beta = 0, float[]? slope = null)
        : base(name, [input])
    {
        if (!Enum.IsDefined(kind)) throw new InvalidModelException($"node '{name}': unknown activation kind {(int)kind}");
        Shape x = Single(name, kind.ToString(), Inputs);
        bool takesAlpha = kind is ActivationKind.LeakyRelu or ActivationKind.Elu or ActivationKind.HardSigmoid or ActivationKind.Pow;
        bool takesBeta = kind == ActivationKind.HardSigmoid;
        if (!float.IsFinite(alpha) || !float.IsFinite(beta))
        {
            throw new InvalidModelException($"node '{name}' ({kind}): alpha {alpha} and beta {beta} must be finite");
        }
        if ((!takesAlpha && alpha != 0) || (!takesBeta && beta != 0))
        {
            throw new InvalidModelException($"node '{name}' ({kind}): takes no {(!takesAlpha && alpha != 0 ? "alpha" : "beta")}");
        }
        if (kind == ActivationKind.PRelu)
        {
            if (slope is null || !ChannelBroadcast.Fits(slope.Length, x.Channels, x.Size))
            {
                throw new InvalidModelException($"node '{name}' (PRelu): slope has {slope?.Length ?? 0} elements; "
                    + $"expected 1, {x.Channels} (channels) or {x.Size}");
            }
            if (!slope.All(float.IsFinite)) throw new InvalidModelException($"node '{name}' (PRelu): slope holds a non-finite value");
        }
        else if (slope is not null)
        {
            throw new InvalidModelException($"node '{name}' ({kind}): takes no slope tensor");
        }
        Kind = kind;
        Alpha = alpha;
        Beta = beta;
        Slope = slope;
        OutputShape = x;
    }

    public ActivationKind Kind { get; }
    public float Alpha { get; }
    public float Beta { get; }
    public float[]? Slope { get; }
    public override Shape OutputShape { get; }
    public override string Op => Kind.ToString();
    public override long Parameters => Slope?.Length ?? 0;

    /// <summary>
    /// Whether f is one strictly increasing function, the same for every element: then it keeps the order of any two
    /// elements, so the argmax of its output is the argmax of its input. HardSigmoid is flat beyond its corners and
    /// HardSwish dips below 0; PRelu qualifies only with a single positive slope.
    /// </summary>
    public bool IsStrictlyIncreasing => Kind switch
    {
        ActivationKind.Sigmoid or ActivationKind.Tanh or ActivationKind.Erf => true,
        ActivationKind.LeakyRelu or ActivationKind.Elu => Alpha > 0,
        ActivationKind.PRelu => Slope!.All(s => s == Slope![0]) && Slope![0] > 0,
        _ => false,
    };

    public override string Describe() => Kind switch
    {
        ActivationKind.LeakyRelu or ActivationKind.Elu => $"α={Alpha:g4}",
        ActivationKind.Pow => $"exponent {Alpha:g4}",
        ActivationKind.HardSigmoid => $"α={Alpha:g4} β={Beta:g4}",
        ActivationKind.PRelu => Slope!.Length == 1 ? $"slope={Slope[0]:g4}" : $"{Slope.Length} slopes",
        _ => "",
    };
}
