using System.Numerics.Tensors;
using Ann2Snn.Data;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation.Event;

/// <summary>
/// The event-driven backend: the same step as <see cref="Dense.DenseSimulator"/> (charge → fire → reset per layer in
/// layer order, the same max-pool circuits, readout, random streams and options), but a population's current is
/// built from the list of source neurons that spiked in this step, each adding its outgoing weights, so synaptic
/// work is proportional to the synaptic events. Convolutions scatter into channels-last state (one vector add per
/// spike and tap); dense and composite chains use precomputed fan-out tables; a chain whose table would exceed the
/// budget falls back to the dense kernels. Max-pool circuits visit only windows holding a spike. Spikes of the analog
/// input are not events: those projections are computed once per image. Float sums are taken in another order than
/// the dense kernels', so results agree with the dense backend up to rounding (exactly when every partial sum is
/// exact); the per-image random streams are the same, so Poisson input gives the same input spikes. A burst of k spikes
/// (<see cref="Neurons.NeuronParameters.BurstLimit"/>) is k events: its source's fan-out is added k times, in rounds
/// (every spiking neuron once, then those with k ≥ 2 again, …), so the work is the synaptic events the energy counts.
/// </summary>
public sealed class EventSimulator : ISimulator
{
    /// <summary>Default limit on the entries of one fan-out table (64 MiB of dense weights).</summary>
    public const long DefaultFanOutBudget = 1L << 24;

    public EventSimulator(long fanOutBudget = DefaultFanOutBudget)
    {
        if (fanOutBudget < 0) ThrowHelper.InvalidOption("fan-out-budget", $"{fanOutBudget} must not be negative");
        FanOutBudget = fanOutBudget;
    }

    public string Name => "event";

    /// <summary>Largest fan-out table (entries) a composite chain may use before it falls back to the dense kernels.</summary>
    public long FanOutBudget { get; }

