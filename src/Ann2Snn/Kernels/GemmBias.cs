namespace Ann2Snn.Kernels;

/// <summary>Which constant vector a GEMM adds to its product.</summary>
public enum GemmBias
{
    /// <summary>No bias.</summary>
    None,

    /// <summary>One value per row of C (length ≥ M): the convolution bias, C = W·col.</summary>
    PerRow,

    /// <summary>One value per column of C (length ≥ N): the dense-layer bias, Y = X·Wᵀ.</summary>
    PerColumn,
}
