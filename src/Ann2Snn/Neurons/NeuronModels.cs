namespace Ann2Snn.Neurons;

/// <summary>
/// The registered neuron models, by name: the command line's <c>--neuron</c>, <c>ConversionOptions.Neuron</c> and the .snn
/// file's <c>neuron.kind</c> all go through this list. Adding a model is its file (a sealed <see cref="NeuronModel"/>) and
/// one entry in <see cref="All"/>.
/// </summary>
public static class NeuronModels
{
    public static IntegrateAndFire If { get; } = new();

    public static LeakyIntegrateAndFire Lif { get; } = new();

    /// <summary>Every model, in the order they are listed to users; names are unique.</summary>
    public static IReadOnlyList<NeuronModel> All { get; } =
    [
        If,
        Lif,
    ];

    /// <summary>The names, comma-separated in the order of <see cref="All"/> ("if, lif"), for messages.</summary>
    public static string Names => string.Join(", ", All.Select(m => m.Name));

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public static NeuronModel? Find(string name, StringComparison comparison = StringComparison.Ordinal) =>
        All.FirstOrDefault(m => string.Equals(m.Name, name, comparison));
}
