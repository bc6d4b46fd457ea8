using Ann2Snn.Tensors;

namespace Ann2Snn.Graph;

/// <summary>
/// A recurrent layer over a sequence (ONNX's RNN, LSTM and GRU ops): per sample the input is [L, F] (L elements of F
/// features), the output [L, D, H] holds the hidden state Hₜ of each of the D directions after each element, and the state
/// Hₜ₋₁ (with Cₜ₋₁ for the LSTM) is the node's recurrent edge, carried from element to element inside the node and set to
/// <see cref="InitialH"/> (zero when null) before the first.
/// </summary>
/// <remarks>
/// With G gates per cell (RNN 1, LSTM 4, GRU 3) the weights are W [D, G·H, F], R [D, G·H, H] and the bias [D, 2·G·H]
/// (Wb then Rb), gates in ONNX's order. Writing f, g, h for the cell's activations (ONNX's defaults: RNN f = tanh; LSTM
/// f = σ, g = h = tanh; GRU f = σ, g = tanh), and ⊙ for the element-wise product:
/// <list type="bullet">
/// <item>RNN: Hₜ = f(Xₜ·Wᵀ + Hₜ₋₁·Rᵀ + Wb + Rb).</item>
/// <item>LSTM: i = f(Xₜ·Wᵢᵀ + Hₜ₋₁·Rᵢᵀ + Pᵢ⊙Cₜ₋₁ + b), f′ = f(… + P_f⊙Cₜ₋₁), c = g(…), Cₜ = f′⊙Cₜ₋₁ + i⊙c,
/// o = f(… + Pₒ⊙Cₜ), Hₜ = o⊙h(Cₜ); P [D, 3·H] the peepholes (i, o, f).</item>
/// <item>GRU: z = f(Xₜ·W_zᵀ + Hₜ₋₁·R_zᵀ + b), r = f(…), h̃ = g(Xₜ·W_hᵀ + (r⊙Hₜ₋₁)·R_hᵀ + Rb_h + Wb_h), or with
/// <see cref="LinearBeforeReset"/> h̃ = g(Xₜ·W_hᵀ + r⊙(Hₜ₋₁·R_hᵀ + Rb_h) + Wb_h); Hₜ = (1 − z)⊙h̃ + z⊙Hₜ₋₁.</item>
/// </list>
/// </remarks>
public sealed class RecurrentNode : Node
{
    private readonly RecurrentActivation[] _activations;

