using Ann2Snn.Neurons;
using Ann2Snn.Tensors;

namespace Ann2Snn.Snn;

/// <summary>
/// Quantizes the synaptic weights of a network to k-bit signed integers for chips (k = 2…16), rounding to nearest (half
/// away from zero). With q = 2^(k−1) − 1 levels each side:
/// <list type="bullet">
/// <item><see cref="WeightScale.PerLayer"/>: one scale per population, s = max|w| / q over the weights of every dense and
/// conv op of its projections. Each weight becomes the integer round(w/s) (a float holding an integer), and the membrane
/// is measured in units of s: V_th ← V_th/s, bias ← bias/s, V_rest ← V_rest/s, and a projection without a weighted op
/// (an identity or pooling skip) gains a factor 1/s. The dynamics are linear in V, so the spikes are those of the network
/// with weights round(w/s)·s: the quantization error is the only change.</item>
/// <item><see cref="WeightScale.PerChannel"/>: one scale per output channel of each weighted op (s_o = max_i |w_oi| / q),
/// weights round(w/s_o)·s_o; a per-population threshold cannot absorb per-channel scales, so weights stay in the original
/// units (what a chip with per-channel weight exponents, or a receiver folding s_o into its thresholds, stores).</item>
/// </list>
/// A population all of whose weights are zero keeps them. The metadata records <c>weight_bits</c> and <c>weight_scale</c>.
/// </summary>
public static class WeightQuantization
{
    public const int MinBits = 2, MaxBits = 16;

    public const string BitsKey = "weight_bits", ScaleKey = "weight_scale";

    /// <summary>Throws <see cref="InvalidOptionException"/> naming <paramref name="option"/> unless 2 ≤ k ≤ 16.</summary>
    public static void CheckBits(int bits, string option = "weight-bits")
    {
        if (bits is < MinBits or > MaxBits) ThrowHelper.InvalidOption(option, $"k = {bits} is outside {MinBits}..{MaxBits}");
    }

    public static SpikingNetwork Quantize(SpikingNetwork network, int bits, WeightScale scale = WeightScale.PerLayer)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckBits(bits);
        if (!Enum.IsDefined(scale)) ThrowHelper.InvalidOption("weight-scale", $"{(int)scale} is not a scale mode");
        float levels = (1 << (bits - 1)) - 1;
        var layers = new List<SpikingLayer>(network.Layers.Count);
        foreach (SpikingLayer layer in network.Layers)
        {
            layers.Add(layer switch
            {
                NeuronLayer n => Quantize(n, levels, scale),
                ReadoutLayer r => Quantize(r, levels, scale),
                _ => layer,
            });
        }
        var metadata = network.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        metadata[BitsKey] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        metadata[ScaleKey] = scale == WeightScale.PerLayer ? "layer" : "channel";
        return new SpikingNetwork(network.Name, network.InputShape, layers, metadata);
    }

    private static NeuronLayer Quantize(NeuronLayer n, float levels, WeightScale mode)
    {
        var (projections, s) = Projections(n.Projections, n.Shape, levels, mode);
        if (s is null) return new NeuronLayer(n.Name, n.Shape, n.Neuron, projections, n.Bias, n.NegativeGain);
        NeuronParameters p = n.Neuron with { VThreshold = n.Neuron.VThreshold / s.Value, VRest = n.Neuron.VRest / s.Value };
        return new NeuronLayer(n.Name, n.Shape, p, projections, Divided(n.Bias, s.Value), n.NegativeGain);
    }

    private static ReadoutLayer Quantize(ReadoutLayer r, float levels, WeightScale mode)
    {
        var (projections, s) = Projections(r.Projections, r.Shape, levels, mode);
        return new ReadoutLayer(r.Name, r.Shape, projections, s is null ? r.Bias : Divided(r.Bias, s.Value));
    }

    private static float[] Divided(float[] values, float s) => [.. values.Select(v => v / s)];

    /// <summary>The quantized projections and, per layer, the scale the membrane is now measured in (null: unchanged units).</summary>
    private static (List<Projection>, float?) Projections(IReadOnlyList<Projection> projections, Shape shape, float levels,
        WeightScale mode)
    {
        if (mode == WeightScale.PerChannel)
        {
            return ([.. projections.Select(p => p with { Ops = [.. p.Ops.Select(op => PerChannel(op, levels))] })], null);
        }
        float max = 0;
        foreach (SynapticOp op in projections.SelectMany(p => p.Ops))
        {
            if (Weights(op) is { } w) max = Math.Max(max, MaxAbs(w.Data));
        }
        if (max == 0) return ([.. projections], null);
        float s = max / levels;
        var result = new List<Projection>();
        foreach (Projection p in projections)
        {
            var ops = p.Ops.Select(op => Weights(op) is { } w ? WithWeights(op, Rounded(w.Data, s)) : op).ToList();
            if (!p.Ops.Any(op => Weights(op) is not null)) ops.Add(new ScaleOp(shape, [1f / s]));
            result.Add(p with { Ops = ops });
        }
        return (result, s);
    }

    private static SynapticOp PerChannel(SynapticOp op, float levels)
    {
        if (Weights(op) is not { } w) return op;
        int rows = w.Shape[0], per = w.Data.Length / rows;
        var q = new float[w.Data.Length];
        for (int o = 0; o < rows; o++)
        {
            ReadOnlySpan<float> row = w.Data.AsSpan(o * per, per);
            float max = MaxAbs(row);
            if (max == 0) continue;
            float s = max / levels;
            for (int i = 0; i < per; i++) q[o * per + i] = Round(row[i] / s) * s;
        }
        return WithWeights(op, q);
    }

    /// <summary>round(w/s): the integers a chip stores.</summary>
    private static float[] Rounded(float[] w, float s) => [.. w.Select(x => Round(x / s))];

    private static float Round(float x) => MathF.Round(x, MidpointRounding.AwayFromZero);

    private static float MaxAbs(ReadOnlySpan<float> w)
    {
        float max = 0;
        foreach (float x in w) max = Math.Max(max, Math.Abs(x));
        return max;
    }

    private static FloatTensor? Weights(SynapticOp op) => op switch
    {
        DenseOp d => d.Weight,
        TokenDenseOp t => t.Weight,
        ConvOp c => c.Weight,
        _ => null,
    };

    private static SynapticOp WithWeights(SynapticOp op, float[] data) => op switch
    {
        DenseOp d => new DenseOp(d.InputShape, new FloatTensor(d.Weight.Shape, data)),
        TokenDenseOp t => new TokenDenseOp(t.InputShape, new FloatTensor(t.Weight.Shape, data)),
        ConvOp c => new ConvOp(c.InputShape, new FloatTensor(c.Weight.Shape, data), c.Window, c.Groups, c.OutputShape),
        _ => op,
    };
}
