using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// Permutes the axes of the per-sample tensor (ONNX Transpose with the batch axis kept first): output axis i is input
/// axis <see cref="Permutation"/>[i], so y[j₀, …, j_{r−1}] = x[k] with k[Permutation[i]] = jᵢ. NHWC → NCHW of a
/// sample [H, W, C] is the permutation (2, 0, 1); NCHW → NHWC is (1, 2, 0).
/// </summary>
public sealed class TransposeNode : Node
{
    public TransposeNode(string name, Node input, int[] permutation) : base(name, [input])
    {
        ArgumentNullException.ThrowIfNull(permutation);
        Shape x = Single(name, "Transpose", Inputs);
        if (!IsPermutation(permutation, x.Rank))
        {
            throw new InvalidModelException($"node '{name}' (Transpose): ({string.Join(", ", permutation)}) is not a permutation "
                + $"of the {x.Rank} axes of {x}");
        }
        int[] p = (int[])permutation.Clone();
        Permutation = p;
        OutputShape = new Shape(Array.ConvertAll(p, a => x[a]));
    }

    /// <summary>Output axis i is input axis Permutation[i] (per-sample axes, batch excluded).</summary>
    public IReadOnlyList<int> Permutation { get; }

    /// <summary>Whether the permutation leaves every axis in place, so the node copies its input.</summary>
    public bool IsIdentity => Permutation.Select((a, i) => a == i).All(x => x);

    public override Shape OutputShape { get; }
    public override string Op => "Transpose";
    public override string Describe() => $"perm=({string.Join(",", Permutation)})";

    /// <summary>Whether <paramref name="p"/> holds each of 0 … rank − 1 exactly once.</summary>
    public static bool IsPermutation(IReadOnlyList<int> p, int rank)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Count != rank) return false;
        var seen = new bool[rank];
        foreach (int a in p)
        {
            if ((uint)a >= (uint)rank || seen[a]) return false;
            seen[a] = true;
        }
        return true;
    }
}
