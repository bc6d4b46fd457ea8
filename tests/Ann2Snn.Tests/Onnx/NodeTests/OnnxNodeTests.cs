namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>
/// Conformance against the ONNX project's own backend node tests (issue 11): each bundled test passes or is refused
/// with a typed exception, never answers wrongly or crashes; and the refusals, with their reasons, are exactly those
/// listed in <c>docs/onnx-support.md</c>, so a test that passed and starts being refused fails the suite (and one that
/// starts passing asks for the list to be updated). With <c>ANN2SNN_UPDATE_DOCS=1</c> the list is rewritten instead.
/// </summary>
public sealed class OnnxNodeTests
{
    private static readonly Lazy<string> DocumentedSection = new(() => NodeTestReport.Section(File.ReadAllText(NodeTestReport.DocPath)));

    public static TheoryData<string> Names => [.. NodeTestCase.Names()];

    [Theory]
    [MemberData(nameof(Names))]
    public void Node_test_passes_or_is_refused_as_documented(string name)
    {
        NodeTestResult result = NodeTestRunner.Result(name);
        Assert.True(result.IsAcceptable, $"{result}");
        if (NodeTestReport.Updating) return;
        string? documented = NodeTestReport.DocumentedRow(DocumentedSection.Value, name), actual = NodeTestReport.Row(result);
        Assert.True(documented == actual, $"{name}: docs/onnx-support.md lists «{documented ?? "nothing (passes)"}», the test now gives "
            + $"«{actual ?? "a pass"}». If that is intended, rerun with {NodeTestReport.UpdateVariable}=1 to rewrite the section.");
    }

    [Fact]
    public void The_documented_section_is_the_current_one()
    {
        string section = NodeTestReport.Render(NodeTestRunner.All());
        if (NodeTestReport.Updating)
        {
            string doc = File.ReadAllText(NodeTestReport.DocPath);
            File.WriteAllText(NodeTestReport.DocPath, NodeTestReport.WithSection(doc, section));
            return;
        }
        Assert.True(section == DocumentedSection.Value, "the node-test section of docs/onnx-support.md is out of date "
            + $"(counts, rows or tests); rerun with {NodeTestReport.UpdateVariable}=1 to rewrite it, and review the diff");
    }

    [Fact]
    public void Every_bundled_folder_is_a_test()
    {
        string[] folders = [.. Directory.GetDirectories(NodeTestCase.DataFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(folders, NodeTestCase.Names());
        Assert.Equal(296, folders.Length);
    }
}
