using System.Globalization;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// Two independent oracles of the TTFS backend, both per image with <see cref="SynapticOpReference"/>:
/// the quantized ANN its closed form promises, and a literal step-by-step run of the ramp/clock dynamics.
/// </summary>
internal static class TtfsReference
{
    /// <summary>Spike levels of the input and of every layer (readout: none), plus the output layer's final value.</summary>
    public sealed record Levels(int[] Input, int[][] Layers, double[][] Output);

    public static float InputScale(SpikingNetwork net) =>
        net.Metadata.TryGetValue("input_scale", out string? s) ? float.Parse(s, CultureInfo.InvariantCulture) : 1f;

    /// <summary>
    /// The quantized ANN: input level m = clamp(⌊W·x/s + ½⌋, 0, W); a population's level clamp(⌊W·z/θ + ½⌋, 0, W)
    /// with z = Σ chain(source values) + b and a source's value m/W (the input's m/W·s); max pooling takes the largest
    /// level. Output: the readout's Σ chain + b, or a spiking output's W·z/θ.
    /// </summary>
    public static Levels QuantizedAnn(SpikingNetwork net, float[] x, int count, int w)
    {
        int inSize = net.InputShape.Size;
        float s = InputScale(net);
        var input = new int[count * inSize];
        int[][] layers = net.Layers.Select(l => l is ReadoutLayer ? [] : new int[count * l.Shape.Size]).ToArray();
        var output = new double[count][];
        for (int b = 0; b < count; b++)
        {
            var levels = new int[net.Layers.Count][];
            int[] inLevels = Enumerable.Range(0, inSize).Select(i => TtfsCode.Level(x[b * inSize + i] / (double)s, w)).ToArray();
            inLevels.CopyTo(input, b * inSize);
            float[] Value(int source) => source < 0
                ? inLevels.Select(m => (float)((double)m / w * s)).ToArray()
                : levels[source].Select(m => (float)((double)m / w)).ToArray();
            for (int l = 0; l < net.Layers.Count; l++)
            {
                SpikingLayer layer = net.Layers[l];
                double[] z = layer is MaxPoolLayer ? [] : PreActivation(layer, Value);
                switch (layer)
                {
                    case NeuronLayer n:
                        levels[l] = z.Select(v => TtfsCode.LevelOfScaled(w * v / n.Neuron.VThreshold, w)).ToArray();
                        if (l == net.Layers.Count - 1) output[b] = z.Select(v => w * v / n.Neuron.VThreshold).ToArray();
                        break;
                    case MaxPoolLayer mp:
                        levels[l] = MaxPool(mp, levels[mp.Source]);
                        break;
                    default:
                        output[b] = z;
                        continue;
                }
                levels[l].CopyTo(layers[l], b * layer.Shape.Size);
            }
        }
        return new Levels(input, layers, output);
    }

    private static double[] PreActivation(SpikingLayer layer, Func<int, float[]> value)
    {
        float[] bias = layer is NeuronLayer n ? n.Bias : ((ReadoutLayer)layer).Bias;
        var z = bias.Select(v => (double)v).ToArray();
        foreach (Projection p in SpikingNetwork.ProjectionsOf(layer))
        {
            float[] y = Chain(p, value(p.Source));
            for (int i = 0; i < z.Length; i++) z[i] += y[i];
        }
        return z;
    }

    private static float[] Chain(Projection p, float[] x) => p.Ops.Aggregate(x, (v, op) => SynapticOpReference.Apply(op, v));

    /// <summary>Max over each window of the taps inside the input (padding is ignored).</summary>
    private static int[] MaxPool(MaxPoolLayer mp, int[] x)
    {
        Shape i = mp.InputShape, o = mp.Shape;
        Window2d w = mp.Window;
        var y = new int[o.Size];
        for (int c = 0; c < o.Channels; c++)
        {
            for (int oy = 0; oy < o.Height; oy++)
            {
                for (int ox = 0; ox < o.Width; ox++)
                {
                    int best = 0;
                    for (int ky = 0; ky < w.KernelH; ky++)
                    {
                        for (int kx = 0; kx < w.KernelW; kx++)
                        {
                            int iy = oy * w.StrideH - w.PadTop + ky * w.DilationH, ix = ox * w.StrideW - w.PadLeft + kx * w.DilationW;
                            if (iy >= 0 && iy < i.Height && ix >= 0 && ix < i.Width) best = Math.Max(best,
                                x[(c * i.Height + iy) * i.Width + ix]);
                        }
                    }
                    y[(c * o.Height + oy) * o.Width + ox] = best;
                }
            }
        }
        return y;
    }

