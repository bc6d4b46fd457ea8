using System.Numerics.Tensors;
using Ann2Snn.Data;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Simulation.Ttfs;

/// <summary>
/// Time-to-first-spike (latency) backend: runs a converted network with every neuron spiking at most once, the
/// earlier the larger its value (an exact ReLU → TTFS mapping in discrete time, after Stanojevic et al. 2023).
/// <para>
/// Windows. Every layer has a depth d (the input 0; a layer 1 + the largest depth of its sources) and a window
/// [d·W, (d+1)·W) of W = <see cref="SimulationOptions.TtfsWindow"/> steps in which it may spike. A run lasts
/// (max depth + 1)·W steps, which is what <see cref="SimulationResult.Timesteps"/> reports;
/// <see cref="SimulationOptions.Timesteps"/> is ignored.
/// </para>
/// <para>
/// Code. A value a (in units of the population's threshold, i.e. the rate the converter maps it to; the input's
/// x / input scale) is one spike at offset W − m in its window, m = clamp(⌊a·W + ½⌋, 0, W) (<see cref="TtfsCode"/>);
/// none for m = 0. The input is encoded that way (negative inputs send nothing).
/// </para>
/// <para>
/// Dynamics, with V(t) a membrane's potential at the start of step t (the charge of steps 0..t−1) and I(t) the
/// current of step t (in the population's voltage unit, threshold θ = V_th):
/// <list type="bullet">
/// <item>Ramp synapses: a spike of a source at step t_j adds the synaptic weight w to I every step from t_j to the
/// end E_j of the source's window (exclusive): w·(E_j − t_j) = w·m_j in total, i.e. w·W·a_j.</item>
/// <item>Bias: b per step during the window before the layer's own, b·W in total.</item>
/// <item>Clock: θ per step during the layer's own window [S, S + W).</item>
/// <item>Fire: at the first step t of [S, S + W) with V(t) ≥ θ·(W − ½); never again in the run. As every source
/// window ends by S, V(S) = W·z·θ with z = (Σ w·a + b)/θ, so the spike comes at S + max(0, ⌈W − ½ − W·z⌉) and
/// encodes m = clamp(⌊W·z + ½⌋, 0, W): the ReLU of z, clipped at 1 and rounded half up to 1/W. A neuron with
/// W·z &lt; ½ stays silent.</item>
/// <item>Max pooling: the pooled unit spikes one window after the earliest spike of its inputs (the largest value).</item>
/// <item>Readout (non-spiking): V accumulates the ramps and its bias; the prediction after step t is argmax V(t + 1),
/// and V/W at the end is the output (ANN logits computed from the quantized activations). A spiking output layer
/// predicts the neuron that spiked first (ties and silence by potential); its output is m/W.</item>
/// </list>
/// The neuron model's kind, reset, refractory period and initial potential do not apply (only V_th is used), max
/// pooling is exact whatever the scheme, and Poisson input, exponential synapses, bias neurons and burst populations
/// (whose values reach B·V_th, past the code's clip at 1) are refused.
/// </para>
/// <para>
/// Event-driven: the potentials are piecewise linear in t, so each population's spike times follow exactly from
/// V(S) = Σ chain(ramp integrals of its sources) + W·b, computed once per image batch with the compiled synaptic ops;
/// the output's potential is evaluated at the steps where it changes. Images run in chunks, in parallel;
/// results do not depend on chunking or thread count.
/// </para>
/// </summary>
public sealed class TtfsSimulator : ISimulator
{
    public string Name => "ttfs";

    /// <summary>Depth of each layer: 1 + the largest depth of its sources, the input having depth 0.</summary>
    public static int[] Depths(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var depth = new int[network.Layers.Count];
        for (int l = 0; l < depth.Length; l++)
        {
            depth[l] = 1 + SpikingNetwork.SourcesOf(network.Layers[l]).Select(s => s < 0 ? 0 : depth[s]).DefaultIfEmpty(0).Max();
        }
        return depth;
    }

