using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ann2Snn.Kernels;

internal readonly struct Minus : IAccumulate
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Apply(float y, float w) => y - w;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Apply(Vector256<float> y, Vector256<float> w) => y - w;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Apply(Vector512<float> y, Vector512<float> w) => y - w;
}
