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
            default:
                throw new InvalidOperationException($"unknown activation kind {_kind}");
        }
    }
}
