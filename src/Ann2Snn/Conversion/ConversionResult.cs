using Ann2Snn.Graph;
using Ann2Snn.Snn;

namespace Ann2Snn.Conversion;

/// <summary>The converted network with a log of what the converter did.</summary>
public sealed record ConversionResult(SpikingNetwork Network, ModelGraph FoldedGraph, IReadOnlyList<string> PassesApplied,
    IReadOnlyList<ConvertedLayer> Layers)
{
    /// <summary>What tuning for a window chose and why (<see cref="WindowTuning"/>), one line each; empty otherwise.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>The corrections layer-wise calibration made (<see cref="LayerwiseCalibration"/>).</summary>
    public LayerAdjustments Adjustments { get; init; } = LayerAdjustments.None;
}
