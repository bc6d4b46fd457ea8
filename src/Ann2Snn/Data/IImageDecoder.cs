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
