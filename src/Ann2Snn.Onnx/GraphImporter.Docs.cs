using System.Text;

namespace Ann2Snn.Onnx;

/// <summary>The op and version tables as documentation (docs/onnx-support.md), generated so that it cannot drift.</summary>
internal sealed partial class GraphImporter
{
    /// <summary>
    /// The markdown of docs/onnx-support.md between its <c>ops:begin</c> and <c>ops:end</c> markers: per op, the
    /// versions imported (with the opsets in which each is in effect), those refused and why, and the attribute values
    /// refused.
    /// </summary>
    internal static string SupportMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine($"Models of opsets {MinOpset}–{MaxOpset} (default domain `ai.onnx`) are read. Each node follows the version");
        md.AppendLine("of its op in effect at the model's opset (the largest since-version ≤ the opset) and is refused only where");
        md.AppendLine("that definition differs from one the importer implements. A model's blockers are all reported at once:");
        md.AppendLine("`ann2snn inspect MODEL.onnx` lists them, one line per op.");
        md.AppendLine();
        md.AppendLine("| op | versions imported (opsets in effect) | versions refused | attribute values refused |");
        md.AppendLine("|---|---|---|---|");
        var unversioned = new List<string>();
        foreach (string op in OpNames)
        {
            if (!Versions.TryGetValue(op, out OpHistory? history))
            {
                unversioned.Add(op);
                continue;
            }
            md.AppendLine($"| {op} | {Imported(history)} | {Refused(history)} | {RefusedValues(op, history)} |");
        }
        md.AppendLine();
        if (unversioned.Count > 0)
        {
            md.AppendLine($"Imported at every opset, their versions not yet tabulated: {string.Join(", ", unversioned)}.");
            md.AppendLine();
        }
        md.AppendLine("Deprecated ops are refused with their successor: "
            + string.Join(", ", Deprecated.OrderBy(d => d.Key, StringComparer.Ordinal)
                .Select(d => $"{d.Key} (from opset {d.Value.Opset}; use {d.Value.Successor})"))
            + ". Any other op, or an op of another domain, is refused as not supported.");
        return md.ToString();
    }

    private static string Imported(OpHistory history) => string.Join(", ", history.Versions
        .Where(v => v.Refused is null && history.Opsets(v, MinOpset, MaxOpset) is not null)
        .Select(v =>
        {
            var (first, last) = history.Opsets(v, MinOpset, MaxOpset)!.Value;
            string opsets = first == last ? $"{first}" : $"{first}–{last}";
            return v.Note is null ? $"{v.Since} ({opsets})" : $"{v.Since} ({opsets}: {v.Note})";
        }));

    /// <summary>Refused definitions grouped by their difference; definitions superseded before opset 7 say so.</summary>
    private static string Refused(OpHistory history) => string.Join("; ", history.Versions
        .Where(v => v.Refused is not null || history.Opsets(v, MinOpset, MaxOpset) is null)
        .GroupBy(v => v.Refused ?? $"superseded before opset {MinOpset}")
        .Select(g => $"{string.Join(", ", g.Select(v => v.Since))}: {g.Key}"));

    /// <summary>Each attribute rule with the imported versions that define its attribute ("all" when every one does).</summary>
    private static string RefusedValues(string op, OpHistory history)
    {
        var imported = history.Versions.Where(v => v.Refused is null && history.Opsets(v, MinOpset, MaxOpset) is not null).ToList();
        return string.Join("; ", history.Rules
            .Select(r => (Rule: r, In: imported.Where(v => (v.Attributes ?? AttributesOf(op)).Contains(r.Attribute)).ToList()))
            .Where(r => r.In.Count > 0)
            .Select(r => $"{r.Rule.Text}: {(r.In.Count == imported.Count ? "all" : string.Join(", ", r.In.Select(v => v.Since)))}"));
    }
}
