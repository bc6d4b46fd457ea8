using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Dense;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;
using Ann2Snn.Tests.TestUtil;

namespace Ann2Snn.Tests.Simulation;

/// <summary>The time-to-first-spike backend: its code, one neuron and max pooling by hand, and the quantized ANN as the oracle.</summary>
public class TtfsSimulatorTests
{
    private static NeuronParameters If(float threshold) => NeuronParameters.IntegrateAndFire(threshold, ResetMode.BySubtraction, 0f);

    private static SimulationOptions Options(int w)
        => new() { TtfsWindow = w, Input = InputEncoding.Ttfs, KeepOutputs = true, ChunkSize = 3 };

    private static SimulationResult Run(SpikingNetwork net, float[] x, int count, SimulationOptions options, int[]? labels = null) =>
        new TtfsSimulator().Run(net, [new DataBatch(x, labels ?? new int[count], count)], options);

    private static TtfsSpikeTimes Times(SpikingNetwork net, float[] x, int count, SimulationOptions options) =>
        new TtfsSimulator().SpikeTimes(net, new DataBatch(x, new int[count], count), options);

    private static float[] Dyadic(Random rng, int count, int range, float unit) =>
        Enumerable.Range(0, count).Select(_ => rng.Next(-range, range + 1) * unit).ToArray();

    private static FloatTensor DyadicWeight(Random rng, params int[] shape)
        => new(shape, Dyadic(rng, shape.Aggregate(1, (a, b) => a * b), 4, 1 / 8f));

    /// <summary>
    /// A network whose arithmetic is exact in float (weights k/8, biases k/16, gains and thresholds powers of 2, 2×2
    /// average pools, input scale 2): conv → max pool → conv + concat of an average-pooled skip → dense fed by three
    /// depths (one straight from the input) → readout (or a spiking output) fed by two depths.
    /// </summary>
    private static SpikingNetwork DyadicNetwork(bool spikingOutput = false, int seed = 1)
    {
        var rng = new Random(seed);
        Shape x = new(1, 6, 6), a = new(2, 6, 6), pooled = new(2, 3, 3), c = new(3, 3, 3), g = new(3, 1, 1), d = new(8), o = new(4);
        Window2d conv = Window2d.Square(3, 1, 1), pool = Window2d.Square(2, 2);
        var l0 = new NeuronLayer("c1", a, If(1f), [new Projection(-1, [new ConvOp(x, DyadicWeight(rng, 2, 1, 3, 3), conv, 1, a)])],
            Dyadic(rng, a.Size, 4, 1 / 16f));
        var l1 = new MaxPoolLayer("pool", 0, a, pool, MaxPoolScheme.WinnerTakeAll, pooled);
        var l2 = new NeuronLayer("c2", c, If(2f),
        [
            new Projection(1, [new ConvOp(pooled, DyadicWeight(rng, 3, 2, 3, 3), conv, 1, c), new ScaleOp(c, [0.5f, 1f, 2f])]),
            new Projection(0, [new AvgPoolOp(a, pool, false, pooled), new ConcatSliceOp(pooled, 1, c)]),
        ], Dyadic(rng, c.Size, 4, 1 / 16f));
        var l3 = new NeuronLayer("fc", d, If(1f),
        [
            new Projection(2, [new AvgPoolOp(c, pool, false, g), new ReshapeOp(g, new Shape(3)),
                new DenseOp(new Shape(3), DyadicWeight(rng, 8, 3))]),
            new Projection(0, [new AvgPoolOp(a, pool, false, pooled), new ReshapeOp(pooled, new Shape(18)),
                new DenseOp(new Shape(18), DyadicWeight(rng, 8, 18))]),
            new Projection(-1, [new ReshapeOp(x, new Shape(36)), new DenseOp(new Shape(36), DyadicWeight(rng, 8, 36))]),
        ], Dyadic(rng, d.Size, 4, 1 / 16f));
        Projection[] outputs =
        [
            new Projection(3, [new DenseOp(d, DyadicWeight(rng, 4, 8))]),
            new Projection(1, [new ReshapeOp(pooled, new Shape(18)), new DenseOp(new Shape(18), DyadicWeight(rng, 4, 18))]),
        ];
        float[] outBias = Dyadic(rng, o.Size, 4, 1 / 16f);
        SpikingLayer l4 = spikingOutput ? new NeuronLayer("out", o, If(1f), outputs, outBias)
            : new ReadoutLayer("out", o, outputs, outBias);
        return new SpikingNetwork("dyadic", x, [l0, l1, l2, l3, l4], new Dictionary<string, string> { ["input_scale"] = "2" });
    }

