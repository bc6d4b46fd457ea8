using Ann2Snn.Graph;

namespace Ann2Snn.Conversion;

/// <summary>Calibration statistics by node name, from running the ANN on calibration images.</summary>
public sealed class CalibrationStatistics(IReadOnlyDictionary<string, NodeStatistics> nodes, int images)
{
    public IReadOnlyDictionary<string, NodeStatistics> Nodes { get; } = nodes;
    public int Images { get; } = images;

    public NodeStatistics For(Node node) =>
        Nodes.TryGetValue(node.Name, out NodeStatistics? s)
            ? s
            : throw new InvalidModelException($"node '{node.Name}' ({node.Op}): no calibration statistics were collected for it");
}
