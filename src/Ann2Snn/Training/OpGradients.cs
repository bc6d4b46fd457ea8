using System.Numerics.Tensors;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Training;

/// <summary>
/// Backward of the synaptic ops for a batch of rows, over the ANN's gradient kernels: dense (GEMMs; over tokens with the rows'
/// positions as rows), convolution (transposed convolution for the input, im2col GEMM for the weights), average pooling, gains,
/// reshapes, channel placement and selections (a scatter-add).
/// </summary>
internal static class OpGradients
{
    /// <summary>dW += the gradient of the op's weights given its input rows and output gradient (dense: dYᵀ·X; conv: dY ⊛ X).</summary>
    public static void Weights(SynapticOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, int rows, Span<float> dw)
    {
        switch (op)
        {
            case DenseOp d:
                int o = d.Weight.Shape[0], i = d.Weight.Shape[1];
                Gemm.Multiply(o, i, rows, dy, o, true, x, i, false, dw, i, accumulate: true);
                break;
            case TokenDenseOp t:
                // dW += dYᵀ·X over rows·P token rows: every position shares the weight.
                Gemm.Multiply(t.OutFeatures, t.InFeatures, rows * t.Positions, dy, t.OutFeatures, true, x, t.InFeatures, false, dw,
                    t.InFeatures, accumulate: true);
                break;
            case ConvOp c:
                Conv2dGradient.AccumulateWeights(BpttPlan.Geometry(c), x, dy, rows, dw, default);
                break;
        }
    }

    /// <summary>dx = the gradient of the op's input rows given its output gradient (overwritten, not added).</summary>
    public static void Input(SynapticOp op, ConvTranspose2dWeights? transposed, ReadOnlySpan<float> dy, int rows, Span<float> dx)
    {
        int inSize = op.InputShape.Size, outSize = op.OutputShape.Size;
        switch (op)
        {
            case DenseOp d:
                // dX[rows × In] = dY[rows × Out] · W[Out × In]
                Gemm.Multiply(rows, inSize, outSize, dy, outSize, false, d.Weight.Data, inSize, false, dx, inSize);
                break;
            case TokenDenseOp t:
                // dX[rows·P × In] = dY[rows·P × Out] · W[Out × In]
                Gemm.Multiply(rows * t.Positions, t.InFeatures, t.OutFeatures, dy, t.OutFeatures, false, t.Weight.Data, t.InFeatures, false,
                    dx, t.InFeatures);
                break;
            case SelectOp selection:
                {
                    // dx[map[i]] += dy[i]: an input read by several outputs gathers all their gradients, one never read none.
                    dx[..(rows * inSize)].Clear();
                    ReadOnlySpan<int> map = selection.Map;
                    for (int r = 0; r < rows; r++)
                    {
                        for (int i = 0; i < outSize; i++) dx[(r * inSize) + map[i]] += dy[(r * outSize) + i];
                    }
                    break;
                }
            case ConvOp:
                ConvTranspose2d.ForwardBatch(transposed!, dy[..(rows * outSize)], dx, rows);
                break;
            case AvgPoolOp p:
                dx.Clear();
                Shape s = p.InputShape;
                for (int r = 0; r < rows; r++)
                {
                    Pool2dGradient.Average(dy.Slice(r * outSize, outSize), s.Channels, s.Height, s.Width, p.Window, p.CountIncludePad,
                        dx.Slice(r * inSize, inSize));
                }
                break;
            case ScaleOp g:
                float[] gains = g.ElementGains();
                for (int r = 0; r < rows; r++)
                {
                    TensorPrimitives.Multiply(dy.Slice(r * outSize, outSize), gains, dx.Slice(r * inSize, inSize));
                }
                break;
            case ConcatSliceOp c:
                int offset = c.ChannelOffset * (outSize / c.OutputShape.Channels);
                for (int r = 0; r < rows; r++) dy.Slice((r * outSize) + offset, inSize).CopyTo(dx.Slice(r * inSize, inSize));
                break;
            default:
                dy[..(rows * inSize)].CopyTo(dx);
                break;
        }
    }
}
