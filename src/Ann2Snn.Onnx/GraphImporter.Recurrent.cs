using Ann2Snn.Graph;
using Ann2Snn.Tensors;
using Onnx;

namespace Ann2Snn.Onnx;

/// <summary>
/// The recurrent ops RNN, LSTM and GRU, and the sequence-first layout around them: in layout 0 the input X is [L, N, F]
/// and the outputs Y [L, D, N, H] and Y_h [D, N, H], so the batch is not ONNX axis 0 (a <see cref="MovedBatchValue"/>)
/// until a Transpose, Squeeze or Gather brings it back first. PyTorch writes batch_first models as
/// Transpose(perm 1,0,2) → op → Squeeze → Transpose, and the zero initial state as a ConstantOfShape of [D, N, H].
/// </summary>
internal sealed partial class GraphImporter
{
    private static readonly string[] RecurrentOps = ["RNN", "LSTM", "GRU"];

    private void Recurrent(OnnxNode n, RecurrentCell cell)
    {
        n.RequireInputs(3, cell == RecurrentCell.Lstm ? 8 : 6);
        long layout = n.Int("layout", 0);
        if (layout is not (0 or 1)) n.Fail($"layout={layout} is not defined (0: [L, N, F], 1: [N, L, F])");
        (Node x, int batchAxis) = n.AnyTensor(0);
        if (x.OutputShape.Rank != 2)
        {
            string dims = string.Join(", ", [.. x.OutputShape.Take(batchAxis).Select(v => $"{v}"), "N",
                .. x.OutputShape.Skip(batchAxis).Select(v => $"{v}")]);
            n.Fail($"input X has {x.OutputShape.Rank + 1} axes ([{dims}]); expected 3, a sequence");
        }
        int wantBatch = layout == 0 ? 1 : 0;
        if (batchAxis != wantBatch)
        {
            n.Unsupported($"layout={layout} reads axis {wantBatch} of X as the batch, but the batch is axis {batchAxis}"
                + (layout == 0 ? " (layout 0 reads axis 0 as the sequence; export batch_first with its Transpose, or use layout=1)" : ""));
        }
        string directionText = n.String("direction", "forward");
        RecurrentDirection direction = directionText switch
        {
            "forward" => RecurrentDirection.Forward,
            "reverse" => RecurrentDirection.Reverse,
            "bidirectional" => RecurrentDirection.Bidirectional,
            _ => n.Fail<RecurrentDirection>($"direction={Text.Clean(directionText)} is not defined; "
                + "expected forward, reverse or bidirectional"),
        };
        int d = direction == RecurrentDirection.Bidirectional ? 2 : 1, gates = RecurrentNode.GatesOf(cell);
        ConstTensor w = n.Weight(1, "W"), r = n.Weight(2, "R");
        int features = x.OutputShape[1];
        if (w.Rank != 3 || w.Dims[0] != d || w.Dims[1] % gates != 0 || w.Dims[1] == 0 || w.Dims[2] != features)
        {
            n.Fail($"W '{Text.Clean(w.Name)}' is {w.DimsText}; expected [{d}, {gates}·hidden_size, {features}] "
                + $"for {d} direction(s) over {features} input features");
        }
        int hidden = w.Dims[1] / gates;
        if (n.HasAttribute("hidden_size") && n.Int("hidden_size", 0) != hidden)
        {
            n.Fail($"hidden_size={n.Int("hidden_size", 0)} disagrees with W '{Text.Clean(w.Name)}' {w.DimsText} "
                + $"({w.Dims[1]} rows = {gates} gate(s) × {hidden})");
        }
        if (r.Rank != 3 || r.Dims[0] != d || r.Dims[1] != gates * hidden || r.Dims[2] != hidden)
        {
            n.Fail($"R '{Text.Clean(r.Name)}' is {r.DimsText}; expected [{d}, {gates * hidden}, {hidden}] (hidden_size {hidden})");
        }
        float[]? bias = null;
        if (n.HasInput(3))
        {
            ConstTensor b = n.Weight(3, "B");
            if (b.Length != d * 2 * gates * hidden)
            {
                n.Fail($"B '{Text.Clean(b.Name)}' is {b.DimsText}; expected [{d}, {2 * gates * hidden}]");
            }
            bias = b.Floats;
        }
        if (n.HasInput(4)) n.Unsupported("sequence_lens is not supported; every sequence must run its full length");
        float[]? initialH = InitialState(n, 5, "initial_h", d, hidden, layout);
        float[]? initialC = cell == RecurrentCell.Lstm ? InitialState(n, 6, "initial_c", d, hidden, layout) : null;
        float[]? peepholes = null;
        if (cell == RecurrentCell.Lstm && n.HasInput(7))
        {
            ConstTensor p = n.Weight(7, "P");
            if (p.Length != d * 3 * hidden) n.Fail($"P '{Text.Clean(p.Name)}' is {p.DimsText}; expected [{d}, {3 * hidden}]");
            peepholes = p.Floats;
        }
        RecurrentActivation[]? activations = Activations(n, cell, d);
        var node = n.Make(() => new RecurrentNode(n.Name, x, cell, direction, new FloatTensor(w.Dims, w.Floats),
            new FloatTensor(r.Dims, r.Floats), bias, initialH, initialC, peepholes, activations,
            n.Int("linear_before_reset", 0) != 0));
        // Y [L, D, N, H] or [N, L, D, H]; Y_h [D, N, H] or [N, D, H]: per sample [L, D, H] and [D, H].
        if (n.Outputs.Count > 0 && n.Outputs[0].Length > 0) SetSequenceOutput(n, node, layout == 0 ? 2 : 0, 0);
        if (n.Outputs.Count > 1 && n.Outputs[1].Length > 0)
        {
            int length = x.OutputShape[0];
            // Direction 0 ends its run at the last element (the first when reversed); direction 1 (reverse) at the first.
            int[] map = [.. Enumerable.Range(0, d * hidden).Select(i =>
            {
                int dir = i / hidden;
                bool reverse = direction == RecurrentDirection.Reverse || dir == 1;
                return ((((reverse ? 0 : length - 1) * d) + dir) * hidden) + (i % hidden);
            })];
            var last = n.Make(() => new GatherNode(UniqueName(n.Name + "_h"), node, map, new Shape(d, hidden), "LastState"));
            SetSequenceOutput(n, last, layout == 0 ? 1 : 0, 1);
        }
    }

