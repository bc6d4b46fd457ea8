namespace Ann2Snn.Training;

/// <summary>A surrogate derivative of the spike function: its shape and slope k (see <see cref="SurrogateKind"/>).</summary>
public readonly record struct Surrogate(SurrogateKind Kind, float Slope)
{
    /// <summary>The names the CLI accepts, in the order of <see cref="SurrogateKind"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fast-sigmoid", "atan", "triangle"];

    /// <summary>σ'(x) at x = u − θ.</summary>
    public float Derivative(float x)
    {
        float k = Slope;
        switch (Kind)
        {
            case SurrogateKind.FastSigmoid:
                float d = 1f + (k * MathF.Abs(x));
                return 1f / (d * d);
            case SurrogateKind.Atan:
                float z = MathF.PI / 2f * k * x;
                return k / 2f / (1f + (z * z));
            default:
                return k * MathF.Max(0f, 1f - (k * MathF.Abs(x)));
        }
    }

    /// <summary>The kind named <paramref name="name"/> (see <see cref="Names"/>); throws naming <paramref name="option"/>.</summary>
    public static SurrogateKind Parse(string name, string option) => name switch
    {
        "fast-sigmoid" or "superspike" => SurrogateKind.FastSigmoid,
        "atan" or "arctan" => SurrogateKind.Atan,
        "triangle" => SurrogateKind.Triangle,
        _ => throw new InvalidOptionException($"option '{option}': '{ThrowHelper.Printable(name)}' is not a surrogate; expected "
            + string.Join(", ", Names)),
    };

    /// <summary>The CLI name of <paramref name="kind"/>.</summary>
    public static string Name(SurrogateKind kind) => Names[(int)kind];
}
