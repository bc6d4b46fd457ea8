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
        _ => throw new UnsupportedOperatorException($"node '{node.Name}' ({node.Op}): the ANN executor does not run this operator"),
    };
}
