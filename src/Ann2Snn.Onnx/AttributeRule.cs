namespace Ann2Snn.Onnx;

/// <summary>
/// An attribute value an operator's definition allows but the importer refuses, decided from the node alone (no
/// shapes), so that every such node of a model is reported at once.
/// </summary>
/// <param name="Attribute">The attribute's name; the rule applies to the versions that define it.</param>
/// <param name="Text">The refused values and why, for the documentation: "spatial≠1 (per-element statistics)".</param>
/// <param name="Refuses">The reason the node's value is refused, or null when it is accepted.</param>
internal sealed record AttributeRule(string Attribute, string Text, Func<OnnxNode, string?> Refuses)
{
    /// <summary>Accepts an integer attribute only at <paramref name="accepted"/> (its default when absent).</summary>
    public static AttributeRule Int(string attribute, long accepted, string why) =>
        new(attribute, $"{attribute}≠{accepted} ({why})",
            n => n.Int(attribute, accepted) is var v && v != accepted ? $"{attribute}={v} ({why})" : null);

    /// <summary>Accepts a string attribute only at one of <paramref name="accepted"/>, the first being its default.</summary>
    public static AttributeRule String(string attribute, string[] accepted, string why) =>
        new(attribute, $"{attribute} other than {string.Join(", ", accepted)} ({why})",
            n => n.String(attribute, accepted[0]) is var v && !accepted.Contains(v) ? $"{attribute}={Onnx.Text.Clean(v)} ({why})" : null);

    /// <summary>Refuses the attribute whatever its value.</summary>
    public static AttributeRule Absent(string attribute, string why) =>
        new(attribute, $"{attribute} ({why})", n => n.HasAttribute(attribute) ? $"{attribute} ({why})" : null);
}
