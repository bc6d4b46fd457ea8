namespace Ann2Snn.Onnx;

/// <summary>Every ONNX definition of one operator, oldest first, and the attribute values refused in any of them.</summary>
internal sealed record OpHistory(IReadOnlyList<OpVersion> Versions, IReadOnlyList<AttributeRule> Rules)
{
    /// <summary>The definition a node of a model at <paramref name="opset"/> follows, or null when the op is younger.</summary>
    public OpVersion? InEffect(int opset) => Versions.LastOrDefault(v => v.Since <= opset);

    /// <summary>
    /// The opsets within [<paramref name="min"/>, <paramref name="max"/>] in which <paramref name="version"/> is in
    /// effect, or null when it is superseded before <paramref name="min"/>.
    /// </summary>
    public (int First, int Last)? Opsets(OpVersion version, int min, int max)
    {
        int index = Versions.ToList().IndexOf(version);
        int first = Math.Max(version.Since, min);
        int last = Math.Min(index + 1 < Versions.Count ? Versions[index + 1].Since - 1 : max, max);
        return first <= last ? (first, last) : null;
    }
}