    /// <summary>Length of a run with windows of <paramref name="window"/> steps: (max depth + 1)·W.</summary>
    public static long TotalSteps(SpikingNetwork network, int window) => (Depths(network).Max() + 1L) * window;

    public SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(network);
        SimulationPlan.RefuseOperators(network, Name, "codes one spike per neuron and window, and operators need rates accumulated "
            + "over the window");
        var plan = new Plan(network, options);
        return ChunkRunner.Run(network, data, options, plan.Timesteps, () => new Worker(plan), progress, cancellationToken);
    }

    /// <summary>The step of every spike of the input and of each spiking layer, for the images of <paramref name="batch"/>.</summary>
    public TtfsSpikeTimes SpikeTimes(SpikingNetwork network, DataBatch batch, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var plan = new Plan(network, options);
        ChunkRunner.CheckBatch(network, batch);
        int count = batch.Count;
        var input = new int[count * network.InputShape.Size];
        int[][] layers = plan.Layers.Select(l => l is ReadoutLayer ? [] : new int[count * l.Shape.Size]).ToArray();
        var worker = new Worker(plan);
        for (int start = 0; start < count; start += options.ChunkSize)
        {
            int n = Math.Min(options.ChunkSize, count - start);
            worker.Propagate(batch.Data.AsSpan(start * network.InputShape.Size, n * network.InputShape.Size), n);
            worker.CopyTimes(start, n, input, layers);
        }
        return new TtfsSpikeTimes(plan.W, plan.Timesteps, count, plan.Depth, input, layers);
    }

    /// <summary>Everything about the network that does not change during a run.</summary>
    private sealed class Plan
    {
        public Plan(SpikingNetwork network, SimulationOptions options)
        {
            ArgumentNullException.ThrowIfNull(network);
            ArgumentNullException.ThrowIfNull(options);
            options.Validate();
            if (options.Input == InputEncoding.Poisson) ThrowHelper.InvalidOption("input",
                "the ttfs backend encodes the input by first-spike times; poisson input is not supported (use ttfs)");
            if (options.Synapse != SynapseModel.Delta) ThrowHelper.InvalidOption("synapse",
                "the ttfs backend's synapses are ramps; exponential synapses are not supported");
            if (options.Bias != BiasMode.Current) ThrowHelper.InvalidOption("bias",
                "the ttfs backend delivers bias as a ramp current; bias neurons are not supported");
            if (network.HasDelays || SequencePresentation.IsSequence(network)) ThrowHelper.InvalidOption("simulator",
                $"network '{network.Name}' is recurrent (delayed synapses, sequence input): one first spike per neuron and window "
                + "cannot carry a state from element to element; use a rate backend (dense, event)");
            Network = network;
            Options = options;
            W = options.TtfsWindow;
            Layers = network.Layers.ToArray();
            foreach (NeuronLayer n in Layers.OfType<NeuronLayer>())
            {
                n.Neuron.Validate();
                if (n.Neuron.BurstLimit > 1) ThrowHelper.InvalidOption("burst", $"population '{n.Name}' has burst spikes (B = "
                    + $"{n.Neuron.BurstLimit}): its values reach B·V_th, and the ttfs code clips at one spike's V_th; "
                    + "convert with burst 1");
                if (n.NegativeGain is not null) ThrowHelper.InvalidOption("simulator", $"population '{n.Name}' has a negative "
                    + "branch (LeakyRelu/PRelu, signed neurons): a first-spike time encodes only non-negative values; "
                    + "use a rate backend (dense, event, layered)");
            }
            Depth = Depths(network);
            long total = TotalSteps(network, W);
            if (total > 1_000_000) ThrowHelper.InvalidOption("ttfs-window",
                $"W = {W} over {total / W} windows gives {total} steps, over the limit of 1,000,000");
            Timesteps = (int)total;
            Projections = Layers.Select(l => SpikingNetwork.ProjectionsOf(l).Select(p => new CompiledProjection(p)).ToArray()).ToArray();
            InputScale = SimulationPlan.InputScaleOf(network);
            InputFunction = InputFunction.Read(network);
            ScratchSize = Projections.SelectMany(p => p).Select(p => p.MaxSize).DefaultIfEmpty(1).Max();
            MaxSize = Math.Max(network.InputShape.Size, Layers.Max(l => l.Shape.Size));
            OutputIndex = Layers.Length - 1;
            Recompute = OutputChanges();
            Probes = SimulationPlan.ResolveProbes(Layers, options.Probes);
        }

        public SpikingNetwork Network { get; }
        public SimulationOptions Options { get; }
        public int W { get; }
        public SpikingLayer[] Layers { get; }
        public int[] Depth { get; }
        public int Timesteps { get; }
        public CompiledProjection[][] Projections { get; }
        public float InputScale { get; }
        public InputFunction? InputFunction { get; }
        public int ScratchSize { get; }

        /// <summary>Largest population (or input), in neurons per image.</summary>
        public int MaxSize { get; }

        public int OutputIndex { get; }

        /// <summary>Recompute[τ]: whether the output's potential V(τ) may differ from V(τ − 1) (τ = 1..T).</summary>
        public bool[] Recompute { get; }

        public (NeuronProbe Probe, int Layer)[] Probes { get; }

        /// <summary>First step of a layer's window (the input, −1, starts at 0).</summary>
        public int Start(int layer) => layer < 0 ? 0 : Depth[layer] * W;

        public int SizeOf(int layer) => layer < 0 ? Network.InputShape.Size : Layers[layer].Shape.Size;

        private bool[] OutputChanges()
        {
            // V(τ) of the output changes only while a source's ramps run (τ ∈ (start, start + W]), during its bias
            // window, and (a spiking output) while its clock runs and its neurons fire.
            var changes = new bool[Timesteps + 1];
            void Mark(int from, int to)
            {
                for (int tau = Math.Max(1, from + 1); tau <= Math.Min(Timesteps, to); tau++) changes[tau] = true;
            }
            int o = OutputIndex, start = Start(o);
            changes[1] = true;
            foreach (int s in SpikingNetwork.SourcesOf(Layers[o])) Mark(Start(s), Start(s) + W);
            Mark(start - W, start);
            if (Layers[o] is NeuronLayer) Mark(start, start + W);
            return changes;
        }
    }

    /// <summary>Per-worker state for up to ChunkSize images, reused across chunks.</summary>
    private sealed class Worker : IChunkWorker
    {
        private readonly Plan _plan;
        private readonly float[] _inLevel, _out, _potential, _ramps, _scratchA, _scratchB, _encoded, _encodedScratch;
        private readonly float[][] _level; // spike level m ∈ 0..W per neuron (spike at window start + W − m; none for 0)
        private readonly ResultAccumulator _results;

        public Worker(Plan plan)
        {
            _plan = plan;
            int n = Capacity = plan.Options.ChunkSize;
            _inLevel = new float[n * plan.Network.InputShape.Size];
            _encoded = plan.InputFunction is null ? [] : new float[n * plan.Network.InputShape.Size];
            _encodedScratch = plan.InputFunction is null ? [] : new float[n * plan.Network.InputShape.Size];
            _level = plan.Layers.Select(l => l is ReadoutLayer ? [] : new float[n * l.Shape.Size]).ToArray();
            _out = new float[n * plan.Layers[^1].Shape.Size];
            _potential = new float[n * plan.MaxSize];
            _ramps = new float[n * plan.MaxSize];
            _scratchA = new float[n * plan.ScratchSize];
            _scratchB = new float[n * plan.ScratchSize];
            _results = new ResultAccumulator(plan.Timesteps, plan.Layers);
        }

        /// <summary>A whole chunk at once.</summary>
        public int Capacity { get; }

        public ResultAccumulator Results => _results;

        public void Simulate(DataBatch batch, int start, int n, int firstImage, int[] predictions, int[] stableFrom, float[][]? outputs)
        {
            int inSize = _plan.Network.InputShape.Size;
            Propagate(batch.Data.AsSpan(start * inSize, n * inSize), n);
            ReadOnlySpan<int> labels = batch.Labels.AsSpan(start, n);
            for (int tau = 1; tau <= _plan.Timesteps; tau++)
            {
                if (_plan.Recompute[tau]) PotentialAt(_plan.OutputIndex, tau, n, _out);
                Score(n, tau - 1, labels, predictions, stableFrom, start);
            }
            if (outputs is not null) KeepOutputs(n, start, outputs);
            if (firstImage == 0) RecordProbes();
        }

        /// <summary>Encodes the input and finds every population's spike level, layer by layer.</summary>
        public void Propagate(ReadOnlySpan<float> x, int n)
        {
            if (_plan.InputFunction is { } g)
            {
                g.Apply(x, _encoded, _encodedScratch, n);
                x = _encoded.AsSpan(0, n * _plan.Network.InputShape.Size);
            }
            int w = _plan.W;
            double scale = _plan.InputScale;
            for (int i = 0; i < n * _plan.Network.InputShape.Size; i++)
            {
                int m = TtfsCode.Level(x[i] / scale, w);
                _inLevel[i] = m;
                if (m > 0) _results.InputSpikes++;
            }
            for (int l = 0; l < _plan.Layers.Length; l++)
            {
                int size = _plan.Layers[l].Shape.Size;
                Span<float> level = _level[l].AsSpan(0, _level[l].Length == 0 ? 0 : n * size);
                switch (_plan.Layers[l])
                {
                    case NeuronLayer nl:
                        {
                            // V(S) = W·z·θ; the clocked threshold fires with level ⌊W·z + ½⌋ (clamped to 0..W).
                            PotentialAt(l, _plan.Start(l), n, _potential);
                            double theta = nl.Neuron.VThreshold;
                            for (int i = 0; i < level.Length; i++) level[i] = TtfsCode.LevelOfScaled(_potential[i] / theta, w);
                            break;
                        }
                    case MaxPoolLayer mp:
                        {
                            // The earliest input spike is the largest level; it is re-timed one window later (same level).
                            Shape s = mp.InputShape;
                            float[] src = _level[mp.Source];
                            for (int b = 0; b < n; b++)
                            {
                                Pool2d.Max(src.AsSpan(b * s.Size, s.Size), s.Channels, s.Height, s.Width, mp.Window,
                                    level.Slice(b * size, size));
                            }
                            TensorPrimitives.Max(level, 0f, level); // a window entirely in the padding (−∞) sends nothing
                            break;
                        }
                    default:
                        continue;
                }
                for (int i = 0; i < level.Length; i++)
                {
                    if (level[i] == 0f) continue;
                    _results.LayerSpikes[l]++;
                    _results.NeuronSpikes[l][i % size]++;
                }
            }
        }

        /// <summary>
        /// V(τ) of layer <paramref name="l"/> (its charge over steps 0..τ−1) for the first <paramref name="n"/> images:
        /// b·(bias steps so far) + Σ over projections of chain(ramp integrals of the source) + θ·(clock steps so far).
        /// A source spike at t_j with window end E has integrated min(τ, E) − t_j steps, i.e. max(0, m − max(0, E − τ)).
        /// </summary>
        private void PotentialAt(int l, int tau, int n, Span<float> target)
        {
            int w = _plan.W, size = _plan.Layers[l].Shape.Size, start = _plan.Start(l);
            Span<float> v = target[..(n * size)];
            float[] bias = _plan.Layers[l] is NeuronLayer nl ? nl.Bias : ((ReadoutLayer)_plan.Layers[l]).Bias;
            float biasSteps = Math.Clamp(tau - (start - w), 0, w);
            for (int b = 0; b < n; b++) TensorPrimitives.Multiply(bias, biasSteps, v.Slice(b * size, size));
            foreach (CompiledProjection p in _plan.Projections[l])
            {
                int left = _plan.Start(p.Source) + w - tau; // steps of the source's window still to come
                if (left >= w) continue; // no source spike yet
                p.AddTo(Ramps(p.Source, left, n), n, v, _scratchA, _scratchB);
            }
            if (_plan.Layers[l] is NeuronLayer neurons && tau > start)
            {
                TensorPrimitives.Add(v, Math.Min(tau - start, w) * neurons.Neuron.VThreshold, v);
            }
        }

        /// <summary>
        /// Integrated ramps of a source's spikes with <paramref name="left"/> steps of its window to come, in its value unit.
        /// </summary>
        private ReadOnlySpan<float> Ramps(int source, int left, int n)
        {
            ReadOnlySpan<float> m = (source < 0 ? _inLevel : _level[source]).AsSpan(0, n * _plan.SizeOf(source));
            float scale = source < 0 ? _plan.InputScale : 1f; // an input spike stands for x = a·input scale
            if (left <= 0 && scale == 1f) return m;
            Span<float> u = _ramps.AsSpan(0, m.Length);
            if (left > 0)
            {
                TensorPrimitives.Subtract(m, left, u);
                TensorPrimitives.Max(u, 0f, u);
                m = u;
            }
            if (scale != 1f) TensorPrimitives.Multiply(m, scale, u);
            return u;
        }

        /// <summary>Membrane readout: argmax of V. Spiking output: the earliest spike (largest level) so far, ties by V.</summary>
        private void Score(int n, int t, ReadOnlySpan<int> labels, int[] predictions, int[] stableFrom, int start)
        {
            int o = _plan.OutputIndex, size = _plan.Layers[o].Shape.Size;
            float[] level = _level[o];
            int fireBase = _plan.Start(o) + _plan.W; // a neuron of level m fires at fireBase − m
            for (int b = 0; b < n; b++)
            {
                int best = 0, bestKey = -1;
                float bestV = float.NegativeInfinity;
                for (int k = 0; k < size; k++)
                {
                    int at = b * size + k;
                    int key = level.Length > 0 && level[at] > 0f && fireBase - (int)level[at] <= t ? (int)level[at] : 0;
                    float v = _out[at];
                    if (key > bestKey || (key == bestKey && v > bestV))
                    {
                        best = k;
                        bestKey = key;
                        bestV = v;
                    }
                }
                if (best == labels[b]) _results.Correct[t]++;
                ChunkRunner.Predict(predictions, stableFrom, start + b, t, best);
            }
        }

        private void KeepOutputs(int n, int start, float[][] outputs)
        {
            int o = _plan.OutputIndex, size = _plan.Layers[o].Shape.Size;
            float[] values = _level[o].Length > 0 ? _level[o] : _out;
            for (int b = 0; b < n; b++)
            {
                var y = new float[size];
                TensorPrimitives.Divide(values.AsSpan(b * size, size), _plan.W, y);
                outputs[start + b] = y;
            }
        }

        /// <summary>Potential after each step (image 0): V(t + 1); for a max-pool layer, 1 at its spike step.</summary>
        private void RecordProbes()
        {
            foreach (var (probe, layer) in _plan.Probes)
            {
                var trace = new float[_plan.Timesteps];
                if (_plan.Layers[layer] is MaxPoolLayer)
                {
                    int m = (int)_level[layer][probe.Neuron];
                    if (m > 0) trace[_plan.Start(layer) + _plan.W - m] = 1f;
                }
                else
                {
                    for (int tau = 1; tau <= trace.Length; tau++)
                    {
                        PotentialAt(layer, tau, 1, _potential);
                        trace[tau - 1] = _potential[probe.Neuron];
                    }
                }
                _results.Traces[probe] = trace;
            }
        }

        public void CopyTimes(int start, int n, int[] input, int[][] layers)
        {
            Copy(_inLevel, 0, input.AsSpan(start * _plan.SizeOf(-1), n * _plan.SizeOf(-1)));
            for (int l = 0; l < layers.Length; l++)
            {
                if (layers[l].Length > 0) Copy(_level[l], _plan.Start(l), layers[l].AsSpan(start * _plan.SizeOf(l), n * _plan.SizeOf(l)));
            }

            void Copy(float[] level, int windowStart, Span<int> times)
            {
                for (int i = 0; i < times.Length; i++)
                {
                    int offset = TtfsCode.Offset((int)level[i], _plan.W);
                    times[i] = offset < 0 ? -1 : windowStart + offset;
                }
            }
        }
    }
}
