namespace Ann2Snn.Simulation;

/// <summary>Synaptic current dynamics (M7).</summary>
public enum SynapseModel
{
    /// <summary>Instantaneous: an input spike changes the membrane in the step it arrives.</summary>
    Delta,

    /// <summary>Exponential current synapse, τs dI/dt = −I + input: a low-pass filter with unit DC gain.</summary>
    Exponential,
}
