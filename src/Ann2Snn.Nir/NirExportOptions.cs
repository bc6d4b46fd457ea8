using Ann2Snn.Simulation;

namespace Ann2Snn.Nir;

/// <summary>How a spiking network is written as NIR.</summary>
public sealed record NirExportOptions
{
    /// <summary>
    /// Seconds per simulation step (NIR states time constants in seconds and stores no Δt; 1e-4 s is what the NIR paper,
    /// snnTorch and the Lava examples use). Written to the graph's metadata as <c>dt</c>.
    /// </summary>
    public double Dt { get; init; } = 1e-4;

    /// <summary>The synapse the network is meant to run with: exponential synapses make LIF populations CubaLIF nodes.</summary>
    public SynapseModel Synapse { get; init; } = SynapseModel.Delta;

    /// <summary>τs in steps, for <see cref="SynapseModel.Exponential"/>.</summary>
    public float TauSyn { get; init; } = 5f;

    public void Validate()
    {
        if (!(Dt > 0) || !double.IsFinite(Dt)) ThrowHelper.InvalidOption("dt", $"{Dt} s must be positive and finite");
        if (!(TauSyn > 0) || !float.IsFinite(TauSyn)) ThrowHelper.InvalidOption("tau-syn", $"τs = {TauSyn} must be positive and finite");
    }
}
