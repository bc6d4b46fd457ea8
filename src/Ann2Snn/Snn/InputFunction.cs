using System.Globalization;
using System.Numerics.Tensors;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// An element-wise function g of the network's input that the input encoder applies to the data before anything else:
/// the ANN computed g(x) from its input before any weights (a Sigmoid, Tanh or Clip on the pixels, an affine map before
/// it), so the spiking network's input is g(x) — an analog current, or Poisson spikes at a rate ∝ g(x), or first-spike
/// times of g(x). Each step is computed by the kernels the ANN executor uses, so g(x) is the ANN's to the bit. Kept in the
/// network's metadata under <see cref="Key"/> as text: steps separated by ';', each a name (<see cref="InputFunctionKind"/>:
/// affine, sigmoid, tanh, relu, leaky_relu, prelu, elu, hard_sigmoid, hard_swish, clip, floor) and, for a step that takes
/// parameters, ':' and its lists separated by '/', the values of a list by ',' (invariant culture, exact):
/// <c>affine:2/-1;tanh</c>, <c>clip:-1/1</c>. Every simulator backend applies it.
/// </summary>
public sealed class InputFunction
{
    /// <summary>The metadata key.</summary>
    public const string Key = "input_function";

    private static readonly string[] Names =
        ["affine", "sigmoid", "tanh", "relu", "leaky_relu", "prelu", "elu", "hard_sigmoid", "hard_swish", "clip", "floor"];

    /// <param name="steps">The steps, applied in order (at least one).</param>
    /// <param name="shape">The shape of one input sample (per-channel parameters follow its channels).</param>
    /// <exception cref="InvalidModelException">a step's parameters do not fit its kind or the shape.</exception>
    public InputFunction(IReadOnlyList<InputFunctionStep> steps, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (Problem(steps, shape) is { } problem) throw new InvalidModelException($"{Key}: {problem}");
        Steps = steps;
        Shape = shape;
    }

    public IReadOnlyList<InputFunctionStep> Steps { get; }

    public Shape Shape { get; }

    /// <summary>
    /// y = g(x) for <paramref name="count"/> samples; <paramref name="scratch"/> (as long as y) holds intermediate steps. x is
    /// not changed and may not overlap y or scratch.
    /// </summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, Span<float> scratch, int count)
    {
        int size = Shape.Size, plane = size / Shape.Channels, length = count * size;
        ReadOnlySpan<float> from = x[..length];
        for (int k = 0; k < Steps.Count; k++)
        {
            // The last step writes y; the others alternate between y and scratch, so no step reads what it writes.
            Span<float> to = (Steps.Count - 1 - k) % 2 == 0 ? y[..length] : scratch[..length];
            Run(Steps[k], from, to, count, size, plane);
            from = to;
        }
    }

    private static void Run(InputFunctionStep step, ReadOnlySpan<float> x, Span<float> y, int count, int size, int plane)
    {
        IReadOnlyList<float[]> p = step.Parameters;
        switch (step.Kind)
        {
            case InputFunctionKind.Affine:
                for (int b = 0; b < count; b++) Elementwise.ScaleShift(x.Slice(b * size, size), plane, p[0], p[1], y.Slice(b * size, size));
                break;
            case InputFunctionKind.Sigmoid:
                ActivationKernels.Sigmoid(x, y);
                break;
            case InputFunctionKind.Tanh:
                ActivationKernels.Tanh(x, y);
                break;
            case InputFunctionKind.Relu:
                Elementwise.Relu(x, y);
                break;
            case InputFunctionKind.LeakyRelu:
                ActivationKernels.LeakyRelu(x, p[0][0], y);
                break;
            case InputFunctionKind.PRelu:
                for (int b = 0; b < count; b++) ActivationKernels.PRelu(x.Slice(b * size, size), plane, p[0], y.Slice(b * size, size));
                break;
            case InputFunctionKind.Elu:
                ActivationKernels.Elu(x, p[0][0], y);
                break;
            case InputFunctionKind.HardSigmoid:
                ActivationKernels.HardSigmoid(x, p[0][0], p[1][0], y);
                break;
            case InputFunctionKind.HardSwish:
                ActivationKernels.HardSwish(x, y);
                break;
            case InputFunctionKind.Clip:
                Elementwise.Clip(x, p[0][0], p[1][0], y);
                break;
            default:
                TensorPrimitives.Floor(x, y);
                break;
        }
    }

    /// <summary>The text form (see the type's summary).</summary>
    public override string ToString() => string.Join(";", Steps.Select(s => s.Parameters.Count == 0
        ? Names[(int)s.Kind]
        : $"{Names[(int)s.Kind]}:{string.Join("/", s.Parameters.Select(l => string.Join(",", l.Select(Format))))}"));

