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
    private readonly int[] _target;   // per input element: the output element it reduces into

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
        _target = Targets(node.Inputs[0].OutputShape.ToArray(), node.Axes);
    }

    /// <summary>For each input element (row-major), the output element it reduces into (reduced axes dropped).</summary>
    private static int[] Targets(int[] dims, IReadOnlyList<int> axes)
    {
        int size = dims.Aggregate(1, (p, d) => p * d);
        var strides = new int[dims.Length];
        for (int a = dims.Length - 1, s = 1; a >= 0; a--)
        {
            strides[a] = axes.Contains(a) ? 0 : s;
            if (!axes.Contains(a)) s *= dims[a];
        }
        var target = new int[size];
        var index = new int[dims.Length];
        for (int i = 0; i < size; i++)
        {
            int t = 0;
            for (int a = 0; a < dims.Length; a++) t += index[a] * strides[a];
            target[i] = t;
            for (int a = dims.Length - 1; a >= 0 && ++index[a] == dims[a]; a--) index[a] = 0;
        }
        return target;
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

    /// <summary>
    /// Sum: each input gets its output's gradient; mean: divided by the count; sum of squares: times 2x; product: times the
    /// product of the other inputs of its output (y/x, or the product recomputed without x where x = 0).
    /// </summary>
    protected override void BackwardSample(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx,
        float[][]? parameters)
    {
        for (int i = 0; i < x.Length; i++)
        {
            int o = _target[i];
            dx[i] += _kind switch
            {
                ReduceKind.Mean => dy[o] / _count,
                ReduceKind.SumSquare => 2f * x[i] * dy[o],
                ReduceKind.Prod => dy[o] * (x[i] != 0f ? y[o] / x[i] : ProductWithout(x, i)),
                _ => dy[o],
            };
        }
    }

    private float ProductWithout(ReadOnlySpan<float> x, int skip)
    {
        float p = 1f;
        for (int j = 0; j < x.Length; j++)
        {
            if (j != skip && _target[j] == _target[skip]) p *= x[j];
        }
        return p;
    }
}
