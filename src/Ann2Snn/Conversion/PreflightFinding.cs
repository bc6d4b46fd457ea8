namespace Ann2Snn.Conversion;

/// <summary>One finding about one node.</summary>
public sealed record PreflightFinding(string Node, string Op, PreflightSeverity Severity, string Message)
{
    public override string ToString() => $"{Severity}: node '{Node}' ({Op}): {Message}";
}
