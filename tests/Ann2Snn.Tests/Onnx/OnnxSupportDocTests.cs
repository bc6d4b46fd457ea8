using Ann2Snn.Onnx;
using Ann2Snn.Tests.Ann;

namespace Ann2Snn.Tests.Onnx;

/// <summary>docs/onnx-support.md's op × version table is the importer's own table, rendered: it cannot drift.</summary>
public sealed class OnnxSupportDocTests
{
    private const string Begin = "<!-- ops:begin -->";
    private const string End = "<!-- ops:end -->";
    private const string Update = "ANN2SNN_UPDATE_DOCS";

    [Fact]
    public void The_support_table_in_the_docs_is_generated_from_the_importer()
    {
        string path = Path.Combine(Zoo.RepositoryRoot, "docs", "onnx-support.md");
        string text = File.ReadAllText(path).ReplaceLineEndings("\n");
        int begin = text.IndexOf(Begin, StringComparison.Ordinal), end = text.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{path} lacks the markers {Begin} … {End}");
        string expected = "\n" + GraphImporter.SupportMarkdown().ReplaceLineEndings("\n");
        if (text[(begin + Begin.Length)..end] == expected) return;
        if (Environment.GetEnvironmentVariable(Update) == "1")
        {
            File.WriteAllText(path, text[..(begin + Begin.Length)] + expected + text[end..]);
            return;
        }
        Assert.Fail($"docs/onnx-support.md differs from the importer's version table; regenerate it with {Update}=1 dotnet test "
            + "tests/Ann2Snn.Tests -c Release --filter FullyQualifiedName~OnnxSupportDocTests");
    }

    [Fact]
    public void The_table_has_a_row_per_op_with_the_versions_in_effect_at_each_opset()
    {
        string[] rows = [.. GraphImporter.SupportMarkdown().Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1)];
        Assert.Equal(GraphImporter.OpNames, rows.Select(r => r.Split(" | ")[0][2..]));
        Assert.Contains("| Clip | 6 (7–10: min and max as attributes), 11 (11: min and max as optional inputs), 12 (12), 13 (13–25) | "
            + "1: consumed_inputs attribute |  |", rows);
        Assert.Contains(rows, r => r.StartsWith("| BatchNormalization | 7 (7–8), 9 (9–13), 14 (14), 15 (15–25) | 1, 6: is_test",
                StringComparison.Ordinal)
            && r.EndsWith("| spatial≠1 (per-element statistics): 7; training_mode≠0 (batch statistics; export the model in eval mode): "
                + "14, 15 |", StringComparison.Ordinal));
    }
}
