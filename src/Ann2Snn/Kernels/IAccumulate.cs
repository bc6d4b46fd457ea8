using System.Runtime.Intrinsics;

namespace Ann2Snn.Kernels;

/// <summary>
/// How a spike's weights enter the target: added (+1 spikes) or subtracted (−1 spikes); a type argument, so each case compiles
/// to its own loop.
/// </summary>
internal interface IAccumulate
{
    static abstract float Apply(float y, float w);

    static abstract Vector256<float> Apply(Vector256<float> y, Vector256<float> w);

    static abstract Vector512<float> Apply(Vector512<float> y, Vector512<float> w);
}
