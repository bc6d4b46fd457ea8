using System.ComponentModel;
using Ann2Snn.Simulation;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// What a converted network stores beyond the conversion proper: its step Δt and its synapse model (convert writes them into
/// the .snn file; eval and the other commands that simulate use them).
/// </summary>
public class NetworkSettings : ConversionSettings
{
    [CommandOption("--dt <DT>")]
    [Description("Simulation step Δt in units of the neurons' time constant τ (the time in which a neuron at λ fires s spikes), "
        + "0 < Δt ≤ 1 (default 1): smaller steps approach the continuous-time network; run for --duration τ or T = duration/Δt steps.")]
    public float Dt { get; init; } = 1f;

    [CommandOption("--synapse <MODEL>")]
    [Description("delta | exp (exponential current synapse with --tau-syn). convert stores it with the network; default: the "
        + "network's, else delta.")]
    public string? Synapse { get; init; }

    [CommandOption("--tau-syn <TIME>")]
    [Description("Synaptic time constant τs in the time unit of --dt (steps at --dt 1; default: the network's, else 5).")]
    public float? TauSyn { get; init; }

    protected override float StepLength => Dt;

    /// <summary>--synapse as a model, or null when not given.</summary>
    public SynapseModel? SynapseOption() => Synapse is null ? null : Synapse switch
    {
        "delta" => SynapseModel.Delta,
        "exp" or "exponential" => SynapseModel.Exponential,
        _ => Bad<SynapseModel>("--synapse", Synapse, "delta, exp"),
    };

    /// <summary>--tau-syn, checked (positive and finite), or null when not given.</summary>
    public float? TauSynOption() => TauSyn is { } t && !(t > 0 && float.IsFinite(t))
        ? throw new InvalidOptionException($"option '--tau-syn': τs = {t} must be positive and finite")
        : TauSyn;

    /// <summary>Simulation options with the synapse model and τs given (the defaults' otherwise).</summary>
    public SimulationOptions WithSynapse(SimulationOptions options) => options with
    {
        Synapse = SynapseOption() ?? options.Synapse,
        TauSyn = TauSynOption() ?? options.TauSyn,
    };
}
