namespace Ann2Snn.Simulation;

/// <summary>The simulator backends (<see cref="Simulators"/>); each simulates the same network to the same spikes.</summary>
public enum SimulatorBackend
{
    /// <summary>
    /// Chosen for the network and the input by
    /// <see cref="Simulators.Choose(SimulatorBackend, Snn.SpikingNetwork?, SimulationOptions?, Func{Data.DataBatch}?)"/>.
    /// </summary>
    Auto,

    /// <summary>Every synapse every step, batched: cost independent of the firing rate.</summary>
    Dense,

    /// <summary>Event-driven: cost grows with the synaptic events.</summary>
    Event,

    /// <summary>Dense, one layer at a time over all steps.</summary>
    Layered,

    /// <summary>Time-to-first-spike coding: each neuron fires at most once.</summary>
    Ttfs,
}
