using Ann2Snn.Graph;

namespace Ann2Snn.Ann;

/// <summary>
/// One computing node of the executor's plan: reads its inputs' chunk data and writes count samples of output.
/// Built once per graph; holds only immutable, preprocessed parameters.
/// </summary>
internal abstract class Layer
{
    protected Layer(Node node, int[] inputs)
    {
        Inputs = inputs;
        InSize = node.Inputs.Count > 0 ? node.Inputs[0].OutputShape.Size : 0;
        OutSize = node.OutputShape.Size;
    }

    /// <summary>Node indices of the inputs.</summary>
    public int[] Inputs { get; }

    protected int InSize { get; }
    protected int OutSize { get; }

    /// <summary>Computes <paramref name="count"/> samples into <paramref name="y"/> from the inputs' chunk data.</summary>
    public abstract void Run(Memory<float>[] data, Span<float> y, int count);

    protected ReadOnlySpan<float> X(Memory<float>[] data) => data[Inputs[0]].Span;

    /// <summary>The gradient buffer of input <paramref name="k"/> (what <see cref="Backward"/> adds into).</summary>
    protected Span<float> DX(Memory<float>[] grad, int k = 0) => grad[Inputs[k]].Span;

    /// <summary>Why this layer has no gradient, or null when it has one (see <see cref="Backward"/>).</summary>
    public virtual string? NoGradient => null;

    /// <summary>The parameters <see cref="Backward"/> gives gradients for, in the order of its <c>parameters</c> argument.</summary>
    public virtual IReadOnlyList<LayerParameter> Parameters => [];

    /// <summary>
    /// Adds this layer's share of its inputs' gradients for <paramref name="count"/> samples: for each input k,
    /// grad[Inputs[k]] += (∂y/∂x_k)ᵀ·dy, where <paramref name="data"/> holds the inputs' forward values, <paramref name="y"/>
    /// this layer's output and <paramref name="dy"/> the gradient of the loss with respect to it. With
    /// <paramref name="parameters"/>, also adds the gradients of <see cref="Parameters"/>, summed over the samples.
    /// </summary>
    public abstract void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters);

    public static Layer Create(Node node, int[] inputs) => node switch
    {
        Conv2dNode n => new ConvLayer(n, inputs),
        ConvTranspose2dNode n => new ConvTransposeLayer(n, inputs),
        TransposeNode n => new TransposeLayer(n, inputs),
        GatherNode n => new GatherLayer(n, inputs),
        PadNode n => new PadLayer(n, inputs),
        DenseNode n => new DenseLayer(n, inputs),
        BatchNormNode n => new BatchNormLayer(n, inputs),
        ReluNode n => new ReluLayer(n, inputs),
        ClipNode n => new ClipLayer(n, inputs),
        QuantizedClipNode n => new QuantizedClipLayer(n, inputs),
        Pool2dNode n => new PoolLayer(n, inputs),
        GlobalAvgPoolNode n => new GlobalAvgPoolLayer(n, inputs),
        ScaleShiftNode n => new ScaleShiftLayer(n, inputs),
        AddNode n => new AddLayer(n, inputs),
        ConcatNode n => new ConcatLayer(n, inputs),
        SoftmaxNode n => new SoftmaxLayer(n, inputs),
        ActivationNode n => new ActivationLayer(n, inputs),
        ArgMaxNode n => new ArgMaxLayer(n, inputs),
        ReduceNode n => new ReduceLayer(n, inputs),
        RecurrentNode n => new RecurrentLayer(n, inputs),
        BinaryNode n => new BinaryLayer(n, inputs),
        MatMulNode n => new MatMulLayer(n, inputs),
        LayerNormNode n => new LayerNormLayer(n, inputs),
        ConstantNode n => new ConstantLayer(n, inputs),
        _ => throw new UnsupportedOperatorException($"node '{node.Name}' ({node.Op}): the ANN executor does not run this operator"),
    };
}