    private static float[] DyadicInputs(int count, int seed = 5) => TestGraphs.Vector(new Random(seed), count * 36, -0.2f, 2.4f);

    /// <summary>Spike steps → levels, layer by layer (the input first), for comparison with the reference.</summary>
    private static int[][] LevelsOf(TtfsSpikeTimes times)
    {
        int w = times.Window;
        var all = new List<int[]> { times.Input.Select(t => TtfsReference.LevelOf(t, 0, w)).ToArray() };
        for (int l = 0; l < times.Layers.Count; l++) all.Add(times.Layers[l]
            .Select(t => TtfsReference.LevelOf(t, times.WindowStart(l), w)).ToArray());
        return [.. all];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(100)]
    public void CodeRoundTripsToTheNearestMultipleOfOneOverW(int w)
    {
        var rng = new Random(w);
        for (int i = 0; i < 2000; i++)
        {
            double a = rng.NextDouble() * 1.4 - 0.2;
            int offset = TtfsCode.Offset(TtfsCode.Level(a, w), w);
            double back = TtfsCode.Decode(offset, w);
            Assert.InRange(back, Math.Clamp(a, 0, 1) - 0.5 / w - 1e-12, Math.Clamp(a, 0, 1) + 0.5 / w + 1e-12);
            Assert.InRange(offset, -1, w - 1);
        }
        for (int k = 0; k <= w; k++) Assert.Equal((double)k / w, TtfsCode.Decode(TtfsCode.Offset(TtfsCode.Level((double)k / w, w), w), w));
        Assert.Equal(0, TtfsCode.Offset(TtfsCode.Level(1.5, w), w)); // a ≥ 1: at the window's start
        Assert.Equal(-1, TtfsCode.Offset(TtfsCode.Level(0, w), w)); // a ≤ 0: no spike
        Assert.Equal(-1, TtfsCode.Offset(TtfsCode.Level(-3, w), w));
        Assert.Equal(-1, TtfsCode.Offset(TtfsCode.Level(double.NaN, w), w));
        Assert.Equal(1, TtfsCode.Level(0.5 / w, w)); // halves round up
        Assert.Equal(0, TtfsCode.Level(0.5 / w - 1e-9, w));
    }

