using System.Buffers.Binary;
using Google.Protobuf;
using Onnx;

namespace Ann2Snn.Tests.Onnx.NodeTests;

/// <summary>
/// Reads the values of a float or int64 <see cref="TensorProto"/> (typed fields or little-endian raw_data) on its own,
/// without the importer's decoder, so the expected outputs do not pass through the code under test.
/// </summary>
internal static class NodeTestTensor
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;

    public static long Count(TensorProto t) => t.Dims.Aggregate(1L, (n, d) => n * d);

    /// <summary>The values of a float tensor.</summary>
    public static float[] Floats(TensorProto t)
    {
        Require(t, Float);
        if (t.RawData.IsEmpty) return Checked([.. t.FloatData], t);
        ReadOnlySpan<byte> raw = t.RawData.Span;
        var values = new float[raw.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        return Checked(values, t);
    }

    /// <summary>The values of a float or int64 tensor as doubles (exact for the small integers of indices and shapes).</summary>
    public static double[] Values(TensorProto t) =>
        t.DataType == Int64 ? Array.ConvertAll(Int64s(t), v => (double)v) : Array.ConvertAll(Floats(t), v => (double)v);

    /// <summary>The values of an int64 tensor.</summary>
    public static long[] Int64s(TensorProto t)
    {
        Require(t, Int64);
        if (t.RawData.IsEmpty) return Checked([.. t.Int64Data], t);
        ByteString raw = t.RawData;
        var values = new long[raw.Length / sizeof(long)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw.Span[(i * sizeof(long))..]);
        return Checked(values, t);
    }

    private static void Require(TensorProto t, int type)
    {
        if (t.DataType != type) throw new InvalidOperationException($"tensor '{t.Name}' has data type {t.DataType}, not {type}");
    }

    private static T[] Checked<T>(T[] values, TensorProto t) => values.Length == Count(t)
        ? values
        : throw new InvalidOperationException($"tensor '{t.Name}' holds {values.Length} values for dims [{string.Join(", ", t.Dims)}]");
}