    /// <summary>Binds output <paramref name="index"/> to <paramref name="node"/>, its ONNX batch at <paramref name="batchAxis"/>.</summary>
    private void SetSequenceOutput(OnnxNode n, Node node, int batchAxis, int index) =>
        SetOutput(n, batchAxis == 0 ? new TensorValue(node) : new MovedBatchValue(node, batchAxis), index);

    /// <summary>
    /// initial_h or initial_c: a constant [D, N, H] (layout 0) or [N, D, H] (layout 1) that is the same for every sample (N = 1,
    /// or equal rows), as [D, H]; null when absent.
    /// </summary>
    private static float[]? InitialState(OnnxNode n, int index, string role, int d, int hidden, long layout)
    {
        if (!n.HasInput(index)) return null;
        if (n.Input(index) is not ConstantValue)
        {
            n.Unsupported($"{role} ('{Text.Clean(n.InputName(index))}') is computed at run time; only a constant initial state "
                + "(the same for every sample) is supported");
        }
        ConstTensor c = n.Weight(index, role);
        int batchAxis = layout == 0 ? 1 : 0, dirAxis = 1 - batchAxis;
        if (c.Rank != 3 || c.Dims[dirAxis] != d || c.Dims[2] != hidden)
        {
            string expected = layout == 0 ? $"[{d}, N, {hidden}]" : $"[N, {d}, {hidden}]";
            n.Fail($"{role} '{Text.Clean(c.Name)}' is {c.DimsText}; expected {expected}");
        }
        int batch = c.Dims[batchAxis];
        float[] data = c.Floats;
        var state = new float[d * hidden];
        for (int s = 0; s < batch; s++)
        {
            for (int dir = 0; dir < d; dir++)
            {
                int from = layout == 0 ? ((dir * batch) + s) * hidden : ((s * d) + dir) * hidden;
                for (int i = 0; i < hidden; i++)
                {
                    float v = data[from + i];
                    if (s == 0) state[(dir * hidden) + i] = v;
                    else if (v != state[(dir * hidden) + i])
                    {
                        n.Unsupported($"{role} '{Text.Clean(c.Name)}' differs between samples; only an initial state shared by "
                            + "the whole batch is supported");
                    }
                }
            }
        }
        return state;
    }

    /// <summary>The activations attribute (ONNX's defaults when absent): Relu, Tanh or Sigmoid, per direction.</summary>
    private static RecurrentActivation[]? Activations(OnnxNode n, RecurrentCell cell, int d)
    {
        string[]? names = n.Strings("activations");
        if (names is null) return null;
        int per = RecurrentNode.DefaultActivations(cell).Length;
        if (names.Length != per * d)
        {
            n.Fail($"activations has {names.Length} entries ({string.Join(", ", names.Select(Text.Clean))}); "
                + $"expected {per * d} ({per} per direction)");
        }
        return [.. names.Select(a => a switch
        {
            "Relu" => RecurrentActivation.Relu,
            "Tanh" => RecurrentActivation.Tanh,
            "Sigmoid" => RecurrentActivation.Sigmoid,
            _ => n.Unsupported<RecurrentActivation>($"activation '{Text.Clean(a)}' is not supported; only Relu, Tanh and Sigmoid are"),
        })];
    }

