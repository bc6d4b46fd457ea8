namespace Ann2Snn.Data;

/// <summary>
/// Reads image files (PNG, JPEG, …) for <see cref="ImageFolderDataset"/>. The library holds no codec of its own: the
/// caller supplies one (<c>Ann2Snn.Reports.Imaging.SkiaImageDecoder</c> in the Reports project). The data set checks
/// every size a header claims before it allocates, and names the file in every error, so a decoder only says what is
/// wrong, in a phrase.
/// </summary>
public interface IImageDecoder
{
    /// <summary>Opens the image file at <paramref name="path"/> and reads its header, decoding no pixels.</summary>
    /// <exception cref="InvalidDataException">the file is not an image this decoder reads; the message says why.</exception>
    /// <exception cref="IOException">the file cannot be read.</exception>
    IEncodedImage Open(string path);
}

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
