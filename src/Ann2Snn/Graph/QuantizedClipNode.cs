using System.Globalization;
using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// A quantized clipped activation, the QCFS function of quantization-aware training (Bu et al. 2022):
/// y = λ·clip(⌊x·L/λ + φ⌋ / L, 0, 1), that is L + 1 levels 0, λ/L, …, λ. λ &gt; 0 is the trained upper bound,
/// L ≥ 1 the number of levels and φ ∈ [0, 1) the shift (½ in QCFS: rounding to the nearest level). Without levels
/// (<see cref="Levels"/> null) it is the plain ReLU-λ, y = clip(x, 0, λ), and φ plays no part.
/// Conversion maps it onto IF neurons with threshold λ and initial membrane φ·λ, so that over T = L steps a constant
/// input gives exactly the activation as a spike count.
/// </summary>
public sealed class QuantizedClipNode : Node
{
    /// <param name="name">Node name.</param>
    /// <param name="input">The pre-activation.</param>
    /// <param name="lambda">λ, the upper bound (positive, finite).</param>
    /// <param name="levels">L ≥ 1; null or 0 for no quantization (ReLU-λ).</param>
    /// <param name="shift">φ ∈ [0, 1).</param>
    public QuantizedClipNode(string name, Node input, float lambda, int? levels, float shift = 0.5f) : base(name, [input])
    {
        OutputShape = Single(name, "QuantizedClip", Inputs);
        if (!(lambda > 0) || !float.IsFinite(lambda))
        {
            throw new InvalidModelException($"node '{name}' (QuantizedClip): upper bound λ = {Text(lambda)} must be positive and finite");
        }
        if (levels < 0) throw new InvalidModelException($"node '{name}' (QuantizedClip): {levels} levels; expected L ≥ 1 (or none)");
        if (!(shift >= 0 && shift < 1))
        {
            throw new InvalidModelException($"node '{name}' (QuantizedClip): shift φ = {Text(shift)} is outside [0, 1)");
        }
        Lambda = lambda;
        Levels = levels is 0 ? null : levels;
        Shift = shift;
    }

    /// <summary>λ, the upper bound of the output.</summary>
    public float Lambda { get; }

    /// <summary>L, the number of quantization steps between 0 and λ; null for the unquantized ReLU-λ.</summary>
    public int? Levels { get; }

    /// <summary>φ, added before the floor (½ rounds to the nearest level).</summary>
    public float Shift { get; }

    public override Shape OutputShape { get; }
    public override string Op => "QuantizedClip";

    private static string Text(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    public override string Describe() => Levels is { } l
        ? $"λ={Lambda:g4} L={l} φ={Shift:g4}"
        : $"λ={Lambda:g4}";
}
