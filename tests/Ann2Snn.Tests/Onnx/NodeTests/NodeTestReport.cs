using System.Text;

namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>
/// The node-test section of <c>docs/onnx-support.md</c>, between <see cref="Begin"/> and <see cref="End"/>: the counts,
/// then one table row per test that did not pass (a passing test has no row). Rows depend only on the test's outcome,
/// so the section is the checked-in list of refusals the suite compares against.
/// </summary>
internal static class NodeTestReport
{
    public const string Begin = "<!-- node-tests:begin -->";
    public const string End = "<!-- node-tests:end -->";

    /// <summary>Setting this environment variable to 1 makes the suite rewrite the section instead of comparing.</summary>
    public const string UpdateVariable = "ANN2SNN_UPDATE_DOCS";

    public static string DocPath => Path.Combine(Ann.Zoo.RepositoryRoot, "docs", "onnx-support.md");

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>The section's text (without the markers) for these results, in name order.</summary>
    public static string Render(IReadOnlyList<NodeTestResult> results)
    {
        int passed = results.Count(r => r.Outcome == NodeTestOutcome.Passed);
        int refused = results.Count(r => r.Outcome != NodeTestOutcome.Passed && r.OutOfScope is null);
        int outOfScope = results.Count(r => r.Outcome != NodeTestOutcome.Passed && r.OutOfScope is not null);
        var s = new StringBuilder();
        s.Append($"<!-- Written by OnnxNodeTests (tests/Ann2Snn.Tests/Onnx/NodeTests); {UpdateVariable}=1 rewrites it. -->\n\n");
        s.Append("| outcome | tests |\n|---|---:|\n");
        s.Append($"| passed | {passed} |\n| refused, in scope | {refused} |\n| out of scope, not passed | {outOfScope} |\n");
        s.Append($"| total | {results.Count} |\n\n");
        s.Append("### Refused, in scope\n\n| test | reason |\n|---|---|\n");
        foreach (NodeTestResult r in results.Where(r => r.OutOfScope is null)) AppendRow(s, r);
        s.Append("\n### Out of scope\n\n| test | out of scope because | outcome |\n|---|---|---|\n");
        foreach (NodeTestResult r in results.Where(r => r.OutOfScope is not null)) AppendRow(s, r);
        return s.ToString();
    }

    /// <summary>The test's table row, or null for a passing test (it has none).</summary>
    public static string? Row(NodeTestResult r)
    {
        if (r.Outcome == NodeTestOutcome.Passed) return null;
        string outcome = r.Outcome switch
        {
            NodeTestOutcome.Refused => Cell(r.Detail),
            NodeTestOutcome.NotRun => "not run",
            _ => $"{r.Outcome.ToString().ToUpperInvariant()}: {Cell(r.Detail)}",
        };
        return r.OutOfScope is null ? $"| {r.Name} | {outcome} |" : $"| {r.Name} | {Cell(r.OutOfScope)} | {outcome} |";
    }

    /// <summary>The row the section holds for the named test, or null when it has none.</summary>
    public static string? DocumentedRow(string section, string name) =>
        section.Split('\n').FirstOrDefault(line => line.StartsWith($"| {name} |", StringComparison.Ordinal));

    /// <summary>The text between the markers of <paramref name="doc"/>.</summary>
    public static string Section(string doc)
    {
        int begin = doc.IndexOf(Begin, StringComparison.Ordinal), end = doc.IndexOf(End, StringComparison.Ordinal);
        if (begin < 0 || end < begin) throw new InvalidOperationException($"{DocPath} lacks the markers {Begin} … {End}");
        return doc[(begin + Begin.Length)..end].Trim('\n') + "\n";
    }

    /// <summary><paramref name="doc"/> with the text between the markers replaced by <paramref name="section"/>.</summary>
    public static string WithSection(string doc, string section)
    {
        _ = Section(doc);
        int begin = doc.IndexOf(Begin, StringComparison.Ordinal) + Begin.Length, end = doc.IndexOf(End, StringComparison.Ordinal);
        return doc[..begin] + "\n" + section + doc[end..];
    }

    private static void AppendRow(StringBuilder s, NodeTestResult r)
    {
        if (Row(r) is { } row) s.Append(row).Append('\n');
    }

    // A table cell: a '|' would end it.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
