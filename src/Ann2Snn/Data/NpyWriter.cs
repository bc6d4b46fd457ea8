using System.Globalization;
using System.Text;

namespace Ann2Snn.Data;

/// <summary>
/// Writes NumPy <c>.npy</c> files (format 1.0, C order, little-endian) that <see cref="NpyDataset"/> and NumPy read back:
/// float32 samples and int64 labels. The file appears whole or not at all (written beside it, then moved into place).
/// </summary>
public static class NpyWriter
{
    /// <summary>Writes <paramref name="data"/> as a float32 array of <paramref name="shape"/>.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Check(data.Length, shape);
        byte[] bytes = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), data[i]);
        WriteFile(path, "<f4", shape, bytes);
    }

    /// <summary>Writes <paramref name="labels"/> as a one-dimensional int64 array.</summary>
    public static void Write(string path, ReadOnlySpan<int> labels)
    {
        byte[] bytes = new byte[labels.Length * sizeof(long)];
        for (int i = 0; i < labels.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), (long)labels[i]);
        WriteFile(path, "<i8", [labels.Length], bytes);
    }

    private static void Check(int length, IReadOnlyList<int> shape)
    {
        long size = shape.Aggregate(1L, (a, d) => a * d);
        if (shape.Any(d => d < 0) || size != length)
        {
            throw new ArgumentException($"{length} values do not fill shape ({string.Join(", ", shape)})");
        }
    }

    private static void WriteFile(string path, string descr, IReadOnlyList<int> shape, byte[] data)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("NPY files are written little-endian only");
        string dims = shape.Count == 1 ? $"{shape[0]}," : string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        string text = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        // Magic (6) + version (2) + length (2) + text + newline, padded with spaces to a multiple of 64 bytes.
        int total = ((10 + text.Length + 1 + 63) / 64) * 64;
        string header = text.PadRight(total - 10 - 1) + "\n";
        string temp = path + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
                stream.Write(BitConverter.GetBytes((ushort)header.Length));
                stream.Write(Encoding.ASCII.GetBytes(header));
                stream.Write(data);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
