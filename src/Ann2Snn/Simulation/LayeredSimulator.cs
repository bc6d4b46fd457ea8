using System.Buffers;
using System.Numerics;
using Ann2Snn.Data;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// The layer-by-layer dense backend for feed-forward networks. Every layer reads only earlier layers, so a chunk's
/// whole run is computed one layer at a time: its input currents for a block of steps come from one batched call per
/// projection over the sources' spikes of all those steps (one GEMM with steps × images rows), then the neuron
/// dynamics are scanned over the steps with the shared per-step code. Each layer's spikes of all steps are kept
/// bit-packed until its last consumer has run. Results match <see cref="DenseSimulator"/> (bit for bit where the
/// sums are exact, up to float summation order otherwise).
/// </summary>
public sealed class LayeredSimulator : ISimulator
{
    /// <summary>Rows (steps × images) whose currents are computed in one batched call, at most.</summary>
    private const int BlockRows = 256;

    public string Name => "layered";

    public SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        SimulationRunner.Run(network, data, options, channelsLast: false, plan => () => new Worker(plan), progress, cancellationToken);

    /// <summary>The spikes of one population (or the Poisson input) for every step of a chunk: one bit per neuron and step, and a second plane for −1 spikes.</summary>
    private sealed class SpikeTrain
    {
        private readonly ulong[] _positive;
        private readonly ulong[]? _negative;
        private readonly int _stepSize;

        public SpikeTrain(int steps, int stepSize, bool signed)
        {
            _stepSize = stepSize;
            int words = (int)(((long)steps * stepSize + 63) / 64);
            _positive = ArrayPool<ulong>.Shared.Rent(words);
            Array.Clear(_positive, 0, words);
            if (signed)
            {
                _negative = ArrayPool<ulong>.Shared.Rent(words);
                Array.Clear(_negative, 0, words);
            }
        }

        /// <summary>Stores step t (stepSize values, 0 or ±v).</summary>
        public void Pack(int t, ReadOnlySpan<float> spikes)
        {
            long at = (long)t * _stepSize;
            for (int i = 0; i < spikes.Length; i++)
            {
                float s = spikes[i];
                if (s == 0f) continue;
                long j = at + i;
                if (s > 0f) _positive[j >> 6] |= 1UL << (int)(j & 63);
                else _negative![j >> 6] |= 1UL << (int)(j & 63);
            }
        }

        /// <summary>Writes steps t0..t0 + count − 1 back as floats: <paramref name="value"/>, −value or 0.</summary>
        public void Unpack(int t0, int count, float value, Span<float> dst)
        {
            dst = dst[..(count * _stepSize)];
            dst.Clear();
            Scatter(_positive, (long)t0 * _stepSize, value, dst);
            if (_negative is not null) Scatter(_negative, (long)t0 * _stepSize, -value, dst);
        }

        /// <summary>dst[i] = value for every set bit at + i, visiting only the set bits.</summary>
        private static void Scatter(ulong[] bits, long at, float value, Span<float> dst)
        {
            long end = at + dst.Length;
            for (long w = at >> 6; w << 6 < end; w++)
            {
                ulong word = bits[w];
                long first = w << 6;
                if (first < at) word &= ulong.MaxValue << (int)(at - first);
                if (end - first < 64) word &= (1UL << (int)(end - first)) - 1;
                while (word != 0)
                {
                    dst[(int)(first + BitOperations.TrailingZeroCount(word) - at)] = value;
                    word &= word - 1;
                }
            }
        }

        public void Release()
        {
            ArrayPool<ulong>.Shared.Return(_positive);
            if (_negative is not null) ArrayPool<ulong>.Shared.Return(_negative);
        }
    }

    private sealed class Worker : SimulationWorker
    {
        private readonly int[] _lastConsumer; // per layer: the last layer reading its spikes (−1: none); the input's is kept apart
        private readonly int _inputLastConsumer;
        private readonly int _block; // steps whose currents are computed together
        private readonly float[] _current, _sources, _wideA, _wideB;
        private readonly SpikeTrain?[] _trains;
        private int _blockStart, _step;