    /// <summary>
    /// A Transpose of a tensor whose batch is axis <paramref name="batchAxis"/>: the batch lands where the permutation puts
    /// it, the other axes are permuted per sample.
    /// </summary>
    private void TransposeMoved(OnnxNode n, Node x, int batchAxis)
    {
        int[] perm = TransposePermutation(n, x.OutputShape.Rank + 1);
        int outBatch = Array.IndexOf(perm, batchAxis);
        int[] perSample = [.. perm.Where(a => a != batchAxis).Select(a => a < batchAxis ? a : a - 1)];
        Node y = perSample.Select((a, i) => a == i).All(same => same) ? x : n.Make(() => new TransposeNode(n.Name, x, perSample));
        SetSequenceOutput(n, y, outBatch, 0);
    }

    /// <summary>Squeeze of a tensor whose batch is axis <paramref name="batchAxis"/> ≥ 1: the given axes go, the batch may not.</summary>
    private void SqueezeMoved(OnnxNode n, Node x, int batchAxis)
    {
        long[] axes = SqueezeAxes(n, required: true)
            ?? n.Unsupported<long[]>("Squeeze without axes is not supported (it would also remove a batch of 1); give the axes");
        int[] full = [.. x.OutputShape.Take(batchAxis), 1, .. x.OutputShape.Skip(batchAxis)];
        int[] normalized = NormalizeAxes(n, axes, full.Length);
        if (normalized.Contains(batchAxis)) n.Unsupported($"squeezing axis {batchAxis} (the batch) is not supported");
        int[] dims = SqueezeDims(n, full, axes);
        int outBatch = batchAxis - normalized.Count(a => a < batchAxis);
        int[] perSample = [.. dims.Where((_, a) => a != outBatch)];
        if (perSample.Length == 0) n.Unsupported("squeezing to a scalar per sample is not supported");
        SetSequenceOutput(n, n.Make(() => new ReshapeNode(n.Name, x, new Shape(perSample), "Squeeze")), outBatch, 0);
    }

    /// <summary>Gather along a per-sample axis of a tensor whose batch is axis <paramref name="batchAxis"/> ≥ 1 (h_n[-1], y[-1]).</summary>
    private void GatherMoved(OnnxNode n, Node x, int batchAxis)
    {
        long[] indices = n.Integers(1, "indices");
        int[] indexDims = n.Constant(1, "indices").Dims;
        int[] dims = x.OutputShape.ToArray();
        int axis = NormalizeAxis(n, n.Int("axis", 0), dims.Length + 1, "axis");
        if (axis == batchAxis) n.Unsupported($"gathers along axis {axis}, the batch");
        int a = axis < batchAxis ? axis : axis - 1;
        int[][] picks = [.. dims.Select(Everything)];
        picks[a] = GatherIndices(n, indices, axis, dims[a]);
        int[] shape = [.. dims[..a], .. indexDims, .. dims[(a + 1)..]];
        int outBatch = axis < batchAxis ? batchAxis - 1 + indexDims.Length : batchAxis;
        if (shape.Length == 0) n.Unsupported("gathering a scalar per sample is not supported");
        int[] map = Offsets(dims, picks);
        SetSequenceOutput(n, n.Make(() => new GatherNode(n.Name, x, map, new Shape(shape), "Gather")), outBatch, 0);
    }

    /// <summary>
    /// Whether the graph input is read as X by a recurrent op in layout 0 (so it is [L, N, F], its batch axis 1), and
    /// by nothing else that would read it batch-first.
    /// </summary>
    private static bool IsSequenceFirst(GraphProto graph, string input) =>
        graph.Node.Any(p => RecurrentOps.Contains(p.OpType) && p.Input.Count > 0 && p.Input[0] == input
            && !p.Attribute.Any(a => a.Name == "layout" && a.I != 0));

    /// <summary>Whether every reader of <paramref name="value"/> is a recurrent op taking it as initial_h or initial_c.</summary>
    private bool OnlyInitialState(string value) =>
        !_graphOutputs.Contains(value) && _consumers.TryGetValue(value, out var readers)
        && readers.All(p => RecurrentOps.Contains(p.OpType) && p.Input.Select((v, i) => (v, i)).All(e => e.v != value || e.i is 5 or 6));
}
