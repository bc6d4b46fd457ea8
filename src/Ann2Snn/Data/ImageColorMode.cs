namespace Ann2Snn.Data;

/// <summary>How image pixels become channels.</summary>
public enum ImageColorMode
{
    /// <summary>One channel when every image is grayscale, otherwise three (RGB).</summary>
    Auto,

    /// <summary>One channel: luma <c>(299 R + 587 G + 114 B) / 1000</c>, rounded (as PIL's "L").</summary>
    Grayscale,

    /// <summary>Three channels, R, G, B planes in that order; alpha is dropped.</summary>
    Rgb,
}
