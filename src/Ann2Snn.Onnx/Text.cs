namespace Ann2Snn.Onnx;

/// <summary>Untrusted strings made safe for one-line messages and IR names.</summary>
internal static class Text
{
    public static string Clean(string? s) => ThrowHelper.Printable(s);
}
