using System.Text.Json;
using Ann2Snn.Data;

namespace Ann2Snn.Tests.Ann;

/// <summary>
/// PyTorch's record of one zoo model (models/results.json): its data set, its test-set count, and the input normalization
/// it was trained with (mean/std per channel, or null).
/// </summary>
internal sealed record ZooResult(string Name, string Dataset, int TestCorrect, int TestTotal, float[]? Mean = null, float[]? Std = null)
{
    /// <summary>The preprocessing a user passes for this model (<c>--mean … --std …</c>).</summary>
    public InputPreprocessing Preprocessing => new() { Mean = Mean, Std = Std };
}

/// <summary>The model zoo under the repository's <c>models/</c> folder.</summary>
internal static class Zoo
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding <c>Ann2Snn.slnx</c>, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot => Root.Value;

    public static string ModelsFolder => Path.Combine(RepositoryRoot, "models");

    public static string ModelPath(string name) => Path.Combine(ModelsFolder, name + ".onnx");

    /// <summary>The names (without extension) of every <c>models/*.onnx</c>, sorted.</summary>
    public static IReadOnlyList<string> ModelNames() =>
        [.. Directory.EnumerateFiles(ModelsFolder, "*.onnx").Select(p => Path.GetFileNameWithoutExtension(p))
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// The zoo models without a recurrent layer (RNN, LSTM, GRU) or attention (the Transformer nodes: a product or
    /// quotient of two activations, LayerNorm, a learned token): those that convert and have gradient fixtures. The others
    /// are refused by the pre-flight, each with its reason (tests/…/Onnx/OnnxImporterRecurrentTests, …TransformerTests).
    /// </summary>
    public static IReadOnlyList<string> FeedForwardModelNames() =>
        [.. ModelNames().Where(m => !Ann2Snn.Onnx.OnnxImporter.Load(ModelPath(m)).Nodes.Any(n => n is Ann2Snn.Graph.RecurrentNode
            or Ann2Snn.Graph.MatMulNode or Ann2Snn.Graph.BinaryNode or Ann2Snn.Graph.LayerNormNode or Ann2Snn.Graph.ConstantNode))];

    /// <summary>The bundled data set a model was trained on: <c>fmnist_*</c> models take Fashion-MNIST, the others MNIST.</summary>
    public static string DatasetOf(string name) => name.StartsWith("fmnist_", StringComparison.Ordinal) ? "fashion-mnist" : "mnist";

    /// <summary>Every entry of <c>models/results.json</c>, in file order.</summary>
    public static IReadOnlyList<ZooResult> Results()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ModelsFolder, "results.json")));
        return [.. json.RootElement.EnumerateObject().Select(e => new ZooResult(
            e.Name,
            e.Value.TryGetProperty("dataset", out JsonElement d) ? d.GetString()! : DatasetOf(e.Name),
            e.Value.GetProperty("test_correct").GetInt32(),
            e.Value.GetProperty("test_total").GetInt32(),
            Floats(e.Value, "mean"),
            Floats(e.Value, "std")))];
    }

    /// <summary>The preprocessing recorded for <paramref name="name"/> (none for models outside results.json).</summary>
    public static InputPreprocessing PreprocessingOf(string name) =>
        Results().FirstOrDefault(r => r.Name == name)?.Preprocessing ?? InputPreprocessing.Default;

    private static float[]? Floats(JsonElement entry, string key) =>
        entry.TryGetProperty(key, out JsonElement list) ? [.. list.EnumerateArray().Select(v => v.GetSingle())] : null;

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ann2Snn.slnx"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no folder holding Ann2Snn.slnx above {AppContext.BaseDirectory}");
    }
}
