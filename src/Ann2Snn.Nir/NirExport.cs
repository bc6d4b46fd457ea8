namespace Ann2Snn.Nir;

/// <summary>A network as NIR, and what NIR could not say about it (one line each, also in the graph's metadata).</summary>
public sealed record NirExport(NirGraph Graph, IReadOnlyList<string> Warnings);
