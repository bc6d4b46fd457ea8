namespace Ann2Snn.Kernels;

/// <summary>Micro-kernel variants; tests run every one the hardware supports.</summary>
internal enum GemmKernel
{
    Scalar,
    Vector256,
    Vector512,
}
