namespace Ann2Snn.Tensors;

/// <summary>A constant tensor (weights, biases): row-major <see cref="float"/> data with an explicit shape.</summary>
public sealed class FloatTensor
{
    public FloatTensor(int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long size = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new InvalidModelException($"tensor shape [{string.Join(", ", shape)}] has a negative dimension");
            size *= d;
        }
        if (size != data.Length)
        {
            throw new InvalidModelException($"tensor shape [{string.Join(", ", shape)}] holds {size} elements "
                + $"but {data.Length} were given");
        }
        Shape = (int[])shape.Clone();
        Data = data;
    }

    public int[] Shape { get; }
    public float[] Data { get; }
    public int Length => Data.Length;
    public int Rank => Shape.Length;

    public static FloatTensor Vector(float[] data) => new([data.Length], data);

    public override string ToString() => "[" + string.Join("×", Shape) + "]";
}
