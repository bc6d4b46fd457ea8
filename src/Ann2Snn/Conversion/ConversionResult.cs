using Ann2Snn.Graph;
using Ann2Snn.Snn;

namespace Ann2Snn.Conversion;

/// <summary>The converted network with a log of what the converter did.</summary>
public sealed record ConversionResult(SpikingNetwork Network, ModelGraph FoldedGraph, IReadOnlyList<string> PassesApplied,
    IReadOnlyList<ConvertedLayer> Layers);
