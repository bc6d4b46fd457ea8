using Ann2Snn.Graph;
using Ann2Snn.Kernels;

namespace Ann2Snn.Ann;

/// <summary>
/// Runs an <see cref="ActivationNode"/>: one vectorized kernel over all the samples it is given at once, or, for PRelu
/// (whose slopes follow each sample's channels), one call per sample.
/// </summary>
internal sealed class ActivationLayer(ActivationNode node, int[] inputs) : Layer(node, inputs)
{
    private readonly ActivationKind _kind = node.Kind;
    private readonly float _alpha = node.Alpha;
    private readonly float _beta = node.Beta;
    private readonly float[]? _slope = node.Slope;
    private readonly int _plane = node.OutputShape.Size / node.OutputShape.Channels;

    public override void Run(Memory<float>[] data, Span<float> y, int count)
    {
        ReadOnlySpan<float> x = X(data)[..(count * InSize)];
        y = y[..(count * OutSize)];
        switch (_kind)
        {
            case ActivationKind.Sigmoid:
                ActivationKernels.Sigmoid(x, y);
                break;
            case ActivationKind.Tanh:
                ActivationKernels.Tanh(x, y);
                break;
            case ActivationKind.LeakyRelu:
                ActivationKernels.LeakyRelu(x, _alpha, y);
                break;
            case ActivationKind.PRelu:
                for (int s = 0; s < count; s++)
                {
                    ActivationKernels.PRelu(x.Slice(s * InSize, InSize), _plane, _slope, y.Slice(s * OutSize, OutSize));
                }
                break;
            case ActivationKind.Elu:
                ActivationKernels.Elu(x, _alpha, y);
                break;
            case ActivationKind.HardSigmoid:
                ActivationKernels.HardSigmoid(x, _alpha, _beta, y);
                break;
            case ActivationKind.HardSwish:
                ActivationKernels.HardSwish(x, y);
                break;
            case ActivationKind.Floor:
                System.Numerics.Tensors.TensorPrimitives.Floor(x, y);
                break;
            case ActivationKind.Gelu:
                ActivationKernels.Gelu(x, y);
                break;
            case ActivationKind.GeluTanh:
                ActivationKernels.GeluTanh(x, y);
                break;
            case ActivationKind.Erf:
                ActivationKernels.Erf(x, y);
                break;
            case ActivationKind.Sqrt:
                System.Numerics.Tensors.TensorPrimitives.Sqrt(x, y);
                break;
            case ActivationKind.Pow:
                ActivationKernels.Pow(x, _alpha, y);
                break;
            default:
                throw new InvalidOperationException($"unknown activation kind {_kind}");
        }
    }

    public override IReadOnlyList<LayerParameter> Parameters => _kind == ActivationKind.PRelu ? [new("slope", _slope!.Length)] : [];

    public override void Backward(Memory<float>[] data, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Memory<float>[] grad, int count,
        float[][]? parameters)
    {
        ReadOnlySpan<float> x = X(data)[..(count * InSize)];
        y = y[..(count * OutSize)];
        dy = dy[..(count * OutSize)];
        Span<float> dx = DX(grad)[..(count * InSize)];
        switch (_kind)
        {
            case ActivationKind.Sigmoid:
                GradientKernels.Sigmoid(y, dy, dx);
                break;
            case ActivationKind.Tanh:
                GradientKernels.Tanh(y, dy, dx);
                break;
            case ActivationKind.LeakyRelu:
                GradientKernels.LeakyRelu(x, _alpha, dy, dx);
                break;
            case ActivationKind.PRelu:
                PReluBackward(x, dy, dx, count, parameters);
                break;
            case ActivationKind.Elu:
                GradientKernels.Elu(x, y, _alpha, dy, dx);
                break;
            case ActivationKind.HardSigmoid:
                GradientKernels.HardSigmoid(x, _alpha, _beta, dy, dx);
                break;
            case ActivationKind.HardSwish:
                GradientKernels.HardSwish(x, dy, dx);
                break;
            case ActivationKind.Floor:
                break;  // zero almost everywhere
            case ActivationKind.Gelu:
                GradientKernels.Gelu(x, dy, dx);
                break;
            case ActivationKind.GeluTanh:
                GradientKernels.GeluTanh(x, dy, dx);
                break;
            case ActivationKind.Erf:
                GradientKernels.Erf(x, dy, dx);
                break;
            case ActivationKind.Sqrt:
                GradientKernels.Sqrt(y, dy, dx);
                break;
            case ActivationKind.Pow:
                GradientKernels.Pow(x, _alpha, dy, dx);
                break;
            default:
                throw new InvalidOperationException($"unknown activation kind {_kind}");
        }
    }

    /// <summary>dx = dy where x &gt; 0, else slope·dy; ∂/∂slope = Σ dy·x over the elements below zero that it covers.</summary>
    private void PReluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int count, float[][]? parameters)
    {
        float[] slope = _slope!;
        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < InSize; i++)
            {
                int e = (s * InSize) + i;
                int k = slope.Length == 1 ? 0 : slope.Length == InSize ? i : i / _plane;
                if (x[e] > 0f)
                {
                    dx[e] += dy[e];
                    continue;
                }
                dx[e] += slope[k] * dy[e];
                if (parameters is not null) parameters[0][k] += dy[e] * x[e];
            }
        }
    }
}
