using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

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
