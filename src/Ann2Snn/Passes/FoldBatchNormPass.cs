using Ann2Snn.Graph;
using Ann2Snn.Tensors;

namespace Ann2Snn.Passes;

/// <summary>
/// Folds inference BatchNorm into the Conv/Dense before it: with a = γ/√(σ²+ε) and c = β − a·μ per output channel,
/// W′[o,…] = a[o]·W[o,…] and b′[o] = a[o]·b[o] + c[o]. Skipped when the layer's output has other consumers,
/// since they need the un-normalized values, and for a Dense over tokens (a BatchNorm's channels there are the tokens).
/// </summary>
public sealed class FoldBatchNormPass : IGraphPass
{
    public string Name => "fold-batchnorm";

    public ModelGraph Run(ModelGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (!graph.Nodes.Any(n => IsFoldable(graph, n))) return graph;
        return GraphRewriter.Rebuild(graph, (n, inputs) =>
        {
            if (!IsFoldable(graph, n)) return GraphRewriter.WithInputs(n, inputs);
            var bn = (BatchNormNode)n;
            var (a, c) = bn.Affine();
            // inputs[0] is the rewritten producer (same weights as the original: BN chains are folded one per round).
            return inputs[0] switch
            {
                Conv2dNode conv => new Conv2dNode(conv.Name, conv.Inputs[0], Scale(conv.Weight, a), Bias(conv.Bias, a, c),
                    conv.Window, conv.Groups),
                DenseNode dense => new DenseNode(dense.Name, dense.Inputs[0], Scale(dense.Weight, a), Bias(dense.Bias, a, c)),
                _ => throw new InvalidOperationException("unreachable: checked by IsFoldable"),
            };
        });
    }

    private static bool IsFoldable(ModelGraph graph, Node n) =>
        n is BatchNormNode { Inputs: [Node producer] } && producer is Conv2dNode or DenseNode { IsVector: true }
            && graph.ConsumerCount(producer) == 1;

    private static FloatTensor Scale(FloatTensor w, float[] a)
    {
        int per = w.Length / w.Shape[0];
        var data = new float[w.Length];
        for (int o = 0; o < w.Shape[0]; o++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(w.Data.AsSpan(o * per, per), a[o], data.AsSpan(o * per, per));
        }
        return new FloatTensor(w.Shape, data);
    }

    private static float[] Bias(float[]? b, float[] a, float[] c)
    {
        var result = new float[a.Length];
        for (int o = 0; o < a.Length; o++)
        {
            result[o] = (float)((double)a[o] * (b?[o] ?? 0f) + c[o]);
        }
        return result;
    }
}