        public Worker(SimulationPlan plan) : base(plan, plan.Options.ChunkSize)
        {
            SpikingLayer[] layers = plan.Layers;
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
            _block = Math.Clamp(BlockRows / Capacity, 1, plan.Options.Timesteps);
            int rows = _block * Capacity;
            int largest = layers.Max(l => l.Shape.Size);
            _current = new float[rows * largest];
            _sources = new float[rows * Math.Max(largest, plan.Network.InputShape.Size)];
            _wideA = new float[rows * plan.ScratchSize];
            _wideB = new float[rows * plan.ScratchSize];
            _trains = new SpikeTrain?[layers.Length];
        }

        /// <summary>The current of step <see cref="_step"/>, computed with its block.</summary>
        protected override void Charge(int l, int n, Span<float> current, ReadOnlySpan<float> constant) =>
            _current.AsSpan((_step - _blockStart) * current.Length, current.Length).CopyTo(current);

        public override void Simulate(DataBatch batch, int start, int n, int firstImage, int[] predictions, int[] stableFrom, float[][]? outputs)
        {
            SimulationOptions o = Plan.Options;
            SpikingLayer[] layers = Plan.Layers;
            int steps = o.Timesteps, inSize = Plan.Network.InputShape.Size;
            ReadOnlySpan<float> x = Begin(batch, start, n);
            SpikeTrain? input = null;
            if (_inputLastConsumer >= 0)
            {
                // The same per-image streams, drawn in the same order (per step, per image, per element) as the shared worker.
                SplitMix64[] rngs = InputStreams(n, firstImage);
                input = new SpikeTrain(steps, n * inSize, signed: false);
                for (int t = 0; t < steps; t++)
                {
                    EncodeInput(x, n, rngs, Input.AsSpan(0, n * inSize));
                    input.Pack(t, Input.AsSpan(0, n * inSize));
                }
            }
            try
            {
                for (int l = 0; l < layers.Length; l++)
                {
                    int size = layers[l].Shape.Size;
                    bool kept = _lastConsumer[l] >= 0;
                    if (kept) _trains[l] = new SpikeTrain(steps, n * size, Plan.IsSigned[l]);
                    bool charged = layers[l] is ReadoutLayer || (layers[l] is NeuronLayer && !(Plan.IsStatic[l] && o.Bias == BiasMode.Current));
                    for (int t = 0; t < steps; t++)
                    {
                        if (charged && (t - _blockStart >= _block || t == 0)) ChargeBlock(l, n, t, Math.Min(_block, steps - t), input);
                        if (layers[l] is MaxPoolLayer mp) Unpack(mp.Source, n, t, 1, input, Spikes[mp.Source]);
                        _step = t;
                        StepLayer(l, n, t);
                        if (kept) _trains[l]!.Pack(t, Spikes[l].AsSpan(0, n * size));
                        if (firstImage == 0) RecordProbes(t, l);
                        if (l == Plan.ReadoutIndex) Score(n, t, batch.Labels.AsSpan(start, n), predictions, stableFrom, start);
                    }
                    foreach (int s in SpikingNetwork.SourcesOf(layers[l]).Distinct())
                    {
                        if (s >= 0 && _lastConsumer[s] == l) Release(s);
                    }
                }
            }
            finally
            {
                for (int l = 0; l < _trains.Length; l++) Release(l);
                input?.Release();
            }
            if (outputs is not null) KeepOutputs(n, start, outputs);
        }

        /// <summary>Currents of layer l for steps t0..t0 + count − 1: the constant part, then each time-varying projection of its sources' spikes of those steps, in one batched call.</summary>
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
                Unpack(p.Source, n, t0, count, input, source);
                p.AddTo(source, rows, current, _wideA, _wideB);
            }
        }

        /// <summary>Spikes of layer <paramref name="source"/> (−1: the Poisson input) for steps t0..t0 + count − 1, as the shared worker holds them.</summary>
        private void Unpack(int source, int n, int t0, int count, SpikeTrain? input, Span<float> dst)
        {
            if (source == -1) input!.Unpack(t0, count, Plan.InputSpikeValue, dst);
            else _trains[source]!.Unpack(t0, count, 1f, dst);
        }

        private void Release(int l)
        {
            _trains[l]?.Release();
            _trains[l] = null;
        }
    }
}
