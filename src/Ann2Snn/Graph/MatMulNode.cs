using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// The per-sample matrix product of two computed tensors, Y[…, i, j] = Σₖ A[…, i, k]·B[…, k, j], for A of per-sample
/// shape [..., m, k] and B [..., k, n] (ONNX MatMul of two activations: attention's Q·Kᵀ and A·V). Both operands have the
/// same rank ≥ 2; their leading axes broadcast as NumPy's do (equal, or 1 on one side), the batch never.
/// A product by a constant is a <see cref="DenseNode"/> instead, which converts as a synapse.
/// </summary>
public sealed class MatMulNode : Node
{
    public MatMulNode(string name, Node a, Node b) : base(name, [a, b])
    {
        Shape x = a.OutputShape, w = b.OutputShape;
        if (x.Rank < 2 || w.Rank < 2 || x.Rank != w.Rank)
        {
            throw new InvalidModelException($"node '{name}' (MatMul): input shapes {x} and {w} must have one rank of at least 2 "
                + "([..., m, k] by [..., k, n]) per sample");
        }
        int r = x.Rank;
        if (x[r - 1] != w[r - 2])
        {
            throw new InvalidModelException($"node '{name}' (MatMul): input shapes {x} and {w} disagree: "
                + $"k = {x[r - 1]} against {w[r - 2]}");
        }
        Shape lead = BinaryNode.Broadcast(name, "MatMul", new Shape([.. x.Take(r - 2), 1, 1]), new Shape([.. w.Take(r - 2), 1, 1]));
        M = x[r - 2];
        K = x[r - 1];
        N = w[r - 1];
        OutputShape = new Shape([.. lead.Take(r - 2), M, N]);
    }

    /// <summary>Rows of each product (A's second-to-last dim).</summary>
    public int M { get; }

    /// <summary>The summed dim (A's last, B's second-to-last).</summary>
    public int K { get; }

    /// <summary>Columns of each product (B's last dim).</summary>
    public int N { get; }

    /// <summary>How many products each sample holds (the broadcast leading dims).</summary>
    public int Products => OutputShape.Size / (M * N);

    public override Shape OutputShape { get; }
    public override string Op => "MatMul";
    public override long Macs => (long)OutputShape.Size * K;
    public override string Describe() => $"{M}×{K} · {K}×{N}" + (Products > 1 ? $" ×{Products}" : "");
}
