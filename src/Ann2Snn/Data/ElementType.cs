using System.Buffers.Binary;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Ann2Snn.Data;

/// <summary>An element type and its byte order, with conversions of raw bytes to numbers.</summary>
internal readonly record struct ElementType(ElementKind Kind, bool BigEndian)
{
    public int Size => Kind switch
    {
        ElementKind.UInt8 or ElementKind.Int8 => 1,
        ElementKind.UInt16 or ElementKind.Int16 or ElementKind.Float16 => 2,
        ElementKind.UInt32 or ElementKind.Int32 or ElementKind.Float32 => 4,
        _ => 8,
    };

    public bool IsFloat => Kind is ElementKind.Float16 or ElementKind.Float32 or ElementKind.Float64;

    /// <summary>The factor that maps stored values to model inputs when the options leave it open.</summary>
    public float DefaultScale => InputPreprocessing.DefaultScale(unsignedBytes: Kind == ElementKind.UInt8);

    public override string ToString() => $"{Kind}{(BigEndian && Size > 1 ? " (big-endian)" : "")}";

    /// <summary>
    /// Converts <c>raw.Length / Size</c> elements to <typeparamref name="T"/>. Big-endian input is
    /// byte-swapped in place first, so <paramref name="raw"/> is clobbered.
    /// </summary>
    public void Convert<T>(Span<byte> raw, Span<T> destination) where T : unmanaged, INumberBase<T>
    {
        if (BigEndian)
        {
            SwapInPlace(raw, Size);
        }
        switch (Kind)
        {
            case ElementKind.UInt8:
                TensorPrimitives.ConvertTruncating<byte, T>(raw, destination); break;
            case ElementKind.Int8:
                TensorPrimitives.ConvertTruncating<sbyte, T>(MemoryMarshal.Cast<byte, sbyte>(raw), destination); break;
            case ElementKind.UInt16:
                TensorPrimitives.ConvertTruncating<ushort, T>(MemoryMarshal.Cast<byte, ushort>(raw), destination); break;
            case ElementKind.Int16:
                TensorPrimitives.ConvertTruncating<short, T>(MemoryMarshal.Cast<byte, short>(raw), destination); break;
            case ElementKind.UInt32:
                TensorPrimitives.ConvertTruncating<uint, T>(MemoryMarshal.Cast<byte, uint>(raw), destination); break;
            case ElementKind.Int32:
                TensorPrimitives.ConvertTruncating<int, T>(MemoryMarshal.Cast<byte, int>(raw), destination); break;
            case ElementKind.UInt64:
                TensorPrimitives.ConvertTruncating<ulong, T>(MemoryMarshal.Cast<byte, ulong>(raw), destination); break;
            case ElementKind.Int64:
                TensorPrimitives.ConvertTruncating<long, T>(MemoryMarshal.Cast<byte, long>(raw), destination); break;
            case ElementKind.Float16:
                TensorPrimitives.ConvertTruncating<Half, T>(MemoryMarshal.Cast<byte, Half>(raw), destination); break;
            case ElementKind.Float32:
                TensorPrimitives.ConvertTruncating<float, T>(MemoryMarshal.Cast<byte, float>(raw), destination); break;
            case ElementKind.Float64:
                TensorPrimitives.ConvertTruncating<double, T>(MemoryMarshal.Cast<byte, double>(raw), destination); break;
            default: throw new InvalidOperationException($"element kind {Kind}");
        }
    }

    private static void SwapInPlace(Span<byte> raw, int size)
    {
        switch (size)
        {
            case 2:
                Span<ushort> s = MemoryMarshal.Cast<byte, ushort>(raw);
                BinaryPrimitives.ReverseEndianness(s, s);
                break;
            case 4:
                Span<uint> i = MemoryMarshal.Cast<byte, uint>(raw);
                BinaryPrimitives.ReverseEndianness(i, i);
                break;
            case 8:
                Span<ulong> l = MemoryMarshal.Cast<byte, ulong>(raw);
                BinaryPrimitives.ReverseEndianness(l, l);
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// Reads <paramref name="count"/> labels (one element each) and checks that each is a whole number
    /// in <c>[0, MaxClasses)</c>. The caller has checked that the stream can plausibly hold them.
    /// </summary>
    public int[] ReadLabels(Stream stream, int count, string file)
    {
        if ((long)count * Size > Array.MaxLength)
        {
            throw DataIO.Error(file, $"{count} labels of {Size} bytes each are more than one array can hold");
        }
        byte[] raw = new byte[count * Size];
        DataIO.ReadExactly(stream, raw, file, $"{count} labels");
        double[] values = new double[count];
        Convert<double>(raw, values);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            double v = values[i];
            if (!(v >= 0 && v < DataIO.MaxClasses) || v != Math.Floor(v))
            {
                throw DataIO.Error(file, $"label {i} is {v}; labels must be whole numbers in [0, {DataIO.MaxClasses})");
            }
            labels[i] = (int)v;
        }
        return labels;
    }

    /// <summary>Throws naming the file and the position when a converted sample holds NaN or an infinity.</summary>
    public static void CheckFinite(ReadOnlySpan<float> values, string file, int firstSample, int sampleSize)
    {
        // A sum is non-finite when any term is (or on overflow); only then look for the culprit.
        if (float.IsFinite(TensorPrimitives.Sum(values)))
        {
            return;
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw DataIO.Error(file, $"sample {firstSample + (i / sampleSize)} element {i % sampleSize} is {values[i]}; "
                    + "data must be finite");
            }
        }
    }
}
