using System.Buffers;
using System.Numerics.Tensors;
using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Tensors;

namespace Ann2Snn.Ann;

/// <summary>
/// A reduction over a set of axes of each sample, as one kernel step per run of adjacent reduced axes (last run
/// first, so the earlier axes keep their place): sums and products compose, a sum of squares squares in its first
/// step only, and a mean is a sum divided once by the count at the end.
/// </summary>
internal sealed class ReduceLayer : SampleLayer
{
    private readonly ReduceKind _kind;
    private readonly AxisBlock[] _steps;
    private readonly int _scratch;
    private readonly float _count;

    public ReduceLayer(ReduceNode node, int[] inputs) : base(node, inputs)
    {
        _kind = node.Kind;
        _count = node.Count;
        int[] dims = node.Inputs[0].OutputShape.ToArray();
        var steps = new List<AxisBlock>();
        IReadOnlyList<int> axes = node.Axes;
        for (int k = axes.Count - 1; k >= 0;)
        {
            int last = axes[k];
            while (k > 0 && axes[k - 1] == axes[k] - 1) k--;
            int first = axes[k--];
            AxisBlock block = AxisBlock.Of(new Shape(dims), first, last);
            steps.Add(block);
            for (int a = first; a <= last; a++) dims[a] = 1;
        }
        _steps = [.. steps];
        _scratch = steps.Count > 1 ? steps[0].Outer * steps[0].Inner : 0;
    }

    protected override void RunSample(ReadOnlySpan<float> x, Span<float> y)
    {
        if (_steps.Length == 0)
        {
            // Over no axes each output is its one input: itself, or its square.
            if (_kind == ReduceKind.SumSquare) TensorPrimitives.Multiply(x, x, y);
            else x.CopyTo(y);
            return;
        }
        float[]? rented = _scratch > 0 ? ArrayPool<float>.Shared.Rent(2 * _scratch) : null;
        try
        {
            ReadOnlySpan<float> source = x;
            for (int k = 0; k < _steps.Length; k++)
            {
                AxisBlock b = _steps[k];
                Span<float> target = k == _steps.Length - 1 ? y : rented.AsSpan((k % 2) * _scratch, b.Outer * b.Inner);
                switch (_kind)
                {
                    case ReduceKind.Prod:
                        AxisKernels.Product(source, b, target);
                        break;
                    case ReduceKind.SumSquare when k == 0:
                        AxisKernels.SumOfSquares(source, b, target);
                        break;
                    default:
                        AxisKernels.Sum(source, b, target);
                        break;
                }
                source = target;
            }
            if (_kind == ReduceKind.Mean) TensorPrimitives.Divide(y, _count, y);
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }
}