    public SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default) =>
        SimulationRunner.Run(network, data, options, channelsLast: true, plan =>
        {
            var events = new EventPlan(plan, FanOutBudget);
            return () => new Worker(events);
        }, progress, cancellationToken);

    /// <summary>How each time-varying projection propagates spikes; built once per run.</summary>
    private sealed class EventPlan
    {
        public EventPlan(SimulationPlan plan, long budget)
        {
            Plan = plan;
            // An operator layer reads its operands itself (densely, see SimulationWorker): it has no propagations here.
            Projections = plan.Projections.Select((ps, l) => plan.Layers[l] is OperatorLayer
                ? []
                : ps.Where(p => !plan.IsConstant(p)).Select(p =>
                {
                    Propagation propagation = Build(p, l, budget);
                    propagation.Ring = p.Ring;
                    propagation.Compiled = p;
                    return propagation;
                }).ToArray()).ToArray();
            InputEvents = Projections.SelectMany(p => p).Any(p => p.Source == -1 && p is not DenseFallback);
            MaxPools = plan.MaxPoolWindows.Select((w, i) => w is null ? null : new EventMaxPool(w, plan.Burst[i])).ToArray();
            FallbackSize = Projections.SelectMany(p => p).OfType<DenseFallback>()
                .Select(f => Math.Max(f.Compiled.Ops[0].InSize, f.Compiled.Ops[^1].OutSize)).DefaultIfEmpty(0).Max();
            // Populations whose spikes every reader takes as active lists: they fire straight into their lists.
            var readsVector = new HashSet<int>(Projections.SelectMany(p => p).OfType<DenseFallback>().Select(f => f.Source));
            readsVector.UnionWith(plan.Layers.OfType<OperatorLayer>().SelectMany(SpikingNetwork.SourcesOf));
            foreach (MaxPoolLayer mp in plan.Layers.OfType<MaxPoolLayer>())
            {
                if (mp.Scheme != MaxPoolScheme.WinnerTakeAll) readsVector.Add(mp.Source); // a gate reads the spike vector
            }
            // A delayed projection reads its source's spike vectors of earlier steps, kept in a ring.
            foreach (CompiledProjection p in plan.Delayed) readsVector.Add(p.Source);
            Listed = plan.Layers.Select((l, i) => l is NeuronLayer nl && NeuronKernels.IsListable(nl.Neuron)
                && !readsVector.Contains(i)).ToArray();
            // Listed populations whose membranes are read only against the threshold (not the readout, not probed), under
            // delta synapses and a bias current: with constant input (the analog input alone) a neuron with input ≤ 0
            // below threshold can never fire, so only the others are stepped (compacted); otherwise, at unit gain, the
            // synaptic input goes straight onto the membranes and each reset adds the next step's constant input (fused).
            SimulationOptions o = plan.Options;
            // A sequence changes the constant input every window: neither shortcut holds then.
            bool[] thresholdOnly = plan.Layers.Select((_, i) => Listed[i] && i != plan.ReadoutIndex && !plan.Probes.Any(p => p.Layer == i)
                && o.Bias == BiasMode.Current && o.Synapse == SynapseModel.Delta && plan.Sequence is null).ToArray();
            Compacted = plan.Layers.Select((_, i) => thresholdOnly[i] && plan.IsStatic[i]).ToArray();
            Fused = plan.Layers.Select((l, i) => thresholdOnly[i] && !plan.IsStatic[i]
                && ((NeuronLayer)l).Neuron.InputGain == 1f).ToArray();
        }

        public SimulationPlan Plan { get; }

        /// <summary>Per layer: its time-varying projections, in the layer's order.</summary>
        public Propagation[][] Projections { get; }

        /// <summary>Per layer: the event-driven circuit of a max-pool layer (null for other layers).</summary>
        public EventMaxPool?[] MaxPools { get; }

        /// <summary>Some projection reads the (Poisson) input spikes as events: the input needs active lists.</summary>
        public bool InputEvents { get; }

        /// <summary>Per-sample size of the canonical staging buffers of dense fallbacks (0 when none).</summary>
        public int FallbackSize { get; }

        /// <summary>Per layer: its neurons fire straight into the active lists (no spike vector is written).</summary>
        public bool[] Listed { get; }

        /// <summary>Per layer: a listed population under constant input, stepped over its neurons that can fire only.</summary>
        public bool[] Compacted { get; }

        /// <summary>Per layer: a listed population whose synaptic input is added straight to its membranes (see the constructor).</summary>
        public bool[] Fused { get; }

        private Propagation Build(CompiledProjection p, int l, long budget)
        {
            IReadOnlyList<SynapticOp> ops = p.Ops.Select(o => o.Op).ToArray();
            LayerLayout? source = p.Source == -1 ? null : Plan.Layouts[p.Source];
            LayerLayout target = Plan.Layouts[l];
            float gain = p.Source == -1 ? Plan.InputSpikeValue : 1f;
            // An operator emits real values, not spikes: its projections multiply them densely (they are MACs, not events).
            if (p.Source >= 0 && Plan.Layers[p.Source] is OperatorLayer) return new DenseFallback(p, source, target);
            // A convolution, possibly into a channel slice of a concatenation: scattered directly.
            if (ops is [ConvOp, ..] and ([_] or [_, ConcatSliceOp]))
            {
                var conv = (ConvOp)ops[0];
                int offset = ops is [_, ConcatSliceOp cat] ? cat.ChannelOffset : 0;
                var scatter = new ConvScatter(conv.InputShape, source?.IsChannelsLast ?? false, conv.OutputShape.Channels,
                    conv.Window, conv.Groups, conv.Weight.Data, gain,
                    (target.ChannelStride, target.RowStride, target.ColumnStride, offset, target.Shape.Size));
                return new ConvPropagation(p.Source, scatter);
            }
            FanOutTable? table = FanOutTable.TryCompose(ops, source, target, gain, budget);
            return table switch
            {
                null => new DenseFallback(p, source, target),
                { DenseRows: { } rows } => new RowPropagation(p.Source, rows, table.RowOf ?? []),
                _ => new SparsePropagation(p.Source, table),
            };
        }
    }

    /// <summary>One projection's way of turning one image's active source neurons into current.</summary>
    private abstract class Propagation(int source)
    {
        public int Source { get; } = source;

        /// <summary>The projection propagated (set once, when the plan is built).</summary>
        public CompiledProjection Compiled { get; set; } = null!;

        /// <summary>Its ring of delayed source spikes (<see cref="CompiledProjection.Ring"/>); −1 when not delayed.</summary>
        public int Ring { get; set; } = -1;

        /// <summary>target += the synaptic input from the neurons in <paramref name="active"/> (one image, target layout).</summary>
        public abstract void Scatter(ReadOnlySpan<int> active, Span<float> target);

        /// <summary>target −= the synaptic input from the neurons in <paramref name="active"/>: their −1 spikes.</summary>
        public abstract void ScatterNegative(ReadOnlySpan<int> active, Span<float> target);
    }

    private sealed class ConvPropagation(int source, ConvScatter scatter) : Propagation(source)
    {
        public override void Scatter(ReadOnlySpan<int> active, Span<float> target) => scatter.Scatter(active, target);

        public override void ScatterNegative(ReadOnlySpan<int> active, Span<float> target) => scatter.ScatterNegative(active, target);
    }

    private sealed class RowPropagation(int source, float[] rows, int[] rowOf) : Propagation(source)
    {
        private readonly AlignedFloats _rows = Aligned(rows);

        public override void Scatter(ReadOnlySpan<int> active, Span<float> target) =>
            SpikeScatter.AddRows(_rows.Span, rowOf, active, target);

        public override void ScatterNegative(ReadOnlySpan<int> active, Span<float> target) =>
            SpikeScatter.SubRows(_rows.Span, rowOf, active, target);

        private static AlignedFloats Aligned(float[] rows)
        {
            var aligned = new AlignedFloats(rows.Length);
            rows.CopyTo(aligned.Span);
            return aligned;
        }
    }

    private sealed class SparsePropagation(int source, FanOutTable table) : Propagation(source)
    {
        public override void Scatter(ReadOnlySpan<int> active, Span<float> target) =>
            SpikeScatter.AddSparse(table.Offsets, table.Indices, table.Weights, active, target);

        public override void ScatterNegative(ReadOnlySpan<int> active, Span<float> target) =>
            SpikeScatter.SubSparse(table.Offsets, table.Indices, table.Weights, active, target);
    }

    /// <summary>A chain too large to tabulate: applied to the whole chunk with the dense kernels, in canonical order.</summary>
    private sealed class DenseFallback(CompiledProjection compiled, LayerLayout? source, LayerLayout target) : Propagation(compiled.Source)
    {
        public LayerLayout? SourceLayout { get; } = source;
        public LayerLayout TargetLayout { get; } = target;

        public override void Scatter(ReadOnlySpan<int> active, Span<float> target) =>
            throw new InvalidOperationException("dense fallbacks run per chunk");

        public override void ScatterNegative(ReadOnlySpan<int> active, Span<float> target) => Scatter(active, target);
    }

    private sealed class Worker : SimulationWorker
    {
        /// <summary>
        /// Images simulated together within a chunk. Unlike GEMM, scattering gains nothing from batching, and one
        /// image's state (about 0.6 MB for LeNet, 1.5 MB for the VGG) is what has a chance to stay in a core's L2 cache
        /// from one step to the next (measured single-threaded on the VGG: 142 against 126 images/s with 4 at once).
        /// </summary>
        private const int ImagesTogether = 1;

        private readonly EventPlan _events;
        // per source (index source + 1): n lists of spiking neurons (this step), one per image, each at b·size
        private readonly int[][] _active;
        private readonly int[][] _activeCount; // per source: n list lengths
        private readonly int[][] _negative, _negativeCount; // per signed source: the −1 spikes (_active then lists the +1 spikes)
        private readonly float[] _stageIn, _stageOut;
        private readonly int[] _round; // one image's neurons of a burst source with k ≥ r, for round r of its scatter
        // a delayed projection's source spikes of d steps ago as lists (n images, each at b·size of the largest delayed source)
        private readonly int[] _delayedActive, _delayedCount, _delayedNegative, _delayedNegativeCount;
        private readonly int[][] _visited; // per max-pool layer: the step in which a gate last evaluated each window
        private int _stamp;

        // Compacted populations, per layer and image b (at b·size): the neurons that can fire, their membranes and inputs.
        private readonly int[][] _liveIndex, _liveCount;
        private readonly float[][] _liveV, _liveInput;
        // per compacted or fused layer: its lists, or its membranes' constant input, hold the images now simulated
        private readonly bool[] _prepared;

        public Worker(EventPlan events) : base(events.Plan, ImagesTogether)
        {
            _events = events;
            int n = Capacity;
            _active = new int[Plan.Layers.Length + 1][];
            _activeCount = new int[Plan.Layers.Length + 1][];
            _negative = new int[Plan.Layers.Length + 1][];
            _negativeCount = new int[Plan.Layers.Length + 1][];
            for (int s = -1; s < Plan.Layers.Length; s++)
            {
                bool keep = s == -1 ? events.InputEvents : Plan.Layers[s] is not ReadoutLayer;
                bool signed = s >= 0 && Plan.IsSigned[s];
                int size = s == -1 ? Plan.Network.InputShape.Size : Plan.Layers[s].Shape.Size;
                _active[s + 1] = keep ? new int[n * size] : [];
                _activeCount[s + 1] = new int[n];
                _negative[s + 1] = keep && signed ? new int[n * size] : [];
                _negativeCount[s + 1] = new int[n];
            }
            _visited = Plan.Layers.Select(l => l is MaxPoolLayer ? new int[n * l.Shape.Size] : []).ToArray();
            _liveIndex = Plan.Layers.Select((l, i) => events.Compacted[i] ? new int[n * l.Shape.Size] : []).ToArray();
            _liveV = Plan.Layers.Select((l, i) => events.Compacted[i] ? new float[n * l.Shape.Size] : []).ToArray();
            _liveInput = Plan.Layers.Select((l, i) => events.Compacted[i] ? new float[n * l.Shape.Size] : []).ToArray();
            _liveCount = Plan.Layers.Select(_ => new int[n]).ToArray();
            _prepared = new bool[Plan.Layers.Length];
            _round = Plan.Burst.Any(k => k > 1) ? new int[Plan.Layers.Max(l => l.Shape.Size)] : [];
            int delayed = Plan.Delayed.Select(p => Plan.Layers[p.Source].Shape.Size).DefaultIfEmpty(0).Max();
            _delayedActive = new int[n * delayed];
            _delayedNegative = new int[n * delayed];
            _delayedCount = new int[n];
            _delayedNegativeCount = new int[n];
            _stageIn = new float[n * events.FallbackSize];
            _stageOut = new float[n * events.FallbackSize];
        }

        protected override void Charge(int l, int n, Span<float> current, ReadOnlySpan<float> constant)
        {
            if (_events.Fused[l])
            {
                // The membranes are the target; they got this step's constant input at the last reset (or now, at step 0).
                current = Membranes(l, n);
                if (!_prepared[l])
                {
                    TensorPrimitives.Add(current, constant, current);
                    _prepared[l] = true;
                }
            }
            else
            {
                constant.CopyTo(current);
            }
            int size = Plan.Layers[l].Shape.Size;
            foreach (Propagation p in _events.Projections[l])
            {
                if (p is DenseFallback fallback)
                {
                    ApplyDense(fallback, n, current);
                    continue;
                }
                int sourceSize = SourceSize(p.Source);
                int[] active = _active[p.Source + 1], counts = _activeCount[p.Source + 1];
                int[] negative = _negative[p.Source + 1], negativeCounts = _negativeCount[p.Source + 1];
                ReadOnlySpan<float> spikes = p.Source < 0 ? [] : SourceSpikes(p.Compiled, n);
                if (p.Ring >= 0)
                {
                    // The source's spikes of d steps ago, listed afresh from the ring.
                    (active, counts, negative, negativeCounts) = (_delayedActive, _delayedCount, _delayedNegative, _delayedNegativeCount);
                    ListDelayed(p.Source, n, spikes);
                }
                int burst = p.Source < 0 ? 1 : Plan.Burst[p.Source];
                for (int b = 0; b < n; b++)
                {
                    if (counts[b] == 0) continue;
                    ReadOnlySpan<int> list = active.AsSpan(b * sourceSize, counts[b]);
                    p.Scatter(list, current.Slice(b * size, size));
                    if (burst > 1) ScatterBursts(p, list, spikes.Slice(b * sourceSize, sourceSize), burst, current.Slice(b * size, size));
                }
                if (p.Source < 0 || !Plan.IsSigned[p.Source]) continue;
                for (int b = 0; b < n; b++)
                {
                    if (negativeCounts[b] == 0) continue;
                    ReadOnlySpan<int> list = negative.AsSpan(b * sourceSize, negativeCounts[b]);
                    p.ScatterNegative(list, current.Slice(b * size, size));
                    if (burst > 1)
                    {
                        ReadOnlySpan<float> values = spikes.Slice(b * sourceSize, sourceSize);
                        ScatterBursts(p, list, values, burst, current.Slice(b * size, size), negative: true);
                    }
                }
            }
        }

        /// <summary>
        /// Rounds r = 2..B of a burst source's scatter (round 1 is the active list itself): the neurons of
        /// <paramref name="list"/> whose spike value is at least r (with <paramref name="negative"/>, at most −r: a signed
        /// population's burst taken back) add their fan-out once more, until a round is empty.
        /// </summary>
        private void ScatterBursts(Propagation p, ReadOnlySpan<int> list, ReadOnlySpan<float> spikes, int burst, Span<float> target,
            bool negative = false)
        {
            for (int r = 2; r <= burst; r++)
            {
                int m = 0;
                foreach (int j in list)
                {
                    if (negative ? spikes[j] <= -r : spikes[j] >= r) _round[m++] = j;
                }
                if (m == 0) return;
                if (negative) p.ScatterNegative(_round.AsSpan(0, m), target);
                else p.Scatter(_round.AsSpan(0, m), target);
            }
        }

        /// <summary>Lists the +1 (and −1) spikes of n images of a delayed source's <paramref name="spikes"/> (the delayed lists).</summary>
        private void ListDelayed(int source, int n, ReadOnlySpan<float> spikes)
        {
            int size = SourceSize(source);
            for (int b = 0; b < n; b++)
            {
                ReadOnlySpan<float> s = spikes.Slice(b * size, size);
                if (Plan.IsSigned[source])
                {
                    (_delayedCount[b], _delayedNegativeCount[b]) = SpikeScatter.CollectSigned(s, _delayedActive.AsSpan(b * size, size),
                        _delayedNegative.AsSpan(b * size, size));
                }
                else
                {
                    _delayedCount[b] = SpikeScatter.CollectActive(s, _delayedActive.AsSpan(b * size, size));
                }
            }
        }

        private int SourceSize(int source) => source == -1 ? Plan.Network.InputShape.Size : Plan.Layers[source].Shape.Size;

        private void ApplyDense(DenseFallback f, int n, Span<float> current)
        {
            int inSize = f.Compiled.Ops[0].InSize, outSize = f.Compiled.Ops[^1].OutSize;
            ReadOnlySpan<float> x = SourceSpikes(f.Compiled, n);
            if (f.SourceLayout is { IsChannelsLast: true } sl)
            {
                for (int b = 0; b < n; b++) sl.CopyToCanonical(x.Slice(b * inSize, inSize), _stageIn.AsSpan(b * inSize, inSize));
                x = _stageIn.AsSpan(0, n * inSize);
            }
            if (!f.TargetLayout.IsChannelsLast)
            {
                f.Compiled.AddTo(x, n, current, ScratchA, ScratchB);
                return;
            }
            Span<float> y = _stageOut.AsSpan(0, n * outSize);
            y.Clear();
            f.Compiled.AddTo(x, n, y, ScratchA, ScratchB);
            for (int b = 0; b < n; b++) f.TargetLayout.AddFromCanonical(y.Slice(b * outSize, outSize), current.Slice(b * outSize, outSize));
        }

        private void Collect(int source, int n, ReadOnlySpan<float> spikes)
        {
            int size = SourceSize(source);
            int[] active = _active[source + 1], counts = _activeCount[source + 1];
            if (source >= 0 && Plan.IsSigned[source])
            {
                int[] negative = _negative[source + 1], negativeCounts = _negativeCount[source + 1];
                for (int b = 0; b < n; b++)
                {
                    (counts[b], negativeCounts[b]) = SpikeScatter.CollectSigned(spikes.Slice(b * size, size), active.AsSpan(b * size, size),
                        negative.AsSpan(b * size, size));
                }
                return;
            }
            for (int b = 0; b < n; b++) counts[b] = SpikeScatter.CollectActive(spikes.Slice(b * size, size), active.AsSpan(b * size, size));
        }

        protected override void InputFired(int n)
        {
            if (_events.InputEvents) Collect(-1, n, Input);
        }

        public override void Simulate(DataBatch batch, int start, int n, int firstImage, int[] predictions, int[] stableFrom,
            float[][]? outputs)
        {
            Array.Clear(_prepared);
            base.Simulate(batch, start, n, firstImage, predictions, stableFrom, outputs);
        }

        protected override int Fire(int l, NeuronLayer layer, int n, Span<float> v, ReadOnlySpan<float> input)
        {
            if (!_events.Listed[l]) return base.Fire(l, layer, n, v, input);
            if (_events.Compacted[l]) return FireCompacted(l, layer, n, v, input);
            int size = layer.Shape.Size, total = 0;
            int[] active = _active[l + 1], counts = _activeCount[l + 1];
            bool fused = _events.Fused[l];
            ReadOnlySpan<float> next = fused ? ConstantOf(l, n) : [];
            for (int b = 0; b < n; b++)
            {
                Span<float> vb = v.Slice(b * size, size);
                Span<int> fired = active.AsSpan(b * size, size);
                counts[b] = fused
                    ? NeuronKernels.FireListedThenCharge(layer.Neuron, vb, next.Slice(b * size, size), fired)
                    : NeuronKernels.StepListed(layer.Neuron, vb, input.Slice(b * size, size), fired);
                total += counts[b];
            }
            return total;
        }

        /// <summary>
        /// A constant-input population: on the first step of the images, keeps the neurons that can ever fire (input
        /// &gt; 0, or a membrane already at threshold) side by side; every step then runs the same kernel over those
        /// only. The others' membranes are left as they are (nothing reads them: the layer is not probed).
        /// </summary>
        private int FireCompacted(int l, NeuronLayer layer, int n, Span<float> v, ReadOnlySpan<float> input)
        {
            int size = layer.Shape.Size, total = 0;
            int[] index = _liveIndex[l], live = _liveCount[l], active = _active[l + 1], counts = _activeCount[l + 1];
            float[] lv = _liveV[l], lc = _liveInput[l];
            float theta = layer.Neuron.VThreshold;
            if (!_prepared[l])
            {
                _prepared[l] = true;
                for (int b = 0; b < n; b++)
                {
                    int count = 0, at = b * size;
                    for (int i = 0; i < size; i++)
                    {
                        float c = input[at + i], vi = v[at + i];
                        if (c <= 0f && vi < theta) continue;
                        index[at + count] = i;
                        lv[at + count] = vi;
                        lc[at + count] = c;
                        count++;
                    }
                    live[b] = count;
                }
            }
            for (int b = 0; b < n; b++)
            {
                int at = b * size;
                Span<int> fired = active.AsSpan(at, size);
                int k = NeuronKernels.StepListed(layer.Neuron, lv.AsSpan(at, live[b]), lc.AsSpan(at, live[b]), fired);
                for (int m = 0; m < k; m++) fired[m] = index[at + fired[m]];
                counts[b] = k;
                total += k;
            }
            return total;
        }

        protected override void NeuronsFired(int l, int n, int spikes)
        {
            int size = Plan.Layers[l].Shape.Size;
            int[] active = _active[l + 1], counts = _activeCount[l + 1];
            if (spikes == 0)
            {
                Array.Clear(counts);
                Array.Clear(_negativeCount[l + 1]);
                return;
            }
            if (!_events.Listed[l]) Collect(l, n, Spikes[l]);
            for (int b = 0; b < n; b++)
            {
                ReadOnlySpan<float> values = Plan.Burst[l] > 1 ? Spikes[l].AsSpan(b * size, size) : [];
                CountNet(l, b, active.AsSpan(b * size, counts[b]), 1, values);
                if (_negative[l + 1].Length > 0) CountNet(l, b, _negative[l + 1].AsSpan(b * size, _negativeCount[l + 1][b]), -1, []);
            }
        }

        /// <summary>
        /// Adds <paramref name="sign"/> (or, for a burst population, each neuron's spike value in <paramref name="values"/>) to
        /// the per-neuron (and readout) counts of the neurons in <paramref name="list"/> (image b).
        /// </summary>
        private void CountNet(int l, int b, ReadOnlySpan<int> list, int sign, ReadOnlySpan<float> values)
        {
            long[] perNeuron = NeuronSpikes[l];
            bool readout = l == Plan.ReadoutIndex; // the output layer is canonical
            int at = b * Plan.Layers[l].Shape.Size;
            if (values.IsEmpty)
            {
                foreach (int j in list) perNeuron[j] += sign;
                if (readout)
                {
                    foreach (int j in list) ReadoutCounts[at + j] += sign;
                }
                return;
            }
            foreach (int j in list)
            {
                int k = (int)values[j];
                perNeuron[j] += k;
                if (readout) ReadoutCounts[at + j] += k;
            }
        }

        protected override int StepMaxPool(int l, MaxPoolLayer mp, int n, int[] countIn, int[] countOut)
        {
            if (++_stamp == int.MaxValue)
            {
                foreach (int[] v in _visited) Array.Clear(v);
                _stamp = 1;
            }
            if (Plan.IsSigned[l])
            {
                int s = mp.Source + 1;
                return _events.MaxPools[l]!.StepSigned(n, Spikes[mp.Source], _active[s], _activeCount[s], _negative[s], _negativeCount[s],
                    countIn, countOut, _visited[l], _stamp, Spikes[l], _active[l + 1], _activeCount[l + 1],
                    _negative[l + 1], _negativeCount[l + 1], NeuronSpikes[l]);
            }
            return _events.MaxPools[l]!.Step(n, Spikes[mp.Source], _active[mp.Source + 1], _activeCount[mp.Source + 1],
                countIn, countOut, _visited[l], _stamp, Spikes[l], _active[l + 1], _activeCount[l + 1], NeuronSpikes[l]);
        }
    }
}
