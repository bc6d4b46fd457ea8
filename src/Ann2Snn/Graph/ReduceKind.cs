namespace Ann2Snn.Graph;

/// <summary>What <see cref="ReduceNode"/> computes over the reduced elements x₁…x_n of each output element.</summary>
public enum ReduceKind
{
    /// <summary>y = Σ xᵢ (ONNX ReduceSum).</summary>
    Sum,

    /// <summary>y = Σ xᵢ / n (ONNX ReduceMean).</summary>
    Mean,

    /// <summary>y = Π xᵢ (ONNX ReduceProd).</summary>
    Prod,

    /// <summary>y = Σ xᵢ² (ONNX ReduceSumSquare).</summary>
    SumSquare,
}
