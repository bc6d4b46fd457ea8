using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Fully connected layer on the last axis: y[…, o] = Σᵢ W[o, i]·x[…, i] + b[o]. Weight shape [Out, In]; optional bias
/// [Out]. A vector input is the plain layer; leading axes (the tokens of a Transformer) are positions that share the
/// weights, so a Linear over tokens costs its own weights and t times its MACs, not a t-times block-diagonal map.
/// </summary>
public sealed class DenseNode : Node
{
    public DenseNode(string name, Node input, FloatTensor weight, float[]? bias) : base(name, [input])
    {
        Shape x = Single(name, "Dense", Inputs);
        if (weight.Rank != 2) throw new InvalidModelException($"node '{name}' (Dense): weight has rank {weight.Rank}, "
            + "expected 2 [Out, In]");
        if (weight.Shape[1] != x[^1])
        {
            throw new InvalidModelException($"node '{name}' (Dense): weight expects {weight.Shape[1]} inputs, input {x} has "
                + $"{x[^1]} on its last axis");
        }
        if (bias is not null && bias.Length != weight.Shape[0])
        {
            throw new InvalidModelException($"node '{name}' (Dense): bias has {bias.Length} elements, expected {weight.Shape[0]}");
        }
        Weight = weight;
        Bias = bias;
        Positions = x.Size / x[^1];
        OutputShape = new Shape([.. x.ToArray()[..^1], weight.Shape[0]]);
    }

    public FloatTensor Weight { get; }
    public float[]? Bias { get; }
    public int OutFeatures => Weight.Shape[0];
    public int InFeatures => Weight.Shape[1];

    /// <summary>How many positions (tokens) share the weights: the product of the input's leading axes; 1 for a vector.</summary>
    public int Positions { get; }

    /// <summary>The plain layer on a vector, the form the passes that rewrite weights per input or output element expect.</summary>
    public bool IsVector => Inputs[0].OutputShape.Rank == 1;

    public override Shape OutputShape { get; }
    public override string Op => "Dense";
    public override long Parameters => Weight.Length + (Bias?.Length ?? 0);
    public override long Macs => (long)Weight.Length * Positions;
    public override string Describe() => IsVector ? $"{InFeatures}→{OutFeatures}" : $"{InFeatures}→{OutFeatures} per token ×{Positions}";
}
