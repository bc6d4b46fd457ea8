namespace Ann2Snn.Nir;

/// <summary>
/// One dataset of a NIR node: a float tensor (float32 or float64 in the file), an integer tensor (int64 or int32) or a
/// string (a scalar, or an array such as a graph's edges). <see cref="Shape"/> is the numpy shape, empty for a scalar;
/// data are row-major.
/// </summary>
public sealed class NirValue
{
    private NirValue(int[] shape, double[]? floats, bool isDouble, long[]? integers, string[]? strings)
    {
        Shape = shape;
        Floats = floats;
        IsDouble = isDouble;
        Integers = integers;
        Strings = strings;
    }

    public int[] Shape { get; }

    /// <summary>The values of a float tensor (held as double, which float32 converts to exactly).</summary>
    public double[]? Floats { get; }

    /// <summary>Whether a float tensor is (or is to be written as) float64 rather than float32.</summary>
    public bool IsDouble { get; }

    public long[]? Integers { get; }

    public string[]? Strings { get; }

    public int Count => Floats?.Length ?? Integers?.Length ?? Strings!.Length;

    public bool IsScalar => Shape.Length == 0;

    public static NirValue Float32(float[] data, params int[] shape) =>
        new(Checked(shape, data.Length), Array.ConvertAll(data, x => (double)x), false, null, null);

    public static NirValue Float64(double[] data, params int[] shape) => new(Checked(shape, data.Length), data, true, null, null);

    public static NirValue Int64(long[] data, params int[] shape) => new(Checked(shape, data.Length), null, false, data, null);

    public static NirValue Scalar(long value) => new([], null, false, [value], null);

    public static NirValue Text(string value) => new([], null, false, null, [value]);

    public static NirValue TextArray(string[] data, params int[] shape) => new(Checked(shape, data.Length), null, false, null, data);

    /// <summary>Float values as float32 (what the simulator computes with).</summary>
    public float[] ToSingles() => Array.ConvertAll(Floats!, x => (float)x);

    public override string ToString()
    {
        string kind = Floats is not null ? IsDouble ? "float64" : "float32" : Integers is not null ? "int64" : "string";
        return $"{kind} ({string.Join(", ", Shape)}{(Shape.Length == 1 ? "," : "")})";
    }

    private static int[] Checked(int[] shape, int count)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"dimension {d} is negative", nameof(shape));
            n *= d;
        }
        if (n != count) throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {n} values, the data {count}",
            nameof(shape));
        return shape;
    }
}
