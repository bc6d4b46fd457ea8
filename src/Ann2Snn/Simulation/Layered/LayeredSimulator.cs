using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation.Layered;

/// <summary>
/// The layer-by-layer dense backend for feed-forward networks (every layer reads only earlier ones, which
/// <see cref="SpikingNetwork"/> enforces). A chunk's whole run is computed one layer at a time: a population's input
/// currents for a block of steps come from one batched call per projection over its sources' spikes of all those
/// steps (one GEMM with steps × images rows), then its dynamics are scanned over the steps with the shared per-step
/// code. Each layer's spikes of all steps are kept bit-packed until its last consumer has run; max-pool circuits
/// visit only the windows their input's set bits reach. Results match <see cref="Dense.DenseSimulator"/> (bit for bit where
/// the sums are exact, up to float summation order otherwise). Unlike the step-by-step backends its memory grows with
/// T: one bit per neuron, image of the chunk and step, for the layers whose spikes are still to be read.
/// </summary>
public sealed class LayeredSimulator : ISimulator
{
    /// <summary>
    /// Floats of currents and unpacked source spikes a block of steps may take (8 MiB): as many steps as fit, at least one.
    /// </summary>
    private const int BlockFloats = 1 << 21;

    public string Name => "layered";

    public SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        SimulationPlan.RefuseOperators(network, Name, "keeps spike trains as bits, and operators emit real values");
        if (network.Layers.OfType<NeuronLayer>().FirstOrDefault(n => n.Neuron is { SignedSpikes: true, BurstLimit: > 1 }) is { } graded)
        {
            ThrowHelper.InvalidOption("simulator", $"population '{graded.Name}' of network '{network.Name}' fires signed bursts "
                + $"(B = {graded.Neuron.BurstLimit}), which the layered backend's spike trains do not hold: use dense or event");
        }
        for (int l = 0; l < network.Layers.Count; l++)
        {
            if (SpikingNetwork.ProjectionsOf(network.Layers[l]).FirstOrDefault(p => p.Source > l) is { } later)
            {
                ThrowHelper.InvalidOption("simulator", $"layer '{network.Layers[l].Name}' of network '{network.Name}' reads the later "
                    + $"layer '{network.Layers[later.Source].Name}'; the layered backend runs a layer over all steps before the next, "
                    + "so a layer may read itself or earlier layers only: use dense or event");
            }
        }
        return SimulationRunner.Run(network, data, options, channelsLast: false, plan => () => new Worker(plan), progress,
            cancellationToken);
    }

    /// <summary>
    /// The spikes of one population (or the Poisson input) for every step of a chunk: one bit per neuron and step, each
    /// step starting on a word, and a second plane for −1 spikes. A burst population (up to B spikes a step) has B planes
    /// in thermometer code: plane r holds the neurons with k &gt; r, so k is the number of planes a neuron is set in.
    /// </summary>
    private sealed class SpikeTrain
    {
        private readonly ulong[] _positive;
        private readonly ulong[]? _negative;
        private readonly ulong[][] _bursts; // planes r = 1..B − 1: k > r
        private readonly int _stepSize, _stepWords;

        public SpikeTrain(int steps, int stepSize, bool signed, int burst = 1)
        {
            _stepSize = stepSize;
            _stepWords = (stepSize + 63) / 64;
            int words = steps * _stepWords;
            _positive = Plane(words);
            if (signed) _negative = Plane(words);
            _bursts = Enumerable.Range(1, burst - 1).Select(_ => Plane(words)).ToArray();
        }

        private static ulong[] Plane(int words)
        {
            ulong[] plane = ArrayPool<ulong>.Shared.Rent(words);
            Array.Clear(plane, 0, words);
            return plane;
        }

        /// <summary>Stores step t (stepSize values, 0 or ±v, or 0..B).</summary>
        public void Pack(int t, ReadOnlySpan<float> spikes)
        {
            PackPlane(spikes, _positive.AsSpan(t * _stepWords, _stepWords), negative: false);
            if (_negative is not null) PackPlane(spikes, _negative.AsSpan(t * _stepWords, _stepWords), negative: true);
            for (int r = 0; r < _bursts.Length; r++)
            {
                PackPlane(spikes, _bursts[r].AsSpan(t * _stepWords, _stepWords), negative: false, above: r + 1);
            }
        }

        /// <summary>
        /// Bit i of <paramref name="bits"/> = spikes[i] &gt; <paramref name="above"/> (or &lt; 0 with <paramref name="negative"/>),
        /// 64 values a word.
        /// </summary>
        private static void PackPlane(ReadOnlySpan<float> spikes, Span<ulong> bits, bool negative, float above = 0f)
        {
            int i = 0, w = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // Four 16-lane compares give the word's 64 bits, lowest lane first.
                for (; i + 64 <= spikes.Length; i += 64, w++)
                {
                    ulong word = 0;
                    for (int q = 0; q < 4; q++)
                    {
                        Vector512<float> v = Vector512.Create(spikes.Slice(i + 16 * q, 16));
                        Vector512<float> hit = negative
                            ? Vector512.LessThan(v, Vector512<float>.Zero)
                            : Vector512.GreaterThan(v, Vector512.Create(above));
                        word |= hit.ExtractMostSignificantBits() << (16 * q);
                    }
                    bits[w] = word;
                }
            }
            for (; i < spikes.Length; i += 64, w++)
            {
                ulong word = 0;
                int end = Math.Min(64, spikes.Length - i);
                for (int j = 0; j < end; j++)
                {
                    float s = spikes[i + j];
                    if (negative ? s < 0f : s > above) word |= 1UL << j;
                }
                bits[w] = word;
            }
        }

        /// <summary>Writes steps t0..t0 + count − 1 back as floats, step after step: <paramref name="value"/>, −value or 0.</summary>
        public void Unpack(int t0, int count, float value, Span<float> dst)
        {
            dst = dst[..(count * _stepSize)];
            dst.Clear();
            for (int k = 0; k < count; k++) SetStep(t0 + k, value, dst.Slice(k * _stepSize, _stepSize));
        }

        /// <summary>
        /// dst[i] = value (−value for the negative plane, k·value for a burst of k) for every spike i of step t; other values
        /// are left as they are.
        /// </summary>
        public void SetStep(int t, float value, Span<float> dst)
        {
            Scatter(_positive.AsSpan(t * _stepWords, _stepWords), value, dst, add: false);
            if (_negative is not null) Scatter(_negative.AsSpan(t * _stepWords, _stepWords), -value, dst, add: false);
            if (value == 0f) return;
            foreach (ulong[] plane in _bursts) Scatter(plane.AsSpan(t * _stepWords, _stepWords), value, dst, add: true);
        }

        private static void Scatter(ReadOnlySpan<ulong> bits, float value, Span<float> dst, bool add)
        {
            for (int w = 0; w < bits.Length; w++)
            {
                for (ulong word = bits[w]; word != 0; word &= word - 1)
                {
                    int i = (w << 6) + BitOperations.TrailingZeroCount(word);
                    dst[i] = add ? dst[i] + value : value;
                }
            }
        }

        /// <summary>
        /// Lists the spikes of step t per image (of <paramref name="size"/> neurons each): image b's indices at
        /// b·size in <paramref name="lists"/>, ascending, their number in <paramref name="counts"/>[b]. Only the +1 spikes,
        /// or only the −1 spikes with <paramref name="negative"/>.
        /// </summary>
        public void List(int t, int size, bool negative, Span<int> lists, Span<int> counts)
        {
            counts.Clear();
            ReadOnlySpan<ulong> bits = (negative ? _negative! : _positive).AsSpan(t * _stepWords, _stepWords);
            int b = 0, imageStart = 0;
            for (int w = 0; w < bits.Length; w++)
            {
                for (ulong word = bits[w]; word != 0; word &= word - 1)
                {
                    int i = (w << 6) + BitOperations.TrailingZeroCount(word);
                    while (i >= imageStart + size)
                    {
                        b++;
                        imageStart += size;
                    }
                    lists[imageStart + counts[b]++] = i - imageStart;
                }
            }
        }

        public void Release()
        {
            ArrayPool<ulong>.Shared.Return(_positive);
            if (_negative is not null) ArrayPool<ulong>.Shared.Return(_negative);
            foreach (ulong[] plane in _bursts) ArrayPool<ulong>.Shared.Return(plane);
        }
    }

    private sealed class Worker : SimulationWorker
    {
        private readonly int[] _lastConsumer; // per layer: the last layer reading its spikes (−1: none); the input's is kept apart
        private readonly int _inputLastConsumer;
        private readonly int[] _block; // per layer: steps whose currents are computed together
        private readonly float[] _current, _sources, _wideA, _wideB;
        private readonly SpikeTrain?[] _trains;
        private readonly EventMaxPool?[] _maxPools;
        private readonly int[][] _visited; // per max-pool layer: the step in which a gate last evaluated each window
        private readonly int[] _up, _upCounts, _down, _downCounts; // a max-pool source's spikes of this step, listed per image
        // per max-pool layer: its spikes of the last step, listed
        private readonly int[][] _firedUp, _firedUpCounts, _firedDown, _firedDownCounts;
        private int _blockStart, _step, _stamp;

        public Worker(SimulationPlan plan) : base(plan, plan.Options.ChunkSize)
        {
            SpikingLayer[] layers = plan.Layers;
            int n = Capacity, steps = plan.Options.Timesteps;
            _lastConsumer = new int[layers.Length];
            Array.Fill(_lastConsumer, -1);
            _inputLastConsumer = -1;
            for (int l = 0; l < layers.Length; l++)
            {
                foreach (int s in SpikingNetwork.SourcesOf(layers[l]))
                {
                    if (s >= 0) _lastConsumer[s] = l;
                    else if (plan.Options.Input == InputEncoding.Poisson) _inputLastConsumer = l;
                }
            }
            // Per population: as many steps per block as keep its currents, one source's spikes and the chain scratch within the budget.
            _block = new int[layers.Length];
            int rows = 0, sourceFloats = 0, scratchFloats = 0, currentFloats = 0;
            for (int l = 0; l < layers.Length; l++)
            {
                if (layers[l] is MaxPoolLayer) continue;
                int size = layers[l].Shape.Size;
                int source = plan.Projections[l].Select(p => p.Source == -1 ? plan.Network.InputShape.Size : layers[p.Source].Shape.Size)
                    .DefaultIfEmpty(0).Max();
                int scratch = plan.Projections[l].Select(p => p.MaxSize).DefaultIfEmpty(0).Max();
                _block[l] = Math.Clamp(BlockFloats / (n * (size + source + 2 * scratch)), 1, steps);
                // A layer reading its own spikes d steps back computes at most d steps at once: those spikes exist by then.
                foreach (CompiledProjection p in plan.Projections[l].Where(p => p.Source == l)) _block[l] = Math.Min(_block[l], p.Delay);
                rows = Math.Max(rows, _block[l] * n);
                currentFloats = Math.Max(currentFloats, _block[l] * n * size);
                sourceFloats = Math.Max(sourceFloats, _block[l] * n * source);
                scratchFloats = Math.Max(scratchFloats, _block[l] * n * scratch);
            }
            _current = new float[currentFloats];
            _sources = new float[sourceFloats];
            _wideA = new float[scratchFloats];
            _wideB = new float[scratchFloats];
            _trains = new SpikeTrain?[layers.Length];
            _maxPools = plan.MaxPoolWindows.Select((w, i) => w is null ? null : new EventMaxPool(w, plan.Burst[i])).ToArray();
            _visited = layers.Select(l => l is MaxPoolLayer ? new int[n * l.Shape.Size] : []).ToArray();
            int poolIn = layers.OfType<MaxPoolLayer>().Select(mp => mp.InputShape.Size).DefaultIfEmpty(0).Max();
            bool signed = plan.IsSigned.Any(s => s);
            _up = new int[n * poolIn];
            _upCounts = new int[n];
            _down = signed ? new int[n * poolIn] : [];
            _downCounts = new int[n];
            _firedUp = layers.Select(l => l is MaxPoolLayer ? new int[n * l.Shape.Size] : []).ToArray();
            _firedUpCounts = layers.Select(_ => new int[n]).ToArray();
            _firedDown = layers.Select((l, i) => l is MaxPoolLayer && plan.IsSigned[i] ? new int[n * l.Shape.Size] : []).ToArray();
            _firedDownCounts = layers.Select(_ => new int[n]).ToArray();
        }

        /// <summary>The current of step <see cref="_step"/>, computed with its block.</summary>
        protected override void Charge(int l, int n, Span<float> current, ReadOnlySpan<float> constant) =>
            _current.AsSpan((_step - _blockStart) * current.Length, current.Length).CopyTo(current);

        /// <summary>The event-driven circuit over the source's spikes of this step, listed from its bits.</summary>
        protected override int StepMaxPool(int l, MaxPoolLayer mp, int n, int[] countIn, int[] countOut)
        {
            int s = mp.Source, inSize = mp.InputShape.Size;
            SpikeTrain train = _trains[s]!;
            if (++_stamp == int.MaxValue)
            {
                foreach (int[] v in _visited) Array.Clear(v);
                _stamp = 1;
            }
            train.List(_step, inSize, negative: false, _up.AsSpan(0, n * inSize), _upCounts.AsSpan(0, n));
            if (!Plan.IsSigned[l])
            {
                return _maxPools[l]!.Step(n, Spikes[s], _up, _upCounts, countIn, countOut, _visited[l], _stamp, Spikes[l],
                    _firedUp[l], _firedUpCounts[l], NeuronSpikes[l]);
            }
            train.List(_step, inSize, negative: true, _down.AsSpan(0, n * inSize), _downCounts.AsSpan(0, n));
            return _maxPools[l]!.StepSigned(n, Spikes[s], _up, _upCounts, _down, _downCounts, countIn, countOut,
                _visited[l], _stamp, Spikes[l], _firedUp[l], _firedUpCounts[l], _firedDown[l], _firedDownCounts[l], NeuronSpikes[l]);
        }

        public override void Simulate(DataBatch batch, int start, int n, int firstImage, int[] predictions, int[] stableFrom,
            float[][]? outputs)
        {
            SimulationOptions o = Plan.Options;
            SpikingLayer[] layers = Plan.Layers;
            int steps = o.Timesteps, inSize = Plan.Network.InputShape.Size;
            int window = Plan.Sequence?.Window ?? int.MaxValue;
            ReadOnlySpan<float> x = Begin(batch, start, n);
            SpikeTrain? input = null;
            if (_inputLastConsumer >= 0)
            {
                // The same per-image streams, drawn in the same order (per step, per image, per element) as the shared worker.
                SplitMix64[] rngs = InputStreams(n, firstImage);
                input = new SpikeTrain(steps, n * inSize, signed: false);
                for (int t = 0; t < steps; t++)
                {
                    if (t > 0 && t % window == 0) x = Present(batch, start, n, t / window);
                    EncodeInput(x, n, rngs, Input.AsSpan(0, n * inSize));
                    input.Pack(t, Input.AsSpan(0, n * inSize));
                }
                if (steps > window) Present(batch, start, n, 0);
            }
            try
            {
                for (int l = 0; l < layers.Length; l++)
                {
                    int size = layers[l].Shape.Size;
                    bool kept = _lastConsumer[l] >= 0;
                    if (kept) _trains[l] = new SpikeTrain(steps, n * size, Plan.IsSigned[l], Plan.Burst[l]);
                    bool charged = layers[l] is ReadoutLayer
                        || (layers[l] is NeuronLayer && !(Plan.IsStatic[l] && o.Bias == BiasMode.Current));
                    if (layers[l] is MaxPoolLayer mp) BeginMaxPool(l, mp, n);
                    for (int t = 0; t < steps; t++)
                    {
                        if (t > 0 && t % window == 0)
                        {
                            // A sequence's next element: this layer's constant input and its membranes' window start.
                            Present(batch, start, n, t / window);
                            StartWindow(l, n);
                        }
                        // A block stays within one element's window (its constant input) and, for a recurrent layer, one delay.
                        if (charged && (t == 0 || t - _blockStart >= _block[l] || t % window == 0)) ChargeBlock(l, n, t,
                            Math.Min(Math.Min(_block[l], steps - t), window - t % window), input);
                        _step = t;
                        if (layers[l] is MaxPoolLayer pool) ShowStep(pool.Source, n, t);
                        if (Plan.Runs(l, t)) StepLayer(l, n, t);
                        if (kept) _trains[l]!.Pack(t, Spikes[l].AsSpan(0, n * size));
                        if (firstImage == 0) RecordProbes(t, l);
                        if (l == Plan.ReadoutIndex) Score(n, t, batch.Labels.AsSpan(start, n), predictions, stableFrom, start);
                    }
                    foreach (int s in SpikingNetwork.SourcesOf(layers[l]).Distinct())
                    {
                        if (s >= 0 && _lastConsumer[s] == l) Release(s);
                    }
                    if (steps > window && l < layers.Length - 1) Present(batch, start, n, 0);
                }
            }
            finally
            {
                for (int l = 0; l < _trains.Length; l++) Release(l);
                input?.Release();
            }
            if (outputs is not null) KeepOutputs(n, start, outputs);
        }

        /// <summary>
        /// A max-pool layer starts with no output spikes listed, and its source's spike vector (last set by the source's own scan) cleared.
        /// </summary>
        private void BeginMaxPool(int l, MaxPoolLayer mp, int n)
        {
            Array.Clear(_firedUpCounts[l]);
            Array.Clear(_firedDownCounts[l]);
            Spikes[mp.Source].AsSpan(0, n * mp.InputShape.Size).Clear();
        }

        /// <summary>
        /// Puts source <paramref name="s"/>'s spikes of step t into its spike vector, replacing step t − 1's (a gate and signed
        /// circuits read it).
        /// </summary>
        private void ShowStep(int s, int n, int t)
        {
            Span<float> spikes = Spikes[s].AsSpan(0, n * Plan.Layers[s].Shape.Size);
            if (t > 0) _trains[s]!.SetStep(t - 1, 0f, spikes);
            _trains[s]!.SetStep(t, 1f, spikes);
        }

        /// <summary>
        /// Currents of layer l for steps t0..t0 + count − 1: the constant part, then each time-varying projection of its sources'
        /// spikes of those steps, in one batched call.
        /// </summary>
        private void ChargeBlock(int l, int n, int t0, int count, SpikeTrain? input)
        {
            _blockStart = t0;
            int size = Plan.Layers[l].Shape.Size, rows = count * n;
            ReadOnlySpan<float> constant = ConstantOf(l, n);
            Span<float> current = _current.AsSpan(0, rows * size);
            for (int k = 0; k < count; k++) constant.CopyTo(current.Slice(k * n * size, n * size));
            foreach (CompiledProjection p in Plan.Projections[l])
            {
                if (Plan.IsConstant(p)) continue;
                int sourceSize = p.Source == -1 ? Plan.Network.InputShape.Size : Plan.Layers[p.Source].Shape.Size;
                Span<float> source = _sources.AsSpan(0, rows * sourceSize);
                if (p.Source == -1)
                {
                    input!.Unpack(t0, count, Plan.InputSpikeValue, source);
                }
                else
                {
                    // A delayed projection reads its source d steps back: nothing arrives before step d.
                    int silent = Math.Clamp(p.Delay - t0, 0, count);
                    source[..(silent * n * sourceSize)].Clear();
                    if (silent < count)
                    {
                        _trains[p.Source]!.Unpack(t0 + silent - p.Delay, count - silent, 1f, source[(silent * n * sourceSize)..]);
                    }
                }
                p.AddTo(source, rows, current, _wideA, _wideB);
            }
        }

        private void Release(int l)
        {
            _trains[l]?.Release();
            _trains[l] = null;
        }
    }
}
