using Ann2Snn.Neurons;

namespace Ann2Snn.Training;

/// <summary>
/// One population's step, reduced to constants: u = charge(v, I) (IF: v + g·I; LIF: V_rest + (v − V_rest)·a + g·I, with the
/// decay a = e^(−Δt/τm)), s = u ≥ θ, v ← u − s·θ (subtraction) or v ← V_reset (to zero), and the potential v₀ at t = 0.
/// Written as the neuron models write it, so that the floats are the simulator's.
/// </summary>
internal readonly record struct NeuronConstants(bool Leaky, float Decay, float Gain, float Theta, float Rest, bool Subtract,
    float InitialFraction)
{
    public static NeuronConstants Of(in NeuronParameters p, float theta) => new(
        p.Model is LeakyIntegrateAndFire,
        p.Model is LeakyIntegrateAndFire ? LeakyIntegrateAndFire.Decay(p) : 1f,
        p.InputGain,
        theta,
        p.ResetPotential,
        p.Reset == ResetMode.BySubtraction,
        p.InitialFraction);

    /// <summary>v₀ = V_reset + f·(θ − V_reset) (∂v₀/∂θ = f).</summary>
    public float Initial => Rest + (InitialFraction * (Theta - Rest));
}
