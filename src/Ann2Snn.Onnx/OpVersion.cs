namespace Ann2Snn.Onnx;

/// <summary>
/// One ONNX definition of an operator (its "since version"), in effect for a model of opset s from
/// <see cref="Since"/> ≤ s up to the operator's next version: the version a node of opset s follows is the largest
/// since-version ≤ s.
/// </summary>
/// <param name="Since">The opset that introduced this definition.</param>
internal sealed record OpVersion(int Since)
{
    /// <summary>What in this definition differs from the ones we implement; null when we implement it.</summary>
    public string? Refused { get; init; }

    /// <summary>
    /// The attributes this definition has, where it has fewer than the op table lists for the operator (which is the
    /// union over its versions); null when it has all of those.
    /// </summary>
    public IReadOnlyList<string>? Attributes { get; init; }

    /// <summary>How the importer honours a form of this definition that later ones changed (for the documentation).</summary>
    public string? Note { get; init; }
}