    /// <summary>
    /// One image run literally, step by step: at step t every population in its window fires if V(t) ≥ θ(W − ½) and it
    /// has not fired (a max-pool unit fires when the first spike of its window arrives, one window late); then every
    /// membrane is charged with I(t) = Σ chain(active ramps) + b (window before its own) + θ (its own window), a ramp
    /// of a spike at t_j being active for t_j ≤ t &lt; end of the source's window. Returns the spike steps per layer and
    /// the output layer's potential at the end.
    /// </summary>
    public static (int[] Input, int[][] Layers, double[] OutputPotential) StepByStep(SpikingNetwork net, float[] image, int w)
    {
        int[] depth = TtfsSimulator.Depths(net);
        int steps = (depth.Max() + 1) * w;
        float s = InputScale(net);
        int[] input = image.Select(v => TtfsCode.Offset(TtfsCode.Level(v / (double)s, w), w)).ToArray();
        int[][] times = net.Layers.Select(l => Enumerable.Repeat(-1, l is ReadoutLayer ? 0 : l.Shape.Size).ToArray()).ToArray();
        double[][] v = net.Layers.Select(l => new double[l.Shape.Size]).ToArray();
        int Start(int l) => l < 0 ? 0 : depth[l] * w;
        int[] TimesOf(int source) => source < 0 ? input : times[source];
        for (int t = 0; t < steps; t++)
        {
            for (int l = 0; l < net.Layers.Count; l++)
            {
                if (t < Start(l) || t >= Start(l) + w) continue;
                if (net.Layers[l] is NeuronLayer n)
                {
                    for (int k = 0; k < times[l].Length; k++)
                    {
                        if (times[l][k] < 0 && v[l][k] >= n.Neuron.VThreshold * (w - 0.5)) times[l][k] = t;
                    }
                }
                else if (net.Layers[l] is MaxPoolLayer mp)
                {
                    var arrived = TimesOf(mp.Source).Select(ts => ts >= 0 && ts + w == t ? 1 : 0).ToArray();
                    int[] any = MaxPool(mp, arrived);
                    for (int k = 0; k < any.Length; k++)
                    {
                        if (any[k] > 0 && times[l][k] < 0) times[l][k] = t;
                    }
                }
            }
            for (int l = 0; l < net.Layers.Count; l++)
            {
                SpikingLayer layer = net.Layers[l];
                if (layer is MaxPoolLayer) continue;
                int start = Start(l);
                float[] bias = layer is NeuronLayer n ? n.Bias : ((ReadoutLayer)layer).Bias;
                double biasNow = t >= start - w && t < start ? 1 : 0;
                double clock = layer is NeuronLayer nl && t >= start && t < start + w ? nl.Neuron.VThreshold : 0;
                for (int k = 0; k < v[l].Length; k++) v[l][k] += bias[k] * biasNow + clock;
                foreach (Projection p in SpikingNetwork.ProjectionsOf(layer))
                {
                    int end = Start(p.Source) + w;
                    float unit = p.Source < 0 ? s : 1f;
                    float[] active = TimesOf(p.Source).Select(ts => ts >= 0 && ts <= t && t < end ? unit : 0f).ToArray();
                    if (active.All(a => a == 0f)) continue;
                    float[] y = Chain(p, active);
                    for (int k = 0; k < y.Length; k++) v[l][k] += y[k];
                }
            }
        }
        return (input, times, v[^1]);
    }

    /// <summary>Level of a spike at step <paramref name="t"/> in a window starting at <paramref name="start"/> (0 for none).</summary>
    public static int LevelOf(int t, int start, int w) => t < 0 ? 0 : w - (t - start);
}
