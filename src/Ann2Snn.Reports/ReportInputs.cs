using Ann2Snn.Conversion;
using Ann2Snn.Evaluation;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Reports;

/// <summary>What <see cref="ReportBuilder.Build"/> needs: the run that was evaluated and what produced it.</summary>
public sealed record ReportInputs(
    string Model,
    string Data,
    ReportSample Sample,
    SpikingNetwork Network,
    SimulationResult Result,
    SimulationOptions Simulation,
    ISimulator Simulator,
    IReadOnlyList<int> Steps)
{
    /// <summary>The conversion, when the model was converted in this run: enables per-layer agreement and bias/variance.</summary>
    public ConversionResult? Conversion { get; init; }

    public ConversionOptions? ConversionOptions { get; init; }

    /// <summary>The ANN graph (as imported), for the energy estimates.</summary>
    public ModelGraph? Ann { get; init; }

    public double? AnnAccuracy { get; init; }

    /// <summary>Images (the first of the sample) for the per-layer agreement; 0 skips it (as does time-to-first-spike input).</summary>
    public int AgreementImages { get; init; } = 256;

    /// <summary>
    /// Images (the first of the sample) for the bias/variance decomposition; 0 skips it (as does time-to-first-spike input).
    /// </summary>
    public int BiasVarianceImages { get; init; } = 16;

    public IReadOnlyList<int> BiasVarianceSteps { get; init; } = [8, 32, 128];
    public int BiasVarianceSeeds { get; init; } = 4;

    /// <summary>Neurons per population kept for the scatter plots (an even subsample beyond).</summary>
    public int ScatterPoints { get; init; } = 2000;

    /// <summary>Runs the neuron-level Δt and τs studies (network-independent, well under a second).</summary>
    public bool NeuronStudies { get; init; } = true;

    /// <summary>
    /// The report's inputs for an evaluation (<see cref="Evaluator.Run"/>): its model, data, network, simulation and, when it
    /// converted the model, the conversion and the ANN; the sample is read from the evaluation's images.
    /// </summary>
    public static ReportInputs From(EvaluationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        EvaluationRequest request = result.Request;
        ReportSample sample = ReportSample.Read(result.Input, request.BatchSize, request.Limit);
        return new ReportInputs(
            result.Model, result.Data, sample, result.Network, result.Snn, result.Simulation, result.Simulator, result.Steps)
        {
            Conversion = result.Conversion,
            ConversionOptions = result.ConversionOptions,
            Ann = result.Graph,
            AnnAccuracy = result.AnnAccuracy,
        };
    }
}