    [Fact]
    public void InputIsEncodedInTheFirstWindow()
    {
        SpikingNetwork net = DyadicNetwork();
        float[] x = DyadicInputs(5);
        TtfsSpikeTimes times = Times(net, x, 5, Options(16));
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(TtfsCode.Offset(TtfsCode.Level(x[i] / 2.0, 16), 16), times.Input[i]);
        }
        SimulationResult r = Run(net, x, 5, Options(16));
        Assert.Equal(times.Input.Count(t => t >= 0), r.InputSpikes);
    }

    [Fact]
    public void OneNeuronFiresAtTheClosedFormStep()
    {
        // x = 0.5 at W = 8: input level 4, spike at step 4; its ramp (w = 0.75) runs steps 4..7 → 3, the bias 0.25 over
        // steps 0..7 → 2, so V(8) = 5 (z = 5/8). The clock then gives V(9) = 6, V(10) = 7, V(11) = 8 ≥ 7.5: spike at 11,
        // level 5. The readout (weight 1, depth 2) integrates that ramp over steps 11..15: output 5/8. T = 3·8.
        var one = new Shape(1);
        var neuron = new NeuronLayer("n", one, If(1f), [new Projection(-1, [new ScaleOp(one, [0.75f])])], [0.25f]);
        var readout = new ReadoutLayer("out", one, [new Projection(0, [new ScaleOp(one, [1f])])], [0f]);
        var net = new SpikingNetwork("one", one, [neuron, readout]);
        SimulationOptions o = Options(8) with { Probes = [new NeuronProbe("n", 0), new NeuronProbe("out", 0)] };
        TtfsSpikeTimes times = Times(net, [0.5f], 1, o);
        Assert.Equal(4, times.Input[0]);
        Assert.Equal(11, times.Layers[0][0]);
        SimulationResult r = Run(net, [0.5f], 1, o);
        Assert.Equal(24, r.Timesteps);
        Assert.Equal(0.625f, r.Outputs[0][0]);
        // Potential after each step: bias ramp, then the input's ramp on top, then the clock through the window.
        float[] v = r.Traces[new NeuronProbe("n", 0)];
        Assert.Equal([0.25f, 0.5f, 0.75f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], v[..11]);
        Assert.Equal(13f, v[15]); // the clock stops at the window's end
        float[] outTrace = r.Traces[new NeuronProbe("out", 0)];
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 5f], outTrace[10..17]);
        Assert.Equal(5f, outTrace[^1]);
    }

    [Fact]
    public void OneNeuronSweepMatchesTheClosedForm()
    {
        // Spike step S + max(0, ⌈W − ½ − V(S)/θ⌉) while that is inside the window, with V(S) = w·m_in + W·b.
        var rng = new Random(17);
        var one = new Shape(1);
        const int W = 16;
        for (int trial = 0; trial < 300; trial++)
        {
            float weight = rng.Next(-8, 25) / 8f, bias = rng.Next(-4, 9) / 16f, theta = rng.Next(2) == 0 ? 1f : 0.5f,
                x = (float)rng.NextDouble();
            var neuron = new NeuronLayer("n", one, If(theta), [new Projection(-1, [new ScaleOp(one, [weight])])], [bias]);
            var net = new SpikingNetwork("one", one,
                [neuron, new ReadoutLayer("out", one, [new Projection(0, [new ScaleOp(one, [1f])])], [0f])]);
            int mIn = TtfsCode.Level(x, W);
            double vs = weight * mIn + W * bias;
            double k = Math.Max(0, Math.Ceiling(W - 0.5 - vs / theta));
            int expected = k <= W - 1 ? W + (int)k : -1;
            Assert.Equal(expected, Times(net, [x], 1, Options(W)).Layers[0][0]);
        }
    }

    [Fact]
    public void MaxPoolSpikesOneWindowAfterTheEarliestInput()
    {
        var shape = new Shape(1, 2, 2);
        var pooled = new Shape(1, 1, 1);
        var neurons = new NeuronLayer("a", shape, If(1f), [new Projection(-1, [new ScaleOp(shape, [1f])])], new float[4]);
        var pool = new MaxPoolLayer("pool", 0, shape, Window2d.Square(2, 2), MaxPoolScheme.Gate, pooled);
        var readout = new ReadoutLayer("out", pooled, [new Projection(1, [new ScaleOp(pooled, [1f])])], new float[1]);
        var net = new SpikingNetwork("maxpool", shape, [neurons, pool, readout]);
        float[] x = [0.25f, 0.75f, 0.5f, 0.1f, 0f, 0f, 0f, 0f, 0.9f, 0.9f, 0f, 1f];
        TtfsSpikeTimes times = Times(net, x, 3, Options(8));
        for (int b = 0; b < 3; b++)
        {
            int[] inputs = times.Layers[0][(b * 4)..(b * 4 + 4)];
            int earliest = inputs.Where(t => t >= 0).DefaultIfEmpty(-1).Min();
            Assert.Equal(earliest < 0 ? -1 : earliest + 8, times.Layers[1][b]);
        }
        Assert.Equal([8 + 8 + 2, -1, 8 + 8 + 0], times.Layers[1]); // levels 6 (0.75), none, 8 (1)
        SimulationResult r = Run(net, x, 3, Options(8));
        Assert.Equal([0.75f, 0f, 1f], r.Outputs.Select(o => o[0]));
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(32, false)]
    [InlineData(16, true)]
    public void DyadicNetworkMatchesTheQuantizedAnnExactly(int w, bool spikingOutput)
    {
        SpikingNetwork net = DyadicNetwork(spikingOutput);
        const int count = 10;
        float[] x = DyadicInputs(count);
        TtfsReference.Levels expected = TtfsReference.QuantizedAnn(net, x, count, w);
        TtfsSpikeTimes times = Times(net, x, count, Options(w));
        int[][] levels = LevelsOf(times);
        Assert.Equal(expected.Input, levels[0]);
        for (int l = 0; l < net.Layers.Count; l++) Assert.Equal(expected.Layers[l], levels[l + 1]);
        // The exercise is meant to hit exact rounding ties and both saturation ends somewhere.
        Assert.Contains(expected.Layers.SelectMany(v => v), m => m == w);
        Assert.Contains(expected.Layers.SelectMany(v => v), m => m == 0);

        SimulationResult r = Run(net, x, count, Options(w));
        Assert.Equal(6 * w, r.Timesteps);
        for (int b = 0; b < count; b++)
        {
            if (spikingOutput)
            {
                // First spike (largest level) wins; ties and silence go to the larger potential.
                int[] m = expected.Layers[^1][(b * 4)..(b * 4 + 4)];
                int winner = Enumerable.Range(0, 4).OrderByDescending(k => m[k]).ThenByDescending(k => expected.Output[b][k])
                    .ThenBy(k => k).First();
                Assert.Equal(winner, r.Predictions[b]);
                Assert.Equal(m.Select(v => v / (float)w), r.Outputs[b]);
            }
            else
            {
                Assert.Equal(expected.Output[b].Select(v => (float)v), r.Outputs[b]);
                Assert.Equal(Array.IndexOf(expected.Output[b], expected.Output[b].Max()), r.Predictions[b]);
            }
        }
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(16, true)]
    public void StepByStepDynamicsGiveTheSameSpikes(int w, bool spikingOutput)
    {
        // The literal ramp/clock dynamics, stepped, against the event-driven solution.
        SpikingNetwork net = DyadicNetwork(spikingOutput, seed: 2);
        const int count = 4;
        float[] x = DyadicInputs(count, seed: 8);
        TtfsSpikeTimes times = Times(net, x, count, Options(w));
        SimulationResult r = Run(net, x, count, Options(w));
        for (int b = 0; b < count; b++)
        {
            var (input, layers, potential) = TtfsReference.StepByStep(net, x[(b * 36)..(b * 36 + 36)], w);
            Assert.Equal(input, times.Input[(b * 36)..(b * 36 + 36)]);
            for (int l = 0; l < layers.Length; l++)
            {
                int size = layers[l].Length;
                Assert.Equal(layers[l], times.Layers[l][(b * size)..(b * size + size)]);
            }
            if (!spikingOutput) Assert.Equal(potential.Select(v => (float)(v / w)), r.Outputs[b]);
        }
    }

    private static (SpikingNetwork Net, float[] Ann, float[] X) Converted(string name, int count,
        ReadoutKind readout = ReadoutKind.Membrane)
    {
        ModelGraph graph = name == "cnn" ? TestGraphs.SmallCnn() : TestGraphs.ResidualMlp();
        ModelGraph prepared = Converter.Prepare(graph, out var applied);
        float[] x = TestGraphs.Inputs(new Random(99), count, graph.Input.OutputShape.Size);
        CalibrationStatistics stats = Calibration.Collect(prepared, [(x, count)], count);
        var options = new ConversionOptions { Normalization = NormalizationKind.Max, Readout = readout };
        return (Converter.Convert(prepared, stats, options, applied).Network, new AnnExecutor(prepared).Forward(x, count), x);
    }

    private static int[] ArgMax(float[] values, int count)
    {
        int size = values.Length / count;
        return Enumerable.Range(0, count)
            .Select(b => Array.IndexOf(values, values.Skip(b * size).Take(size).Max(), b * size) - b * size).ToArray();
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("residual")]
    public void ConvertedTestGraphsMatchTheQuantizedAnn(string name)
    {
        // Float weights: summation order may move a value sitting on a rounding boundary by one level, nothing more.
        const int count = 24, w = 32;
        var (net, _, x) = Converted(name, count);
        TtfsReference.Levels expected = TtfsReference.QuantizedAnn(net, x, count, w);
        int[][] levels = LevelsOf(Times(net, x, count, Options(w)));
        Assert.Equal(expected.Input, levels[0]);
        long total = 0, differ = 0;
        for (int l = 0; l < net.Layers.Count; l++)
        {
            int[] e = expected.Layers[l], a = levels[l + 1];
            total += e.Length;
            for (int i = 0; i < e.Length; i++)
            {
                Assert.InRange(a[i], e[i] - 1, e[i] + 1);
                if (a[i] != e[i]) differ++;
            }
        }
        Assert.True(differ <= total / 1000, $"{differ} of {total} spike times differ from the quantized ANN");
        SimulationResult r = Run(net, x, count, Options(w));
        double scale = expected.Output.SelectMany(o => o).Max(Math.Abs);
        for (int b = 0; b < count; b++)
        {
            for (int k = 0; k < r.Outputs[b].Length; k++) Assert.Equal(expected.Output[b][k], r.Outputs[b][k], 1e-4 * scale);
        }
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("residual")]
    public void OutputsApproachTheAnnAsTheWindowGrows(string name)
    {
        // Max normalization on the simulated images: nothing saturates, only the 1/W quantization remains.
        const int count = 32;
        var (net, ann, x) = Converted(name, count);
        int[] labels = ArgMax(ann, count);
        int outSize = ann.Length / count;
        double scale = ann.Max(MathF.Abs), previous = double.PositiveInfinity;
        var accuracy = new List<double>();
        foreach (int w in new[] { 8, 32, 128 })
        {
            SimulationResult r = Run(net, x, count, Options(w), labels);
            double err = 0;
            for (int b = 0; b < count; b++)
            {
                for (int k = 0; k < outSize; k++) err = Math.Max(err, Math.Abs(r.Outputs[b][k] - ann[b * outSize + k]));
            }
            Assert.True(err < previous, $"W={w}: max |TTFS − ANN| = {err:g3} did not shrink from {previous:g3}");
            previous = err;
            accuracy.Add(r.AccuracyAt(r.Timesteps));
        }
        Assert.True(previous < 0.05 * scale, $"max |TTFS − ANN| = {previous:g3} at W=128, output scale {scale:g3}");
        Assert.True(accuracy[2] >= accuracy[0] && accuracy[2] >= 0.9,
            $"agreement with the ANN at W = 8, 32, 128: {string.Join(", ", accuracy)}");
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("residual")]
    public void EveryNeuronSpikesAtMostOnce(string name)
    {
        const int count = 20;
        var (net, _, x) = Converted(name, count, ReadoutKind.SpikeCount);
        SimulationResult r = Run(net, x, count, Options(16));
        TtfsSpikeTimes times = Times(net, x, count, Options(16));
        for (int l = 0; l < net.Layers.Count; l++)
        {
            Assert.All(r.NeuronSpikes[l], s => Assert.InRange(s, 0, count));
            Assert.Equal(times.Layers[l].Count(t => t >= 0), r.LayerSpikes[l]);
            Assert.Equal(r.NeuronSpikes[l].Sum(), r.LayerSpikes[l]);
            int start = times.WindowStart(l);
            Assert.All(times.Layers[l], t => Assert.True(t == -1 || (t >= start && t < start + 16),
                $"spike at {t} outside [{start}, {start + 16})"));
        }
        Assert.Equal(r.SpikesPerImage * count, r.LayerSpikes.Sum(), 6);
    }

    [Fact]
    public void PredictionIsTheReadoutArgmaxAtEveryStep()
    {
        // Before the readout's sources spike the readout is at 0 (prediction 0); at the end it is the final answer.
        SpikingNetwork net = DyadicNetwork();
        const int count = 10, w = 8;
        float[] x = DyadicInputs(count);
        int[] final = Run(net, x, count, Options(w)).Predictions.ToArray();
        SimulationResult r = Run(net, x, count, Options(w), final);
        Assert.Equal(count, r.CorrectAt[^1]);
        Assert.Equal(final.Count(p => p == 0), r.CorrectAt[0]);
        Assert.Equal(r.CorrectAt[6 * w - 1], r.CorrectAt[5 * w]); // the readout's own window changes nothing
    }

    [Fact]
    public void ResultsDoNotDependOnChunkingOrThreads()
    {
        SpikingNetwork net = DyadicNetwork();
        const int count = 13;
        float[] x = DyadicInputs(count, seed: 3);
        SimulationResult a = Run(net, x, count, Options(16) with { ChunkSize = 1, MaxDegreeOfParallelism = 1 });
        SimulationResult b = Run(net, x, count, Options(16) with { ChunkSize = 5, MaxDegreeOfParallelism = 3 });
        Assert.Equal(a.Predictions, b.Predictions);
        Assert.Equal(a.CorrectAt, b.CorrectAt);
        Assert.Equal(a.LayerSpikes, b.LayerSpikes);
        Assert.Equal(a.InputSpikes, b.InputSpikes);
        for (int i = 0; i < count; i++) Assert.Equal(a.Outputs[i], b.Outputs[i]);
    }

    [Fact]
    public void DepthsAndLengthFollowTheLongestPath()
    {
        SpikingNetwork net = DyadicNetwork();
        Assert.Equal([1, 2, 3, 4, 5], TtfsSimulator.Depths(net));
        Assert.Equal(6 * 32L, TtfsSimulator.TotalSteps(net, 32));
        Assert.Equal(6 * 32, Run(net, DyadicInputs(1), 1, new SimulationOptions { Timesteps = 7 }).CorrectAt.Length); // T is ignored
    }

    [Fact]
    public void BadOptionsAreRefused()
    {
        SpikingNetwork net = DyadicNetwork();
        float[] x = DyadicInputs(1);
        var e = Assert.Throws<InvalidOptionException>(() => Run(net, x, 1, Options(0)));
        Assert.Contains("ttfs-window", e.Message);
        Assert.Throws<InvalidOptionException>(() => Run(net, x, 1, Options(SimulationOptions.MaxTtfsWindow + 1)));
        Assert.Contains("input",
            Assert.Throws<InvalidOptionException>(() => Run(net, x, 1, Options(8) with { Input = InputEncoding.Poisson })).Message);
        Assert.Contains("synapse",
            Assert.Throws<InvalidOptionException>(() => Run(net, x, 1, Options(8) with { Synapse = SynapseModel.Exponential })).Message);
        Assert.Contains("bias",
            Assert.Throws<InvalidOptionException>(() => Run(net, x, 1, Options(8) with { Bias = BiasMode.Neuron })).Message);
        var dense = Assert.Throws<InvalidOptionException>(() => new DenseSimulator().Run(net, [new DataBatch(x, [0], 1)],
            new SimulationOptions { Input = InputEncoding.Ttfs }));
        Assert.Equal("option 'input': ttfs needs the ttfs backend", dense.Message);
    }
}
