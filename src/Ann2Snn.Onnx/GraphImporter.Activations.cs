using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Onnx;

/// <summary>
/// Element-wise activations (Sigmoid, Tanh, LeakyRelu, PRelu, Elu, HardSigmoid, HardSwish), and the ops along
/// per-sample axes: Softmax, LogSoftmax, ArgMax, ReduceMean/Sum/Prod/SumSquare. An axis 0 (the batch) is refused.
/// </summary>
internal sealed partial class GraphImporter
{
    /// <summary>A parameterless activation, or one with ONNX's alpha (and beta) attributes and their defaults.</summary>
    private void Activation(OnnxNode n, ActivationKind kind)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        (float alpha, float beta) = kind switch
        {
            ActivationKind.LeakyRelu => (n.Float("alpha", 0.01f), 0f),
            ActivationKind.Elu => (n.Float("alpha", 1f), 0f),
            ActivationKind.HardSigmoid => (n.Float("alpha", 0.2f), n.Float("beta", 0.5f)),
            _ => (0f, 0f),
        };
        SetOutput(n, n.Make(() => new ActivationNode(n.Name, x.Node, kind, alpha, beta)));
    }

    /// <summary>PRelu: the slope is a constant that broadcasts onto the input (unidirectionally): 1, C or every value.</summary>
    private void PRelu(OnnxNode n)
    {
        n.RequireInputs(2, 2);
        TensorValue x = n.Tensor(0);
        ConstTensor c = n.Weight(1, "slope");
        float[] slope = ConstantBroadcast.ToPerSample(c, x.Shape, out string reason) ?? n.Unsupported<float[]>(reason);
        SetOutput(n, n.Make(() => new ActivationNode(n.Name, x.Node, ActivationKind.PRelu, slope: slope)));
    }

    /// <summary>
    /// Softmax and LogSoftmax. Opset 13 made the axis default -1 and the normalization run over that one axis; before,
    /// the input was coerced to 2-D at the axis (default 1), so it ran over that axis and all after it.
    /// </summary>
    private void Softmax(OnnxNode n, bool log)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        bool singleAxis = n.Opset >= 13;
        int first = SampleAxis(n, n.Int("axis", singleAxis ? -1 : 1), x.Shape, "axis");
        int last = singleAxis ? first : x.Shape.Rank - 1;
        SetOutput(n, n.Make(() => new SoftmaxNode(n.Name, x.Node, log, first, last)));
    }

    /// <summary>ArgMax along one axis (default 0, the batch, which is refused); keepdims defaults to 1.</summary>
    private void ArgMax(OnnxNode n)
    {
        n.RequireInputs(1, 1);
        TensorValue x = n.Tensor(0);
        int axis = SampleAxis(n, n.Int("axis", 0), x.Shape, "axis");
        bool keepDims = n.Int("keepdims", 1) != 0, last = n.Int("select_last_index", 0) != 0;
        SetOutput(n, n.Make(() => new ArgMaxNode(n.Name, x.Node, axis, keepDims, last)));
    }

    /// <summary>
    /// ReduceSum (axes from input 1 from opset 13), ReduceMean, ReduceProd and ReduceSumSquare (from opset 18; an
    /// attribute before). No axes means every axis, the batch included, unless noop_with_empty_axes makes it an
    /// identity. A mean (or sum) over H and W of [N, C, H, W] is global average pooling (times H·W).
    /// </summary>
    private void Reduce(OnnxNode n, ReduceKind kind)
    {
        int axesInputFrom = kind == ReduceKind.Sum ? 13 : 18;
        bool axesInput = n.Opset >= axesInputFrom;
        n.RequireInputs(1, axesInput ? 2 : 1);
        TensorValue x = n.Tensor(0);
        if (axesInput && n.HasAttribute("axes")) n.Fail($"attribute axes is not defined from opset {axesInputFrom}; the axes are input 1");
        long[]? axes = axesInput ? (n.HasInput(1) ? n.Integers(1, "axes") : null) : n.Ints("axes");
        bool keepDims = n.Int("keepdims", 1) != 0;
        if (axes is null || axes.Length == 0)
        {
            if (n.Int("noop_with_empty_axes", 0) == 0)
            {
                n.Unsupported("without axes it reduces every axis, so it operates across the batch axis; give the per-sample axes");
            }
            // Over no axes each output is its one input (squared, for a sum of squares).
            SetOutput(n, n.Make<Node>(() => kind == ReduceKind.SumSquare
                ? new ReduceNode(n.Name, x.Node, kind, [], keepDims)
                : new IdentityNode(n.Name, x.Node, n.OpType)));
            return;
        }
        int[] full = NormalizeAxes(n, axes, x.Shape.Rank + 1);
        if (full.Contains(0))
        {
            n.Unsupported($"axes [{string.Join(", ", axes)}] include axis 0, so it operates across the batch axis; "
                + "only per-sample axes are supported");
        }
        int[] sample = [.. full.Select(a => a - 1).Order()];
        if (kind is ReduceKind.Mean or ReduceKind.Sum && x.Shape.Rank == 3 && sample is [1, 2])
        {
            SetOutput(n, SpatialReduce(n, x.Node, kind == ReduceKind.Sum, keepDims));
            return;
        }
        SetOutput(n, n.Make(() => new ReduceNode(n.Name, x.Node, kind, sample, keepDims)));
    }

    /// <summary>A mean over H and W as <see cref="GlobalAvgPoolNode"/> (which converts), × H·W for a sum, squeezed to [C].</summary>
    private Node SpatialReduce(OnnxNode n, Node x, bool sum, bool keepDims)
    {
        Shape s = x.OutputShape;
        Node pooled = n.Make(() => new GlobalAvgPoolNode(n.Name, x));
        Node scaled = sum ? n.Make(() => new ScaleShiftNode(UniqueName(n.Name + "/sum"), pooled, [s.Height * s.Width], [0], "Mul"))
            : pooled;
        return keepDims ? scaled : n.Make(() => new ReshapeNode(UniqueName(n.Name + "/squeeze"), scaled, new Shape(s.Channels), "Squeeze"));
    }

    /// <summary>
    /// An axis of the tensor [N, …] whose per-sample shape is <paramref name="shape"/>, as a per-sample axis (0 is the
    /// first after the batch); the batch axis itself is refused.
    /// </summary>
    private static int SampleAxis(OnnxNode n, long axis, Shape shape, string what)
    {
        int a = NormalizeAxis(n, axis, shape.Rank + 1, what);
        if (a == 0)
        {
            n.Unsupported($"{what} {axis} of [N, {string.Join(", ", shape)}] operates across the batch axis; "
                + "only per-sample axes are supported");
        }
        return a - 1;
    }
}
