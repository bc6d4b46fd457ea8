namespace Ann2Snn.Snn;

/// <summary>
/// What a population's membranes keep when a new sequence element's window starts (<see cref="SequencePresentation"/>).
/// </summary>
public enum WindowStart
{
    /// <summary>
    /// The quantization residue: each membrane is clamped to [V_reset, V_th]. What is below the reset potential — the previous
    /// element driving the neuron below zero — is forgotten, as a ReLU forgets the previous pre-activation; the part of a spike
    /// not yet emitted carries into the next window, so rounding errors of consecutive windows cancel instead of adding up
    /// through the recurrence (first-order noise shaping). The default: measured best (docs/recurrent.md).
    /// </summary>
    Residue,

    /// <summary>Every membrane returns to V(0): each window rounds on its own.</summary>
    Rest,

    /// <summary>Membranes are left as they are: the neuron integrates across windows, negative drive included.</summary>
    Carry,
}
