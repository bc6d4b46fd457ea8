using Ann2Snn.Ann;
using Ann2Snn.Graph;
using Ann2Snn.Passes;
using Ann2Snn.Tensors;

namespace Ann2Snn.Conversion;

/// <summary>
/// The linear tail of a network belongs to its readout: every affine node after the last nonlinearity on the way to the
/// output (a 1×1 convolution, average or global pooling, reshapes, constant scales, batch norm, dense layers, and
/// transposes, padding and transposed convolutions, which convert nowhere else when strided or copying) composes
/// into one affine map y = W·x + b from the last spiking population to the readout neurons, which the converter then
/// realizes as a single dense projection. W and b are measured by running the tail on the basis vectors:
/// b = tail(0) and W·e_j = tail(e_j) − b, exact up to float rounding for any affine tail.
/// </summary>
public static class LinearReadout
{
    /// <summary>Largest probing cost accepted: (inputs + 1) × the tail's multiply-accumulates per sample.</summary>
    public const long MaxProbeMacs = 4_000_000_000;

    /// <summary>
    /// The nodes of the linear tail, from the one nearest the output back to the first after the last nonlinearity,
    /// skipping the final nodes the argmax readout makes redundant (<see cref="ArgmaxReadoutPass"/>). Each has one input
    /// and is consumed only by the next. Empty when the output is not affine.
    /// </summary>
    public static IReadOnlyList<Node> Tail(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        Node at = graph.Output;
        while (ArgmaxReadoutPass.KeepsArgmax(at)) at = at.Inputs[0];
        var tail = new List<Node>();
        while (IsAffine(at) && (tail.Count == 0 || graph.ConsumerCount(at) == 1))
        {
            tail.Add(at);
            at = at.Inputs[0];
        }
        return tail;
    }

    /// <summary>
    /// Whether the tail needs folding to convert: a weighted layer in it feeds another weighted layer or a pooling with its
    /// signed output (a 1×1 convolution before global pooling; two dense layers in a row). Tails that convert as they are
    /// (a final dense layer, after pooling and reshapes) are left alone, so their synaptic events stay as they were.
    /// </summary>
    public static bool NeedsFold(IReadOnlyList<Node> tail)
    {
        ArgumentNullException.ThrowIfNull(tail);
        return Enumerable.Range(1, Math.Max(0, tail.Count - 1)).Any(k => tail[k] is Conv2dNode or DenseNode
            && tail.Take(k).Any(n => n is Conv2dNode or DenseNode or GlobalAvgPoolNode or Pool2dNode))
            || tail.Any(ConvertsOnlyFolded);
    }

    /// <summary>
    /// A linear node with no synaptic form of its own, which converts only folded into the readout: a Transpose, a
    /// copying Pad (reflect, edge, wrap, channel crops), a strided ConvTranspose.
    /// </summary>
    private static bool ConvertsOnlyFolded(Node n) => n switch
    {
        TransposeNode => true,
        PadNode p => PadSynapses.Problem(p) is not null,
        ConvTranspose2dNode c => ConvTransposeToConvPass.EquivalentWindow(c) is null,
        _ => false,
    };

    /// <summary>
    /// <paramref name="graph"/> with its linear tail replaced by one dense node (and the reshapes around it that keep the
    /// input and output shapes) when <see cref="NeedsFold"/>; otherwise the graph itself.
    /// </summary>
    /// <exception cref="UnsupportedOperatorException">the tail is too large to measure (see <see cref="MaxProbeMacs"/>).</exception>
    public static ModelGraph Fold(ModelGraph graph)
    {
        IReadOnlyList<Node> tail = Tail(graph);
        if (!NeedsFold(tail)) return graph;
        Node last = tail[0], source = tail[^1].Inputs[0];
        int inputs = source.OutputShape.Size, outputs = last.OutputShape.Size;
        long macs = tail.Sum(n => Math.Max(n.Macs, n.OutputShape.Size));
        if ((inputs + 1L) * macs > MaxProbeMacs)
        {
            throw new UnsupportedOperatorException($"node '{last.Name}' ({last.Op}): the linear tail after '{source.Name}' "
                + $"({inputs} inputs, {macs:N0} MACs) is too large to fold into the readout");
        }

        (float[] weight, float[] bias) = Measure(tail, source.OutputShape);
        Node from = source.OutputShape.Rank == 1 ? source : new ReshapeNode($"{last.Name}.flatten", source, new Shape(inputs), "Flatten");
        Node dense = new DenseNode($"{last.Name}.readout", from, new FloatTensor([outputs, inputs], weight), bias);
        Node replacement = last.OutputShape.Rank == 1 ? dense : new ReshapeNode($"{last.Name}.shape", dense, last.OutputShape);
        return GraphRewriter.Rebuild(graph, (n, inputsNow) => ReferenceEquals(n, last)
            ? replacement
            : GraphRewriter.WithInputs(n, inputsNow));
    }

    /// <summary>Whether <paramref name="node"/> is an affine map of its single input.</summary>
    public static bool IsAffine(Node node) => node is Conv2dNode or DenseNode or BatchNormNode or ScaleShiftNode or ReshapeNode
        or IdentityNode or GlobalAvgPoolNode or Pool2dNode { Kind: PoolKind.Average } or TransposeNode or PadNode
        or ConvTranspose2dNode;

    /// <summary>W ([outputs × inputs], row-major) and b of the tail, by running it on the basis vectors in chunks.</summary>
    private static (float[] Weight, float[] Bias) Measure(IReadOnlyList<Node> tail, Shape inputShape)
    {
        var input = new InputNode("tail.input", inputShape);
        Node at = input;
        for (int k = tail.Count - 1; k >= 0; k--) at = GraphRewriter.WithInputs(tail[k], [at]);
        var executor = new AnnExecutor(new ModelGraph(input, at, "linear-tail"));
        int inputs = inputShape.Size, outputs = at.OutputShape.Size;
        float[] bias = executor.Forward(new float[inputs], 1);
        var weight = new float[outputs * inputs];
        const int Chunk = 256;
        for (int start = 0; start < inputs; start += Chunk)
        {
            int count = Math.Min(Chunk, inputs - start);
            var basis = new float[count * inputs];
            for (int j = 0; j < count; j++) basis[j * inputs + start + j] = 1f;
            float[] y = executor.Forward(basis, count);
            for (int j = 0; j < count; j++)
            {
                for (int o = 0; o < outputs; o++) weight[o * inputs + start + j] = y[j * outputs + o] - bias[o];
            }
        }
        return (weight, bias);
    }
}
