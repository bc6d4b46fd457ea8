using Ann2Snn.Analysis;

namespace Ann2Snn.Reports;

/// <summary>
/// Every number of one evaluation report (<see cref="ReportBuilder.Build"/> gathers them, <see cref="ReportWriter.Write"/> writes
/// them).
/// </summary>
public sealed record ReportData
{
    public required string Model { get; init; }

    /// <summary>Where the test images came from.</summary>
    public required string Data { get; init; }

    /// <summary>SHA-256 (hex) of the images and labels evaluated, in order (see <see cref="ReportSample"/>).</summary>
    public required string DataSha256 { get; init; }

    public required int Images { get; init; }
    public required int Timesteps { get; init; }
    public required int Seed { get; init; }
    public required string Backend { get; init; }
    public required string Input { get; init; }
    public required ReportVersions Versions { get; init; }

    /// <summary>Conversion options by name (empty for a network loaded from a file).</summary>
    public IReadOnlyDictionary<string, string> ConversionOptions { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> SimulationOptions { get; init; } = new Dictionary<string, string>();

    /// <summary>ANN accuracy on the same images; null without an ANN.</summary>
    public double? AnnAccuracy { get; init; }

    public required IReadOnlyList<AccuracyPoint> Accuracy { get; init; }
    public required IReadOnlyList<LayerActivity> Layers { get; init; }
    public required LatencySummary Latency { get; init; }
    public IReadOnlyList<EnergyRow> Energy { get; init; } = [];

    /// <summary>Images the agreement was measured on (the first ones); 0 when not measured.</summary>
    public int AgreementImages { get; init; }

    public IReadOnlyList<PopulationAgreement> Agreement { get; init; } = [];
    public IReadOnlyList<string> AgreementWarnings { get; init; } = [];
    public IReadOnlyList<NeuronScatter> Scatter { get; init; } = [];

    /// <summary>Images the bias/variance decomposition used (the first ones); 0 when not measured.</summary>
    public int BiasVarianceImages { get; init; }

    public IReadOnlyList<ErrorAtT> BiasVariance { get; init; } = [];

    /// <summary>Slope of log variance against log T (≈ −1); null when not measured.</summary>
    public double? VarianceSlope { get; init; }

    /// <summary>
    /// Share of the analog bias at the largest T due to saturation: the bias² minus that of a max-normalized conversion (which
    /// cannot saturate) of the same images.
    /// </summary>
    public SaturationShare? Saturation { get; init; }

    /// <summary>Neuron-level Δt study (network-independent); null when not run.</summary>
    public DiscretizationSummary? Discretization { get; init; }

    /// <summary>Neuron-level τs study (<see cref="SynapseStudy"/>): the delta synapse first, then exponential synapses by τs.</summary>
    public IReadOnlyList<SynapsePoint> Synapse { get; init; } = [];
}
