using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// A spike-equivalent operator: a non-linear or bilinear function f of one or two operands that are carried by spikes
/// (each operand the current aₜ its projections deliver at step t). The layer accumulates Aₜ = Σ_{s≤t} aₛ per operand,
/// computes Yₜ = t · f(Aₜ/t) (for two operands t · f(Aₜ/t, Bₜ/t); for the product, AₜBₜ/t) and emits the difference
/// oₜ = Yₜ − Yₜ₋₁ (Y₀ = 0): real values, the input current of the layers it projects to. The emitted values telescope,
/// Σ_{t≤T} oₜ = T · f(mean input), so over a window the layer delivers exactly what the ANN's operator computes on the
/// mean of its inputs: the "accumulate, compute, emit the difference" principle of spike-equivalent conversion
/// (SpikeZIP-TF, You et al., ICML 2024; Spatio-Temporal Approximation, Jiang et al., ICLR 2024). Its work is not
/// event-driven: the simulators count it as multiply-accumulates (docs/transformers.md).
/// </summary>
public sealed class OperatorLayer : SpikingLayer
{
    private OperatorLayer(string name, OperatorKind op, IReadOnlyList<Operand> operands, Shape output, int normalizedAxes,
        float[]? gamma, float[]? beta, float epsilon)
        : base(name, output)
    {
        Operator = op;
        Operands = operands;
        NormalizedAxes = normalizedAxes;
        Gamma = gamma;
        Beta = beta;
        Epsilon = epsilon;
        Projections = operands.SelectMany(o => o.Projections).ToArray();
    }

    public OperatorKind Operator { get; }

    /// <summary>One operand, or two for <see cref="OperatorKind.MatMul"/> (A, then B).</summary>
    public IReadOnlyList<Operand> Operands { get; }

    /// <summary>LayerNorm: how many trailing axes are normalized together (0 for the other operators).</summary>
    public int NormalizedAxes { get; }

    /// <summary>LayerNorm: the scale γ and shift β, one value per element of the normalized axes (null otherwise).</summary>
    public float[]? Gamma { get; }

    /// <inheritdoc cref="Gamma"/>
    public float[]? Beta { get; }

    /// <summary>LayerNorm: ε added to the variance (0 for the other operators).</summary>
    public float Epsilon { get; }

    /// <summary>Every operand's projections, operand by operand.</summary>
    public IReadOnlyList<Projection> Projections { get; }

    /// <summary>LayerNorm: elements normalized together (the product of the trailing <see cref="NormalizedAxes"/> axes); else 0.</summary>
    public int NormalizedSize => NormalizedAxes == 0 ? 0 : Gamma!.Length;

    public override string Kind => "operator";

    /// <summary>The operator's name as the .snn format and messages spell it.</summary>
    public static string NameOf(OperatorKind op) => op.ToString().ToLowerInvariant();

    /// <summary>Softmax over the last axis of <paramref name="input"/>.</summary>
    public static OperatorLayer Softmax(string name, Operand input) =>
        new(name, OperatorKind.Softmax, [input], input.Shape, 0, null, null, 0f);

    /// <summary>The exact GELU, element-wise.</summary>
    public static OperatorLayer Gelu(string name, Operand input) =>
        new(name, OperatorKind.Gelu, [input], input.Shape, 0, null, null, 0f);

    /// <summary>
    /// LayerNorm over the trailing <paramref name="normalizedAxes"/> axes of <paramref name="input"/>, with
    /// <paramref name="gamma"/> and <paramref name="beta"/> of that many elements and <paramref name="epsilon"/> &gt; 0.
    /// </summary>
    public static OperatorLayer LayerNorm(string name, Operand input, float[] gamma, float[] beta, float epsilon, int normalizedAxes = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        string where = $"operator '{name}' (layernorm)";
        if (normalizedAxes < 1 || normalizedAxes > input.Shape.Rank)
        {
            throw new InvalidModelException($"{where}: normalizes {normalizedAxes} trailing axes of {input.Shape}; "
                + $"expected 1…{input.Shape.Rank}");
        }
        int size = 1;
        for (int a = input.Shape.Rank - normalizedAxes; a < input.Shape.Rank; a++) size *= input.Shape[a];
        if (gamma.Length != size || beta.Length != size) throw new InvalidModelException($"{where}: γ has {gamma.Length} and β "
            + $"{beta.Length} values; the last {normalizedAxes} axes of {input.Shape} hold {size}");
        if (!(epsilon > 0) || !float.IsFinite(epsilon))
        {
            throw new InvalidModelException($"{where}: ε = {epsilon} must be positive and finite");
        }
        if (!gamma.All(float.IsFinite) || !beta.All(float.IsFinite))
        {
            throw new InvalidModelException($"{where}: γ or β holds a non-finite value");
        }
        return new(name, OperatorKind.LayerNorm, [input], input.Shape, normalizedAxes, gamma, beta, epsilon);
    }

    /// <summary>
    /// The product A · B of <paramref name="a"/> [..., m, k] and <paramref name="b"/> [..., k, n] (both of rank ≥ 2), the
    /// leading axes broadcast (each pair equal, or one of them 1, the shorter list padded with 1 in front).
    /// </summary>
    public static OperatorLayer MatMul(string name, Operand a, Operand b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(name, OperatorKind.MatMul, [a, b], MatMulShape($"operator '{name}' (matmul)", a.Shape, b.Shape), 0, null, null, 0f);
    }

    /// <summary>
    /// The shape of A · B (see <see cref="MatMul"/>), or an <see cref="InvalidModelException"/> that says, after
    /// <paramref name="where"/>, which dimensions disagree.
    /// </summary>
    public static Shape MatMulShape(string where, Shape a, Shape b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank < 2 || b.Rank < 2) throw new InvalidModelException($"{where}: operands {a} and {b} need rank 2 or more");
        if (a[^1] != b[^2]) throw new InvalidModelException($"{where}: A {a} has {a[^1]} columns, B {b} has {b[^2]} rows");
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank - 2; i++)
        {
            int da = BatchDim(a, i, rank), db = BatchDim(b, i, rank);
            if (da != db && da != 1 && db != 1)
            {
                throw new InvalidModelException($"{where}: leading axes of A {a} and B {b} do not broadcast ({da} against {db})");
            }
            dims[i] = Math.Max(da, db);
        }
        dims[^2] = a[^2];
        dims[^1] = b[^1];
        return new Shape(dims);
    }

    /// <summary>
    /// Dimension <paramref name="i"/> of the leading axes of <paramref name="s"/>, padded with 1 in front to rank − 2 axes.
    /// </summary>
    internal static int BatchDim(Shape s, int i, int rank)
    {
        int at = i - (rank - s.Rank);
        return at < 0 ? 1 : s[at];
    }
}