    public RecurrentNode(string name, Node input, RecurrentCell cell, RecurrentDirection direction, FloatTensor weight,
        FloatTensor recurrence, float[]? bias = null, float[]? initialH = null, float[]? initialC = null, float[]? peepholes = null,
        RecurrentActivation[]? activations = null, bool linearBeforeReset = false) : base(name, [input])
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(recurrence);
        string op = OpOf(cell);
        Shape x = Single(name, op, Inputs);
        if (x.Rank != 2) throw new InvalidModelException($"node '{name}' ({op}): input shape {x} is not a sequence [L, F]");
        int d = direction == RecurrentDirection.Bidirectional ? 2 : 1, gates = GatesOf(cell);
        if (weight.Rank != 3 || weight.Shape[0] != d || weight.Shape[1] % gates != 0 || weight.Shape[1] == 0)
        {
            throw new InvalidModelException($"node '{name}' ({op}): W is {weight}, expected [{d}, {gates}·hidden, {x[1]}]");
        }
        int h = weight.Shape[1] / gates;
        if (weight.Shape[2] != x[1])
        {
            throw new InvalidModelException($"node '{name}' ({op}): W is {weight}, expected [{d}, {gates * h}, {x[1]}] "
                + $"for an input of {x[1]} features");
        }
        if (recurrence.Rank != 3 || recurrence.Shape[0] != d || recurrence.Shape[1] != gates * h || recurrence.Shape[2] != h)
        {
            throw new InvalidModelException($"node '{name}' ({op}): R is {recurrence}, expected [{d}, {gates * h}, {h}]");
        }
        Require(name, op, "B", bias, d * 2 * gates * h);
        Require(name, op, "initial_h", initialH, d * h);
        Require(name, op, "initial_c", initialC, d * h);
        Require(name, op, "P", peepholes, d * 3 * h);
        if (cell != RecurrentCell.Lstm && (initialC is not null || peepholes is not null))
        {
            throw new InvalidModelException($"node '{name}' ({op}): only an LSTM has a cell state and peepholes");
        }
        RecurrentActivation[] defaults = DefaultActivations(cell);
        activations ??= [.. Enumerable.Repeat(defaults, d).SelectMany(a => a)];
        if (activations.Length != d * defaults.Length)
        {
            throw new InvalidModelException($"node '{name}' ({op}): {activations.Length} activations, expected {d * defaults.Length} "
                + $"({defaults.Length} per direction)");
        }
        Cell = cell;
        Direction = direction;
        Weight = weight;
        Recurrence = recurrence;
        Bias = bias;
        InitialH = initialH;
        InitialC = initialC;
        Peepholes = peepholes;
        _activations = [.. activations];
        LinearBeforeReset = linearBeforeReset && cell == RecurrentCell.Gru;
        Op = op;
        OutputShape = new Shape(x[0], d, h);
    }

    public RecurrentCell Cell { get; }
    public RecurrentDirection Direction { get; }

    /// <summary>D: 2 when bidirectional, else 1.</summary>
    public int Directions => Weight.Shape[0];

    /// <summary>G: the gates per cell (RNN 1, LSTM 4, GRU 3).</summary>
    public int Gates => GatesOf(Cell);

    /// <summary>H: the hidden state's size per direction.</summary>
    public int HiddenSize => Recurrence.Shape[2];

    /// <summary>F: features per sequence element.</summary>
    public int InputSize => Weight.Shape[2];

    /// <summary>L: elements per sequence.</summary>
    public int Length => OutputShape[0];

    /// <summary>Numbers carried from one element to the next per sample: D·H, twice that for the LSTM's cell state.</summary>
    public int StateSize => Directions * HiddenSize * (Cell == RecurrentCell.Lstm ? 2 : 1);

    /// <summary>W [D, G·H, F].</summary>
    public FloatTensor Weight { get; }

    /// <summary>R [D, G·H, H].</summary>
    public FloatTensor Recurrence { get; }

    /// <summary>[D, 2·G·H]: Wb then Rb per direction, or null for zeros.</summary>
    public float[]? Bias { get; }

    /// <summary>[D, H], the same for every sample, or null for zeros.</summary>
    public float[]? InitialH { get; }

    /// <summary>The LSTM's [D, H] initial cell state, or null for zeros.</summary>
    public float[]? InitialC { get; }

    /// <summary>The LSTM's peepholes [D, 3·H] (i, o, f), or null for none.</summary>
    public float[]? Peepholes { get; }

    /// <summary>The activations, per direction in ONNX's order (RNN f; LSTM f, g, h; GRU f, g).</summary>
    public IReadOnlyList<RecurrentActivation> Activations => _activations;

    /// <summary>GRU: the reset gate multiplies Hₜ₋₁·R_hᵀ + Rb_h rather than Hₜ₋₁.</summary>
    public bool LinearBeforeReset { get; }

    public override Shape OutputShape { get; }
    public override string Op { get; }
    public override long Parameters => Weight.Length + Recurrence.Length + (Bias?.Length ?? 0) + (Peepholes?.Length ?? 0);
    public override long Macs => (long)Length * (Weight.Length + Recurrence.Length);

    public override string Describe() =>
        $"{InputSize}→{HiddenSize}{(Directions == 2 ? " ×2 directions" : Direction == RecurrentDirection.Reverse ? " reverse" : "")} "
        + $"over {Length} steps, {string.Join("/", _activations.Take(_activations.Length / Directions)).ToLowerInvariant()}, "
        + $"state {StateSize}";

    /// <summary>The gates per cell: RNN 1, LSTM 4, GRU 3.</summary>
    public static int GatesOf(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Rnn => 1,
        RecurrentCell.Lstm => 4,
        _ => 3,
    };

    /// <summary>ONNX's op name of the cell: RNN, LSTM, GRU.</summary>
    public static string OpOf(RecurrentCell cell) => cell.ToString().ToUpperInvariant();

    /// <summary>ONNX's default activations of one direction.</summary>
    public static RecurrentActivation[] DefaultActivations(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Rnn => [RecurrentActivation.Tanh],
        RecurrentCell.Lstm => [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh, RecurrentActivation.Tanh],
        _ => [RecurrentActivation.Sigmoid, RecurrentActivation.Tanh],
    };

    private static void Require(string name, string op, string role, float[]? data, int length)
    {
        if (data is not null && data.Length != length)
        {
            throw new InvalidModelException($"node '{name}' ({op}): {role} has {data.Length} elements, expected {length}");
        }
    }
}
