using Ann2Snn.Data;
using SkiaSharp;

namespace Ann2Snn.Reports.Imaging;

/// <summary>
/// Reads PNG, JPEG and every other format Skia decodes, for <see cref="ImageFolderDataset"/> (and
/// <see cref="DatasetResolver"/>'s image folders). Stateless: one instance serves any number of data sets.
/// </summary>
public sealed class SkiaImageDecoder : IImageDecoder
{
    /// <exception cref="InvalidDataException">Skia does not recognise the file; the message is Skia's result code.</exception>
    public IEncodedImage Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SKCodec? codec = SKCodec.Create(path, out SKCodecResult result);
        return codec is null ? throw new InvalidDataException(result.ToString()) : new SkiaImage(codec);
    }

    private sealed class SkiaImage(SKCodec codec) : IEncodedImage
    {
        public int Width => codec.Info.Width;
        public int Height => codec.Info.Height;
        public bool Grayscale => codec.Info.ColorType == SKColorType.Gray8;

        public unsafe void DecodeRgba(Span<byte> rgba)
        {
            if (rgba.Length != 4L * Width * Height)
            {
                throw new ArgumentException($"{rgba.Length} bytes for a {Width}×{Height} image; expected 4 × width × height", nameof(rgba));
            }
            var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            SKCodecResult result;
            fixed (byte* pixels = rgba)
            {
                result = codec.GetPixels(info, (IntPtr)pixels);
            }
            if (result != SKCodecResult.Success)
            {
                string problem = result == SKCodecResult.IncompleteInput ? "truncated image data" : "corrupt image data";
                throw new InvalidDataException($"{problem} (decoder says {result})");
            }
        }

        public void Dispose() => codec.Dispose();
    }
}
