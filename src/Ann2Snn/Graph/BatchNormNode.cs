using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

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
