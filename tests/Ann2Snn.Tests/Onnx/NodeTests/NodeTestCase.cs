using Ann2Snn.Tests.Ann;
using Onnx;

namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>
/// One of the ONNX project's backend node tests, bundled under <c>data/NAME/</c>: a one-node <c>model.onnx</c> and
/// <c>test_data_set_0/input_N.pb</c>, <c>output_N.pb</c>, serialized <see cref="TensorProto"/>s in the order of the
/// graph's inputs and outputs. The data files are read only when asked for (a sequence input is no TensorProto).
/// </summary>
internal sealed class NodeTestCase
{
    private NodeTestCase(string name, ModelProto model)
    {
        Name = name;
        Model = model;
    }

    /// <summary>The bundled copy of the tests (see its README.md for their origin and licence).</summary>
    public static string DataFolder => Path.Combine(Zoo.RepositoryRoot, "tests", "Ann2Snn.Tests", "Onnx", "NodeTests", "data");

    public string Name { get; }

    public ModelProto Model { get; }

    public GraphProto Graph => Model.Graph;

    /// <summary>The test's one node.</summary>
    public NodeProto Node => Model.Graph.Node[0];

    /// <summary>The default-domain opset the model imports.</summary>
    public long Opset => Model.OpsetImport.First(o => o.Domain is "" or "ai.onnx").Version;

    /// <summary>The name of every bundled test folder, sorted ordinally.</summary>
    public static IReadOnlyList<string> Names() =>
        [.. Directory.EnumerateDirectories(DataFolder).Where(d => File.Exists(Path.Combine(d, "model.onnx")))
            .Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)];

    public static NodeTestCase Load(string name)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(DataFolder, name, "model.onnx")));
        int nodes = model.Graph.Node.Count;
        if (nodes != 1) throw new InvalidOperationException($"{name}: a node test has one node, not {nodes}");
        return new NodeTestCase(name, model);
    }

    /// <summary>The tensor fed to graph input <paramref name="index"/>.</summary>
    public TensorProto Input(int index) => ReadTensor($"input_{index}.pb");

    /// <summary>The tensor expected at graph output <paramref name="index"/>.</summary>
    public TensorProto Output(int index) => ReadTensor($"output_{index}.pb");

    /// <summary>The graph input fed by node input <paramref name="name"/>, or −1 (an initializer or an omitted input).</summary>
    public int GraphInputIndex(string name)
    {
        for (int i = 0; i < Graph.Input.Count; i++)
        {
            if (name.Length > 0 && Graph.Input[i].Name == name) return i;
        }
        return -1;
    }

    private TensorProto ReadTensor(string file) =>
        TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(DataFolder, Name, "test_data_set_0", file)));
}
