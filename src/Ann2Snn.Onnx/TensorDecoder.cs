using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Decodes an untrusted <see cref="TensorProto"/> into a <see cref="ConstTensor"/>. Dims are checked against the
/// element limit and against the bytes actually present before any buffer is allocated.
/// </summary>
internal static class TensorDecoder
{
    // TensorProto.DataType values (onnx.proto).
    private const int Float = 1;
    private const int UInt8 = 2;
    private const int Int8 = 3;
    private const int Int32 = 6;
    private const int Int64 = 7;
    private const int Bool = 9;
    private const int Float16 = 10;
    private const int Double = 11;
    private const int BFloat16 = 16;

    /// <summary>Decodes <paramref name="t"/>; errors start with <paramref name="where"/> and name the tensor.</summary>
    public static ConstTensor Decode(TensorProto t, string name, string where, long maxElements)
    {
        string what = $"{where}: tensor '{name}'";
        if (t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0)
        {
            ThrowHelper.InvalidModel($"{what} keeps its data in an external file; external data is not supported "
                + "(save the model with all tensors embedded)");
        }
        if (t.Segment is not null)
        {
            ThrowHelper.InvalidModel($"{what} is segmented; segmented tensors are not supported");
        }
        int[] dims = CheckedDims(t.Dims, what, maxElements, out int count);
        switch (t.DataType)
        {
            case Float:
                return ConstTensor.OfFloats(name, dims, t.RawData.IsEmpty
                    ? Typed(t.FloatData, count, what, "float_data", t)
                    : Raw<float>(t, count, what));
            case Double:
                return ConstTensor.OfFloats(name, dims, t.RawData.IsEmpty
                    ? Array.ConvertAll(Typed(t.DoubleData, count, what, "double_data", t), v => (float)v)
                    : Array.ConvertAll(Raw<double>(t, count, what), v => (float)v));
            case Float16:
                return ConstTensor.OfFloats(name, dims, t.RawData.IsEmpty
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t),
                        v => (float)BitConverter.UInt16BitsToHalf((ushort)v))
                    : Array.ConvertAll(Raw<ushort>(t, count, what), v => (float)BitConverter.UInt16BitsToHalf(v)));
            case BFloat16:
                return ConstTensor.OfFloats(name, dims, t.RawData.IsEmpty
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t),
                        v => BitConverter.Int32BitsToSingle((v & 0xFFFF) << 16))
                    : Array.ConvertAll(Raw<ushort>(t, count, what), v => BitConverter.Int32BitsToSingle(v << 16)));
            case Int64:
                return ConstTensor.OfInts(name, dims, t.RawData.IsEmpty
                    ? Typed(t.Int64Data, count, what, "int64_data", t)
                    : Raw<long>(t, count, what));
            case Int32:
                return ConstTensor.OfInts(name, dims, t.RawData.IsEmpty
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t), v => (long)v)
                    : Array.ConvertAll(Raw<int>(t, count, what), v => (long)v));
            case Int8:
                return ConstTensor.OfInts(name, dims, t.RawData.IsEmpty
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t), v => (long)(sbyte)v)
                    : Array.ConvertAll(Raw<sbyte>(t, count, what), v => (long)v));
            case UInt8 or Bool:
                return ConstTensor.OfInts(name, dims, t.RawData.IsEmpty
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t), v => (long)(byte)v)
                    : Array.ConvertAll(Raw<byte>(t, count, what), v => (long)v));
            default:
                return ThrowHelper.InvalidModel<ConstTensor>(
                    $"{what} has data type {DataTypeName(t.DataType)}; "
                    + "supported: float32, float64, float16, bfloat16, int64, int32, int8, uint8, bool");
        }
    }

    /// <summary>Dims as ints, each non-negative, their product at most <paramref name="maxElements"/>.</summary>
    public static int[] CheckedDims(IReadOnlyList<long> dims, string what, long maxElements, out int count)
    {
        var result = new int[dims.Count];
        long limit = Math.Min(maxElements, Array.MaxLength);
        long product = 1;
        for (int i = 0; i < dims.Count; i++)
        {
            long d = dims[i];
            if (d < 0) ThrowHelper.InvalidModel($"{what} has a negative dimension in [{string.Join(", ", dims)}]");
            // Divide rather than multiply so that absurd dims cannot overflow the check.
            if (d > int.MaxValue || (d != 0 && product > limit / d))
            {
                ThrowHelper.InvalidModel($"{what} claims dims [{string.Join(", ", dims)}], more than the limit of {limit} elements");
            }
            product *= d;
            result[i] = (int)d;
        }
        count = (int)product;
        return result;
    }

    public static string DataTypeName(int dataType) => dataType switch
    {
        0 => "UNDEFINED",
        Float => "FLOAT",
        UInt8 => "UINT8",
        Int8 => "INT8",
        4 => "UINT16",
        5 => "INT16",
        Int32 => "INT32",
        Int64 => "INT64",
        8 => "STRING",
        Bool => "BOOL",
        Float16 => "FLOAT16",
        Double => "DOUBLE",
        12 => "UINT32",
        13 => "UINT64",
        14 => "COMPLEX64",
        15 => "COMPLEX128",
        BFloat16 => "BFLOAT16",
        _ => $"#{dataType}",
    };

    private static T[] Raw<T>(TensorProto t, int count, string what)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = t.RawData.Span;
        int size = Unsafe.SizeOf<T>();
        if (bytes.Length != (long)count * size)
        {
            ThrowHelper.InvalidModel($"{what}: dims [{string.Join(", ", t.Dims)}] need {(long)count * size} bytes of raw_data, "
                + $"{bytes.Length} are present");
        }
        if (HasTypedData(t))
        {
            ThrowHelper.InvalidModel($"{what} holds both raw_data and typed data");
        }
        var data = MemoryMarshal.Cast<byte, T>(bytes).ToArray();
        if (!BitConverter.IsLittleEndian) SwapBytes(MemoryMarshal.AsBytes(data.AsSpan()), size);
        return data;
    }

    private static T[] Typed<T>(IReadOnlyList<T> values, int count, string what, string field, TensorProto t)
    {
        if (values.Count != count)
        {
            ThrowHelper.InvalidModel($"{what}: dims [{string.Join(", ", t.Dims)}] need {count} values, {field} holds {values.Count}");
        }
        var data = new T[count];
        for (int i = 0; i < count; i++) data[i] = values[i];
        return data;
    }

    private static bool HasTypedData(TensorProto t) =>
        t.FloatData.Count + t.DoubleData.Count + t.Int32Data.Count + t.Int64Data.Count + t.Uint64Data.Count + t.StringData.Count > 0;

    private static void SwapBytes(Span<byte> bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }
}
