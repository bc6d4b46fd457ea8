using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// Decodes an untrusted <see cref="TensorProto"/> into a <see cref="ConstTensor"/>. Dims are checked against the
/// element limit and against the bytes actually present (in the model, or in an external file) before any buffer is
/// allocated.
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

    /// <summary>
    /// Decodes <paramref name="t"/>, reading data kept in an external file through <paramref name="external"/>; errors
    /// start with <paramref name="where"/> and name the tensor.
    /// </summary>
    public static ConstTensor Decode(TensorProto t, string name, string where, long maxElements, ExternalData external)
    {
        string what = $"{where}: tensor '{name}'";
        bool isExternal = t.DataLocation == TensorProto.Types.DataLocation.External;
        if (!isExternal && t.ExternalData.Count > 0)
        {
            ThrowHelper.InvalidModel($"{what} has external_data entries, but its data_location is not EXTERNAL");
        }
        if (isExternal && (!t.RawData.IsEmpty || HasTypedData(t)))
        {
            ThrowHelper.InvalidModel($"{what} keeps its data in an external file and also holds data of its own");
        }
        if (t.Segment is not null)
        {
            ThrowHelper.InvalidModel($"{what} is segmented; segmented tensors are not supported");
        }
        int[] dims = CheckedDims(t.Dims, what, maxElements, out int count);
        var data = new RawSource(t, count, what, isExternal ? external : null);
        bool typed = t.RawData.IsEmpty && !isExternal;
        switch (t.DataType)
        {
            case Float:
                return ConstTensor.OfFloats(name, dims, typed
                    ? Typed(t.FloatData, count, what, "float_data", t)
                    : data.Read<float>());
            case Double:
                return ConstTensor.OfFloats(name, dims, typed
                    ? Array.ConvertAll(Typed(t.DoubleData, count, what, "double_data", t), v => (float)v)
                    : Array.ConvertAll(data.Read<double>(), v => (float)v));
            case Float16:
                return ConstTensor.OfFloats(name, dims, typed
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t),
                        v => (float)BitConverter.UInt16BitsToHalf((ushort)v))
                    : Array.ConvertAll(data.Read<ushort>(), v => (float)BitConverter.UInt16BitsToHalf(v)));
            case BFloat16:
                return ConstTensor.OfFloats(name, dims, typed
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t),
                        v => BitConverter.Int32BitsToSingle((v & 0xFFFF) << 16))
                    : Array.ConvertAll(data.Read<ushort>(), v => BitConverter.Int32BitsToSingle(v << 16)));
            case Int64:
                return ConstTensor.OfInts(name, dims, typed
                    ? Typed(t.Int64Data, count, what, "int64_data", t)
                    : data.Read<long>());
            case Int32:
                return ConstTensor.OfInts(name, dims, typed
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t), v => (long)v)
                    : Array.ConvertAll(data.Read<int>(), v => (long)v));
            case Int8:
                return ConstTensor.OfInts(name, dims, typed
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t), v => (long)(sbyte)v)
                    : Array.ConvertAll(data.Read<sbyte>(), v => (long)v));
            case UInt8 or Bool:
                return ConstTensor.OfInts(name, dims, typed
                    ? Array.ConvertAll(Typed(t.Int32Data, count, what, "int32_data", t), v => (long)(byte)v)
                    : Array.ConvertAll(data.Read<byte>(), v => (long)v));
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

    /// <summary>The elements of a tensor stored as little-endian bytes: its raw_data, or an external file.</summary>
    private readonly record struct RawSource(TensorProto Tensor, int Count, string What, ExternalData? External)
    {
        public TValue[] Read<TValue>()
            where TValue : unmanaged
        {
            if (External is not null) return External.Read<TValue>(Tensor, What, Count);
            ReadOnlySpan<byte> bytes = Tensor.RawData.Span;
            int size = Unsafe.SizeOf<TValue>();
            if (bytes.Length != (long)Count * size)
            {
                ThrowHelper.InvalidModel($"{What}: dims [{string.Join(", ", Tensor.Dims)}] need {(long)Count * size} bytes of raw_data, "
                    + $"{bytes.Length} are present");
            }
            if (HasTypedData(Tensor))
            {
                ThrowHelper.InvalidModel($"{What} holds both raw_data and typed data");
            }
            var data = MemoryMarshal.Cast<byte, TValue>(bytes).ToArray();
            if (!BitConverter.IsLittleEndian) SwapBytes(MemoryMarshal.AsBytes(data.AsSpan()), size);
            return data;
        }
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
