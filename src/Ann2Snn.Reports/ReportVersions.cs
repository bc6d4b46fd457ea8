using System.Text.Json.Serialization;

namespace Ann2Snn.Reports;

/// <summary>Versions of what produced a report.</summary>
public sealed record ReportVersions([property: JsonPropertyName("ann2snn")] string Ann2Snn, string Runtime, string ScottPlot);
