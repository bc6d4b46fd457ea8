namespace Ann2Snn.Nir;

/// <summary>
/// A node of a NIR graph: its <see cref="Type"/> (the reference implementation's class name, e.g. "Affine", "IF"), its
/// parameters as datasets named by field (<see cref="NirSchema"/> lists the fields of each type), its optional
/// <see cref="Metadata"/> (strings and numbers no backend interprets) and, for type "NIRGraph", its <see cref="Subgraph"/>.
/// </summary>
public sealed class NirNode
{
    public NirNode(string type, IReadOnlyDictionary<string, NirValue> fields, IReadOnlyDictionary<string, NirValue>? metadata = null,
        NirGraph? subgraph = null)
    {
        Type = type;
        Fields = fields;
        Metadata = metadata ?? new Dictionary<string, NirValue>();
        Subgraph = subgraph;
    }

    public string Type { get; }

    public IReadOnlyDictionary<string, NirValue> Fields { get; }

    public IReadOnlyDictionary<string, NirValue> Metadata { get; }

    public NirGraph? Subgraph { get; }

    public NirValue? Field(string name) => Fields.GetValueOrDefault(name);

    /// <summary>A metadata string, or null.</summary>
    public string? MetadataText(string key) => Metadata.GetValueOrDefault(key)?.Strings is [var s] ? s : null;
}
