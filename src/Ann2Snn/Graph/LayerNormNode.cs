using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Layer normalization over the trailing per-sample axes <see cref="FirstAxis"/>.. (ONNX LayerNormalization, or its
/// ReduceMean/Sub/Pow/Sqrt/Div decomposition folded at import): for each slice x of n = <see cref="Block"/>.Length
/// elements, μ = Σ xᵢ / n, σ² = Σ (xᵢ − μ)² / n, yᵢ = (xᵢ − μ) / √(σ² + ε) · γᵢ + βᵢ, with γ (<see cref="Scale"/>) and
/// β (<see cref="Bias"/>) of 1 or n elements.
/// </summary>
public sealed class LayerNormNode : Node
{
    public LayerNormNode(string name, Node input, int firstAxis, float epsilon, float[] scale, float[] bias) : base(name, [input])
    {
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(bias);
        Shape x = Single(name, "LayerNorm", Inputs);
        if (firstAxis < 0 || firstAxis >= x.Rank)
        {
            throw new InvalidModelException($"node '{name}' (LayerNorm): axis {firstAxis} does not fit input shape {x}");
        }
        Block = AxisBlock.Of(x, firstAxis, x.Rank - 1);
        if (Block.Length == 0)
        {
            throw new InvalidModelException($"node '{name}' (LayerNorm): the normalized axes of input shape {x} hold no elements");
        }
        if (!(epsilon >= 0) || !float.IsFinite(epsilon))
        {
            throw new InvalidModelException($"node '{name}' (LayerNorm): epsilon {epsilon} must be finite and not negative");
        }
        Check(scale, "scale");
        Check(bias, "bias");
        FirstAxis = firstAxis;
        Epsilon = epsilon;
        Scale = scale;
        Bias = bias;
        OutputShape = x;

        void Check(float[] v, string what)
        {
            if (v.Length != 1 && v.Length != Block.Length)
            {
                throw new InvalidModelException($"node '{name}' (LayerNorm): {what} has {v.Length} elements; "
                    + $"expected 1 or {Block.Length} (the normalized axes of {x})");
            }
            if (!v.All(float.IsFinite)) throw new InvalidModelException($"node '{name}' (LayerNorm): {what} holds a non-finite value");
        }
    }

    /// <summary>First normalized per-sample axis (0 is the first axis after the batch); the rest follow to the last.</summary>
    public int FirstAxis { get; }

    public float Epsilon { get; }

    /// <summary>γ: 1 or <see cref="AxisBlock.Length"/> elements.</summary>
    public float[] Scale { get; }

    /// <summary>β: 1 or <see cref="AxisBlock.Length"/> elements.</summary>
    public float[] Bias { get; }

    /// <summary>The sample as [slices, n, 1]: each of Outer slices of n contiguous elements is normalized on its own.</summary>
    public AxisBlock Block { get; }

    public override Shape OutputShape { get; }
    public override string Op => "LayerNorm";
    public override long Parameters => Scale.Length + Bias.Length;
    public override string Describe() => $"axes {FirstAxis}.. ε={Epsilon:g3}";
}
