using Ann2Snn.Analysis;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// Everything <see cref="Evaluator.Run"/> found: the network simulated and how it was obtained, the ANN's accuracy,
/// the SNN's accuracy against T, activity per layer, latency and energy; with the request, enough to print the
/// run, serialize it, or build a report from it (the images, as the model takes them, are <see cref="Input"/>).
/// </summary>
public sealed record EvaluationResult
{
    public required EvaluationRequest Request { get; init; }

    /// <summary>The model's file, or the name of the network or graph given.</summary>
    public required string Model { get; init; }

    /// <summary>The spiking network simulated.</summary>
    public required SpikingNetwork Network { get; init; }

    /// <summary>The ANN (as loaded, before the conversion's passes), or null for a network evaluated without one.</summary>
    public ModelGraph? Graph { get; init; }

    /// <summary>The conversion, when the network was converted in this run.</summary>
    public ConversionResult? Conversion { get; init; }

    /// <summary>Wall-clock seconds of the conversion (calibration included), when the network was converted in this run.</summary>
    public double? ConversionSeconds { get; init; }

    /// <summary>The ANN's accuracy on the test images, when there is an ANN.</summary>
    public AnnEvaluation? AnnEvaluation { get; init; }

    /// <summary>
    /// The test images as the ANN and the SNN took them: <see cref="EvaluationRequest.Data"/> with the preprocessing applied
    /// (the request's over the network's stored one) and laid out for the model's input.
    /// </summary>
    public required PreprocessedDataset Input { get; init; }

    /// <summary>The change of layout the images needed, or null when their shape is the model's.</summary>
    public InputAdaptation? Adaptation => Input.Adaptation.Kind == InputAdaptationKind.Identity ? null : Input.Adaptation;

    /// <summary>The backend that ran the simulation.</summary>
    public required ISimulator Simulator { get; init; }

    /// <summary>The firing rate (spikes per neuron and step) "auto" measured to choose the backend; null when none was measured.</summary>
    public double? PilotRate { get; init; }

    /// <summary>The options the simulation ran with (the input encoding resolved, T of a time-to-first-spike code).</summary>
    public required SimulationOptions Simulation { get; init; }

    /// <summary>The T values reported.</summary>
    public required IReadOnlyList<int> Steps { get; init; }

    public required SimulationResult Snn { get; init; }

    /// <summary>
    /// The counts the numbers below are computed from (<see cref="EvaluationTotals"/>): those of a shard add up with the
    /// other shards' to the whole run's.
    /// </summary>
    public required EvaluationTotals Totals { get; init; }

    /// <summary>SNN (and ANN) accuracy at each of <see cref="Steps"/>.</summary>
    public required IReadOnlyList<StepAccuracy> Accuracy { get; init; }

    /// <summary>Activity of each layer of <see cref="Network"/>, in its order.</summary>
    public required IReadOnlyList<PopulationActivity> Layers { get; init; }

    /// <summary>Steps until each image's answer stops changing.</summary>
    public required AccuracyLatency Latency { get; init; }

    /// <summary>Energy per image under each built-in <see cref="EnergyProfile"/>; null without an ANN to compare with.</summary>
    public IReadOnlyList<EnergyEstimate>? Energy { get; init; }

    /// <summary>The test images' description.</summary>
    public string Data => Request.Data.Description;

    /// <summary>Images simulated.</summary>
    public int Images => Snn.Images;

    public double? AnnAccuracy => AnnEvaluation?.Accuracy;

    /// <summary>The conversion's options, when the network was converted in this run.</summary>
    public ConversionOptions? ConversionOptions => Conversion is null ? null : Request.Conversion;
}
