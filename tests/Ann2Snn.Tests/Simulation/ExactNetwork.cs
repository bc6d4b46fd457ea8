using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// A spiking network built by hand in which every sum a simulator takes is exact in float: weights are multiples of
/// 1/16 in [−1/4, 1/4] (dense) or of 1/8 in [−1/2, 1/2] (the rest), biases and inputs multiples of 1/16, gains
/// multiples of 1/4, average-pool divisors 4.
/// Whatever order a backend adds in, the currents are the same bits, so every backend must give the same spikes,
/// potentials and predictions bit for bit. It has every kind of synapse and layer: convolutions (padded, strided
/// with asymmetric pads, depthwise dilated, 1×1 into a concatenation slice), a residual gain, a concatenation of
/// spikes, an overlapping max-pool, average pool → flatten → dense, a dense projection from the input, and a readout.
/// With <c>leaky</c> (signed neurons only), the populations get negative branches (<see cref="NeuronLayer.NegativeGain"/>)
/// of every form — per channel, one per layer, one per neuron — with gains that are multiples of 1/8, so α·Q stays exact.
/// With <c>tokens</c>, a layer of 4 tokens of 6 reads the pooled concatenation transposed into tokens (a selection, then
/// dense synapses over tokens) and the input's rows as tokens (dense synapses over tokens, then every other token selected),
/// and the readout reads it too.
/// </summary>
internal static class ExactNetwork
{
    public static readonly Shape InputShape = new(2, 8, 8);

    public static SpikingNetwork Build(NeuronParameters neuron, MaxPoolScheme pool = MaxPoolScheme.WinnerTakeAll,
        bool spikingOutput = false, int seed = 17, bool leaky = false, bool tokens = false)
    {
        var rng = new Random(seed);
        float[]? Gain(params float[] g) => leaky ? g : null;
        Shape a = new(4, 8, 8), s = new(6, 4, 4), cat = new(10, 4, 4), pooled = new(6, 2, 2), avg = new(10, 2, 2);
        var layers = new List<SpikingLayer>
        {
            new NeuronLayer("a", a, neuron,
                [new Projection(-1, [new ConvOp(InputShape, Weights(rng, 0.5f, 4, 2, 3, 3), Window2d.Square(3, 1, 1), 1, a)])],
                Bias(rng, a.Size), Gain(0.25f, 0.5f, 0f, 0.75f)),
            new NeuronLayer("s", s, neuron,
                [new Projection(0, [new ConvOp(a, Weights(rng, 0.5f, 6, 4, 3, 3), new Window2d(3, 3, 2, 2, 1, 1, 0, 0), 1, s)])],
                Bias(rng, s.Size), Gain(0.125f)),
            new NeuronLayer("dw", s, neuron,
            [
                new Projection(1, [new ConvOp(s, Weights(rng, 0.5f, 6, 1, 3, 3),
                    new Window2d(3, 3, 1, 1, 2, 2, 2, 2, DilationH: 2, DilationW: 2), 6, s)]),
                new Projection(1, [new ScaleOp(s, [0.5f, 1f, 0.25f, 0.5f, 1f, 0.75f])]),
            ], Bias(rng, s.Size), Gain(Enumerable.Range(0, s.Size).Select(i => (i % 5) / 8f).ToArray())),
            new MaxPoolLayer("pool", 2, s, new Window2d(3, 3, 2, 2, 1, 1, 1, 1), pool, pooled),
            new NeuronLayer("cat", cat, neuron,
            [
                new Projection(2, [new ConvOp(s, Weights(rng, 0.5f, 4, 6, 1, 1), Window2d.Square(1), 1, new Shape(4, 4, 4)),
                    new ConcatSliceOp(new Shape(4, 4, 4), 0, cat)]),
                new Projection(1, [new ConcatSliceOp(s, 4, cat)]),
            ], Bias(rng, cat.Size), Gain(Enumerable.Range(0, cat.Channels).Select(c => (c % 3) / 4f).ToArray())),
            new NeuronLayer("fc", new Shape(12), neuron,
            [
                new Projection(4, [new AvgPoolOp(cat, Window2d.Square(2, 2), false, avg), new ReshapeOp(avg, new Shape(40)),
                    new DenseOp(new Shape(40), Weights(rng, 0.25f, 12, 40))]),
                new Projection(3, [new ReshapeOp(pooled, new Shape(24)), new DenseOp(new Shape(24), Weights(rng, 0.25f, 12, 24))]),
                new Projection(-1, [new ReshapeOp(InputShape, new Shape(128)), new DenseOp(new Shape(128), Weights(rng, 0.25f, 12, 128))]),
            ], Bias(rng, 12), Gain(0.5f)),
        };
        List<Projection> readout = [new Projection(5, [new DenseOp(new Shape(12), Weights(rng, 0.5f, 5, 12))])];
        if (tokens)
        {
            Shape tok = new(4, 6), rows = new(8, 16), byToken = new(10, 4);
            var fromRows = new TokenDenseOp(rows, Weights(rng, 0.25f, 6, 16));
            layers.Add(new NeuronLayer("tok", tok, neuron,
            [
                new Projection(4, [new AvgPoolOp(cat, Window2d.Square(2, 2), false, avg), new ReshapeOp(avg, byToken),
                    new SelectOp(byToken, [.. Enumerable.Range(0, 40).Select(i => i % 10 * 4 + i / 10)], new Shape(4, 10)),
                    new TokenDenseOp(new Shape(4, 10), Weights(rng, 0.25f, 6, 10))]),
                new Projection(-1, [new ReshapeOp(InputShape, rows), fromRows,
                    new SelectOp(fromRows.OutputShape, [.. Enumerable.Range(0, 24).Select(i => (i / 6 * 2 + 1) * 6 + i % 6)], tok)]),
            ], Bias(rng, tok.Size), Gain(0.5f)));
            readout.Add(new Projection(6, [new ReshapeOp(tok, new Shape(24)), new DenseOp(new Shape(24), Weights(rng, 0.25f, 5, 24))]));
        }
        layers.Add(spikingOutput
            ? new NeuronLayer("out", new Shape(5), neuron, readout, Bias(rng, 5), Gain(0.25f))
            : new ReadoutLayer("out", new Shape(5), readout, Bias(rng, 5)));
        return new SpikingNetwork("exact", InputShape, layers);
    }

    /// <summary>Images with values in {0, 1/16, …, 1}, [count × 128].</summary>
    public static float[] Inputs(int count, int seed = 23)
    {
        var rng = new Random(seed);
        var x = new float[count * InputShape.Size];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(17) / 16f;
        return x;
    }

    /// <summary>Multiples of <paramref name="limit"/>/4 in [−limit, limit] (limit a power of two).</summary>
    private static FloatTensor Weights(Random rng, float limit, params int[] shape)
    {
        var w = new float[shape.Aggregate(1, (p, d) => p * d)];
        for (int i = 0; i < w.Length; i++) w[i] = (rng.Next(9) - 4) * limit / 4;
        return new FloatTensor(shape, w);
    }

    private static float[] Bias(Random rng, int n)
    {
        var b = new float[n];
        for (int i = 0; i < n; i++) b[i] = (rng.Next(9) - 3) / 16f;
        return b;
    }
}
