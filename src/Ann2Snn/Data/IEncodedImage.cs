namespace Ann2Snn.Data;

/// <summary>An image file opened by an <see cref="IImageDecoder"/>: its header is read, its pixels not yet decoded.</summary>
public interface IEncodedImage : IDisposable
{
    /// <summary>Width in pixels, as the header claims it (not yet checked against anything).</summary>
    int Width { get; }

    /// <summary>Height in pixels, as the header claims it (not yet checked against anything).</summary>
    int Height { get; }

    /// <summary>Whether the file stores one gray channel (decoded, its pixels have R = G = B).</summary>
    bool Grayscale { get; }

    /// <summary>
    /// Decodes the pixels into <paramref name="rgba"/> as unpremultiplied 8-bit R, G, B, A, row by row:
    /// exactly <c>4 × Width × Height</c> bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">the image data is truncated or corrupt; the message says which.</exception>
    void DecodeRgba(Span<byte> rgba);
}
