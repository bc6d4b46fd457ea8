using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

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
        DenseNode n => new DenseLayer(n, inputs),
        BatchNormNode n => new BatchNormLayer(n, inputs),
        ReluNode n => new ReluLayer(n, inputs),
        ClipNode n => new ClipLayer(n, inputs),
        Pool2dNode n => new PoolLayer(n, inputs),
        GlobalAvgPoolNode n => new GlobalAvgPoolLayer(n, inputs),
        ScaleShiftNode n => new ScaleShiftLayer(n, inputs),
        AddNode n => new AddLayer(n, inputs),
        ConcatNode n => new ConcatLayer(n, inputs),
        SoftmaxNode n => new SoftmaxLayer(n, inputs),
        _ => throw new UnsupportedOperatorException($"node '{node.Name}' ({node.Op}): the ANN executor does not run this operator"),
    };
}

/// <summary>A layer computed one sample at a time from a single input.</summary>
internal abstract class SampleLayer(Node node, int[] inputs) : Layer(node, inputs)
{
    public sealed override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        ReadOnlySpan<float> x = X(data);
        for (int i = 0; i < count; i++) RunSample(x.Slice(i * InSize, InSize), y.Slice(i * OutSize, OutSize));
    }

    protected abstract void RunSample(ReadOnlySpan<float> x, Span<float> y);
}

/// <summary>Convolution: im2col + GEMM per image (direct for depthwise).</summary>
internal sealed class ConvLayer : Layer
{
    private readonly Conv2dWeights _weights;

    public ConvLayer(Conv2dNode node, int[] inputs) : base(node, inputs)
    {
        Shape x = node.Inputs[0].OutputShape;
        var geometry = new Conv2dGeometry(x.Channels, x.Height, x.Width, node.OutChannels, node.Window, node.Groups);
        _weights = new Conv2dWeights(geometry, node.Weight.Data, node.Bias);
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Conv2d.ForwardBatch(_weights, X(data), y, count);
}

/// <summary>Dense layer: Y[count × Out] = X[count × In] · Wᵀ + b, one GEMM per chunk with W packed once.</summary>
internal sealed class DenseLayer : Layer
{
    private readonly GemmPackedB _weight;
    private readonly float[] _bias;

    public DenseLayer(DenseNode node, int[] inputs) : base(node, inputs)
    {
        _weight = GemmPackedB.Pack(node.InFeatures, node.OutFeatures, node.Weight.Data, node.InFeatures, transposeB: true);
        _bias = node.Bias ?? [];
    }

    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Gemm.Multiply(count, X(data), InSize, false, _weight, y, OutSize, _bias, _bias.Length > 0 ? GemmBias.PerColumn : GemmBias.None);
}

internal sealed class BatchNormLayer : SampleLayer
{
    private readonly float[] _multiplier;
    private readonly float[] _offset;
    private readonly int _plane;

    public BatchNormLayer(BatchNormNode node, int[] inputs) : base(node, inputs)
    {
        (_multiplier, _offset) = node.Affine();
        _plane = OutSize / node.OutputShape.Channels;
    }

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) =>
        Elementwise.ChannelAffine(x, _plane, _multiplier, _offset, y);
}

internal sealed class ReluLayer(ReluNode node, int[] inputs) : Layer(node, inputs)
{
    public override void Run(Memory<float>[] data, Span<float> y, int count) => Elementwise.Relu(X(data), y);
}

internal sealed class ClipLayer(ClipNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly float _min = node.Min;
    private readonly float _max = node.Max;

    public override void Run(Memory<float>[] data, Span<float> y, int count) => Elementwise.Clip(X(data), _min, _max, y);
}

internal sealed class PoolLayer(Pool2dNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly Shape _in = node.Inputs[0].OutputShape;
    private readonly PoolKind _kind = node.Kind;
    private readonly Window2d _window = node.Window;
    private readonly bool _countIncludePad = node.CountIncludePad;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_kind == PoolKind.Max) Pool2d.Max(x, _in.Channels, _in.Height, _in.Width, _window, y);
        else Pool2d.Average(x, _in.Channels, _in.Height, _in.Width, _window, _countIncludePad, y);
    }
}

internal sealed class GlobalAvgPoolLayer(GlobalAvgPoolNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly int _channels = node.OutputShape.Channels;

    // The chunk is count·C consecutive planes.
    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Pool2d.GlobalAverage(X(data), count * _channels, InSize / _channels, y);
}

internal sealed class ScaleShiftLayer(ScaleShiftNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly float[] _scale = node.Scale;
    private readonly float[] _shift = node.Shift;
    private readonly int _plane = node.OutputShape.Size / node.OutputShape.Channels;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y) => Elementwise.ScaleShift(x, _plane, _scale, _shift, y);
}

internal sealed class AddLayer(AddNode node, int[] inputs) : Layer(node, inputs)
{
    public override void Run(Memory<float>[] data, Span<float> y, int count) =>
        Elementwise.Add(data[Inputs[0]].Span, data[Inputs[1]].Span, y);
}

/// <summary>Channel concatenation: per sample, each input's block in order.</summary>
internal sealed class ConcatLayer(ConcatNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly int[] _blockSizes = node.Inputs.Select(n => n.OutputShape.Size).ToArray();

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int offset = i * OutSize;
            for (int k = 0; k < Inputs.Length; k++)
            {
                int block = _blockSizes[k];
                data[Inputs[k]].Span.Slice(i * block, block).CopyTo(y.Slice(offset, block));
                offset += block;
            }
        }
    }
}

/// <summary>Softmax or log-softmax over each sample's whole vector.</summary>
internal sealed class SoftmaxLayer(SoftmaxNode node, int[] inputs) : SampleLayer(node, inputs)
{
    private readonly bool _log = node.Log;

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_log) Elementwise.LogSoftmax(x, y);
        else Elementwise.Softmax(x, y);
    }
}