    /// <summary>The function written as <paramref name="text"/> for samples of <paramref name="shape"/>.</summary>
    /// <exception cref="InvalidModelException">
    /// the text is malformed or a step's parameters do not fit (one line, naming the step).
    /// </exception>
    public static InputFunction Parse(string text, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (steps, problem) = TryParse(text, shape);
        if (problem is not null) throw new InvalidModelException($"{Key} '{ThrowHelper.Printable(text, 80)}': {problem}");
        return new InputFunction(steps!, shape);
    }

    /// <summary>What is wrong with <paramref name="text"/> as a function of samples of <paramref name="shape"/>; null if nothing.</summary>
    public static string? Problem(string text, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, shape).Problem;
    }

    /// <summary>The function stored with <paramref name="network"/>, or null when none is.</summary>
    public static InputFunction? Read(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Metadata.TryGetValue(Key, out string? text) ? Parse(text, network.InputShape) : null;
    }

    /// <summary><paramref name="network"/> with <paramref name="function"/> stored in its metadata (removed when null).</summary>
    public static SpikingNetwork Write(SpikingNetwork network, InputFunction? function)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.WithMetadata((Key, function?.ToString()));
    }

    private static (InputFunctionStep[]? Steps, string? Problem) TryParse(string text, Shape shape)
    {
        string[] parts = text.Split(';', StringSplitOptions.TrimEntries);
        var steps = new InputFunctionStep[parts.Length];
        for (int k = 0; k < parts.Length; k++)
        {
            string[] head = parts[k].Split(':', 2, StringSplitOptions.TrimEntries);
            int kind = Array.IndexOf(Names, head[0]);
            if (kind < 0) return (null, $"step {k + 1}: '{ThrowHelper.Printable(head[0], 40)}' is not one of {string.Join(", ", Names)}");
            var lists = new List<float[]>();
            foreach (string list in head.Length == 2 ? head[1].Split('/', StringSplitOptions.TrimEntries) : [])
            {
                string[] items = list.Split(',', StringSplitOptions.TrimEntries);
                var values = new float[items.Length];
                for (int i = 0; i < items.Length; i++)
                {
                    if (!float.TryParse(items[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                    {
                        return (null, $"step {k + 1} ({head[0]}): '{ThrowHelper.Printable(items[i], 40)}' is not a number");
                    }
                }
                lists.Add(values);
            }
            steps[k] = new InputFunctionStep((InputFunctionKind)kind, lists);
        }
        return Problem(steps, shape) is { } problem ? (null, problem) : (steps, null);
    }

    private static string? Problem(IReadOnlyList<InputFunctionStep> steps, Shape shape)
    {
        if (steps.Count == 0) return "no steps";
        for (int k = 0; k < steps.Count; k++)
        {
            InputFunctionStep s = steps[k];
            if (!Enum.IsDefined(s.Kind)) return $"step {k + 1}: unknown kind {(int)s.Kind}";
            string name = Names[(int)s.Kind];
            int lists = s.Kind switch
            {
                InputFunctionKind.Affine or InputFunctionKind.HardSigmoid or InputFunctionKind.Clip => 2,
                InputFunctionKind.LeakyRelu or InputFunctionKind.PRelu or InputFunctionKind.Elu => 1,
                _ => 0,
            };
            if (s.Parameters.Count != lists) return $"step {k + 1} ({name}): {s.Parameters.Count} parameter lists, expected {lists}";
            bool broadcast = s.Kind is InputFunctionKind.Affine or InputFunctionKind.PRelu;
            foreach (float[] list in s.Parameters)
            {
                if (broadcast ? !ChannelBroadcast.Fits(list.Length, shape.Channels, shape.Size) : list.Length != 1)
                {
                    string expected = broadcast ? $"1, {shape.Channels} (channels) or {shape.Size}" : "1";
                    return $"step {k + 1} ({name}): a list of {list.Length} values, expected {expected}";
                }
                bool ok = s.Kind == InputFunctionKind.Clip ? !list.Any(float.IsNaN) : list.All(float.IsFinite);
                if (!ok) return $"step {k + 1} ({name}): a value is {(s.Kind == InputFunctionKind.Clip ? "NaN" : "not finite")}";
            }
            if (s.Kind == InputFunctionKind.Clip && s.Parameters[0][0] > s.Parameters[1][0])
            {
                return $"step {k + 1} (clip): lower bound {Format(s.Parameters[0][0])} above upper bound {Format(s.Parameters[1][0])}";
            }
        }
        return null;
    }

    private static string Format(float v) => v.ToString(CultureInfo.InvariantCulture);
}
