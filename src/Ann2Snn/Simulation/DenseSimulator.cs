using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>Runs a spiking network on labelled data for T steps.</summary>
public interface ISimulator
{
    string Name { get; }

    SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>
/// The dense time-stepped backend: every step, every layer's input current is computed from its sources' spike
/// vectors with the dense kernels (GEMM, convolution), then each population is charged, fires and resets.
/// Images are simulated in chunks, in parallel; each image's arithmetic and random stream are independent of the
/// chunking and the thread count, so results are deterministic for a seed. State is allocated once per worker and
/// reused; nothing is allocated per step.
/// </summary>
public sealed class DenseSimulator : ISimulator
{
    public string Name => "dense";

    public SimulationResult Run(SpikingNetwork network, IEnumerable<DataBatch> data, SimulationOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Input == InputEncoding.Ttfs) ThrowHelper.InvalidOption("input", "ttfs needs the ttfs backend");
        var plan = new Plan(network, options);
        var result = new SimulationResult(options.Timesteps, network.Layers.Select(l => l.Name).ToArray(), network.Layers.Select(l => l.Shape.Size).ToArray(),
            Enumerable.Range(0, network.Layers.Count).Select(network.FanOut).ToArray(), network.FanOut(-1));
        var workers = new ConcurrentBag<Worker>();
        int parallelism = options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism;
        int imageBase = 0;
        var gate = new object();
        foreach (DataBatch batch in data)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (batch.Count == 0) continue;
            if (batch.Data.Length < batch.Count * network.InputShape.Size)
            {
                throw new InvalidDatasetException($"simulation: a batch of {batch.Count} images holds {batch.Data.Length} values, expected {batch.Count * network.InputShape.Size} ({network.InputShape} each)");
            }
            int chunks = (batch.Count + options.ChunkSize - 1) / options.ChunkSize;
            var predictions = new int[batch.Count];
            float[][]? outputs = options.KeepOutputs ? new float[batch.Count][] : null;
            int first = imageBase;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, c =>
            {
                if (!workers.TryTake(out Worker? w)) w = new Worker(plan);
                int start = c * options.ChunkSize, n = Math.Min(options.ChunkSize, batch.Count - start);
                w.Simulate(batch, start, n, first + start, predictions, outputs);
                lock (gate) w.FlushInto(result);
                workers.Add(w);
            });
            result.Predictions.AddRange(predictions);
            if (outputs is not null) result.Outputs.AddRange(outputs);
            imageBase += batch.Count;
            result.Images = imageBase;
            progress?.Report(imageBase);
        }
        return result;
    }

    /// <summary>Everything about the network that does not change during a run.</summary>
    private sealed class Plan
    {
        public Plan(SpikingNetwork network, SimulationOptions options)
        {
            Network = network;
            Options = options;
            Layers = network.Layers.ToArray();
            Projections = Layers.Select(l => SpikingNetwork.ProjectionsOf(l).Select(p => new CompiledProjection(p)).ToArray()).ToArray();
            foreach (NeuronLayer n in Layers.OfType<NeuronLayer>()) n.Neuron.Validate();
            InputScale = network.Metadata.TryGetValue("input_scale", out string? s) && float.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out float v) && v > 0 ? v : 1f;
            ScratchSize = Projections.SelectMany(p => p).Select(p => p.MaxSize).DefaultIfEmpty(1).Max();
            ReadoutIndex = Layers.Length - 1;
            Probes = options.Probes.Select(p =>
            {
                int layer = Array.FindIndex(Layers, l => l.Name == p.Layer);
                if (layer < 0) ThrowHelper.InvalidOption("probe", $"no layer named '{p.Layer}'");
                if ((uint)p.Neuron >= (uint)Layers[layer].Shape.Size) ThrowHelper.InvalidOption("probe", $"layer '{p.Layer}' has {Layers[layer].Shape.Size} neurons; {p.Neuron} is out of range");
                return (p, layer);
            }).ToArray();
        }

        public SpikingNetwork Network { get; }
        public SimulationOptions Options { get; }
        public SpikingLayer[] Layers { get; }
        public CompiledProjection[][] Projections { get; }
        public float InputScale { get; }
        public int ScratchSize { get; }
        public int ReadoutIndex { get; }
        public (NeuronProbe Probe, int Layer)[] Probes { get; }

        /// <summary>A projection whose current never changes during a run: analog input feeding it directly.</summary>
        public bool IsConstant(CompiledProjection p) => p.Source == -1 && Options.Input == InputEncoding.Analog;
    }

    /// <summary>Per-worker state for up to ChunkSize images, reused across chunks.</summary>
    private sealed class Worker
    {
        private readonly Plan _plan;
        private readonly float[][] _v, _spikes, _current, _constant, _synapse;
        private readonly int[][] _refractory;
        private readonly float[] _input, _scratchA, _scratchB;
        private readonly int[][] _countIn, _countOut; // max pooling: cumulative input and output spike counts
        private readonly long[] _correct, _layerSpikes;
        private readonly int[] _readoutCounts; // per image and output neuron, for a spiking output layer
        private readonly long[][] _neuronSpikes;
        private long _inputSpikes;
        private readonly Dictionary<NeuronProbe, float[]> _traces = [];

        public Worker(Plan plan)
        {
            _plan = plan;
            int n = plan.Options.ChunkSize;
            SpikingLayer[] layers = plan.Layers;
            _v = layers.Select(l => l is MaxPoolLayer ? [] : new float[n * l.Shape.Size]).ToArray();
            _spikes = layers.Select(l => l is ReadoutLayer ? [] : new float[n * l.Shape.Size]).ToArray();
            _current = layers.Select(l => l is MaxPoolLayer ? [] : new float[n * l.Shape.Size]).ToArray();
            _constant = layers.Select(l => l is MaxPoolLayer ? [] : new float[n * l.Shape.Size]).ToArray();
            _synapse = layers.Select(l => l is NeuronLayer && plan.Options.Synapse == SynapseModel.Exponential ? new float[n * l.Shape.Size] : []).ToArray();
            _refractory = layers.Select(l => l is NeuronLayer nl && nl.Neuron.RefractorySteps > 0 ? new int[n * l.Shape.Size] : []).ToArray();
            _countIn = layers.Select(l => l is MaxPoolLayer m ? new int[n * m.InputShape.Size] : []).ToArray();
            _countOut = layers.Select(l => l is MaxPoolLayer ? new int[n * l.Shape.Size] : []).ToArray();
            _input = new float[n * plan.Network.InputShape.Size];
            _scratchA = new float[n * plan.ScratchSize];
            _scratchB = new float[n * plan.ScratchSize];
            _correct = new long[plan.Options.Timesteps];
            _layerSpikes = new long[layers.Length];
            _neuronSpikes = layers.Select(l => new long[l.Shape.Size]).ToArray();
            _readoutCounts = layers[^1] is NeuronLayer ? new int[n * layers[^1].Shape.Size] : [];
        }

        public void Simulate(DataBatch batch, int start, int n, int firstImage, int[] predictions, float[][]? outputs)
        {
            SimulationOptions o = _plan.Options;
            SpikingLayer[] layers = _plan.Layers;
            int inSize = _plan.Network.InputShape.Size;
            ReadOnlySpan<float> x = batch.Data.AsSpan(start * inSize, n * inSize);
            var rngs = new SplitMix64[n];
            for (int b = 0; b < n; b++) rngs[b] = new SplitMix64((ulong)(uint)o.Seed * 0x9E3779B97F4A7C15UL ^ (ulong)(firstImage + b));
            float pScale = o.PoissonMaxRate / _plan.InputScale, spikeValue = _plan.InputScale / o.PoissonMaxRate;

            // Reset state; precompute the constant part of every population's current (bias and analog input).
            for (int l = 0; l < layers.Length; l++)
            {
                SpikingLayer layer = layers[l];
                int size = layer.Shape.Size;
                if (layer is MaxPoolLayer)
                {
                    Array.Clear(_countIn[l]);
                    Array.Clear(_countOut[l]);
                    _spikes[l].AsSpan(0, n * size).Clear();
                    continue;
                }
                Span<float> constant = _constant[l].AsSpan(0, n * size);
                float[] bias = layer is NeuronLayer nl ? nl.Bias : ((ReadoutLayer)layer).Bias;
                for (int b = 0; b < n; b++)
                {
                    if (o.Bias == BiasMode.Current || layer is ReadoutLayer) bias.CopyTo(constant.Slice(b * size, size));
                    else constant.Slice(b * size, size).Clear();
                }
                foreach (CompiledProjection p in _plan.Projections[l])
                {
                    if (_plan.IsConstant(p)) p.AddTo(x, n, constant, _scratchA, _scratchB);
                }
                float v0 = layer is NeuronLayer neurons ? neurons.Neuron.InitialPotential : 0f;
                _v[l].AsSpan(0, n * size).Fill(v0);
                if (_synapse[l].Length > 0) _synapse[l].AsSpan(0, n * size).Clear();
                if (_refractory[l].Length > 0) Array.Clear(_refractory[l]);
                if (_spikes[l].Length > 0) _spikes[l].AsSpan(0, n * size).Clear();
            }

            Array.Clear(_readoutCounts);
            float synDecay = MathF.Exp(-1f / o.TauSyn);
            for (int t = 0; t < o.Timesteps; t++)
            {
                if (o.Input == InputEncoding.Poisson)
                {
                    for (int i = 0; i < n * inSize; i++)
                    {
                        bool fire = rngs[i / inSize].NextFloat() < x[i] * pScale;
                        _input[i] = fire ? spikeValue : 0f;
                        _inputSpikes += fire ? 1 : 0;
                    }
                }
                for (int l = 0; l < layers.Length; l++)
                {
                    switch (layers[l])
                    {
                        case NeuronLayer nl:
                            StepNeurons(l, nl, n, t, synDecay, x);
                            break;
                        case MaxPoolLayer mp:
                            StepMaxPool(l, mp, n);
                            break;
                        case ReadoutLayer:
                            Charge(l, n, x);
                            TensorPrimitives.Add(_v[l].AsSpan(0, n * layers[l].Shape.Size), _current[l].AsSpan(0, n * layers[l].Shape.Size), _v[l].AsSpan(0, n * layers[l].Shape.Size));
                            break;
                    }
                }
                Score(n, t, batch.Labels.AsSpan(start, n), predictions.AsSpan(start, n));
                if (firstImage == 0) RecordProbes(t);
            }
            if (outputs is not null) KeepOutputs(n, start, outputs);
        }

        private void KeepOutputs(int n, int start, float[][] outputs)
        {
            int l = _plan.ReadoutIndex;
            SpikingLayer layer = _plan.Layers[l];
            int size = layer.Shape.Size, steps = _plan.Options.Timesteps;
            for (int b = 0; b < n; b++)
            {
                var y = new float[size];
                for (int k = 0; k < size; k++)
                {
                    y[k] = layer is NeuronLayer nl
                        ? (_readoutCounts[b * size + k] + (_v[l][b * size + k] - nl.Neuron.InitialPotential) / nl.Neuron.VThreshold) / steps
                        : _v[l][b * size + k] / steps;
                }
                outputs[start + b] = y;
            }
        }

        /// <summary>current = constant part + Σ over time-varying projections of chain(source spikes).</summary>
        private void Charge(int l, int n, ReadOnlySpan<float> analog)
        {
            int size = _plan.Layers[l].Shape.Size;
            Span<float> current = _current[l].AsSpan(0, n * size);
            _constant[l].AsSpan(0, n * size).CopyTo(current);
            foreach (CompiledProjection p in _plan.Projections[l])
            {
                if (_plan.IsConstant(p)) continue;
                ReadOnlySpan<float> source = p.Source == -1 ? _input.AsSpan(0, n * _plan.Network.InputShape.Size) : _spikes[p.Source].AsSpan(0, n * _plan.Layers[p.Source].Shape.Size);
                p.AddTo(source, n, current, _scratchA, _scratchB);
            }
        }

        private void StepNeurons(int l, NeuronLayer layer, int n, int t, float synDecay, ReadOnlySpan<float> analog)
        {
            SimulationOptions o = _plan.Options;
            int size = layer.Shape.Size;
            Charge(l, n, analog);
            Span<float> current = _current[l].AsSpan(0, n * size);
            if (o.Bias == BiasMode.Neuron)
            {
                // A bias neuron fires regularly at rate r: at step t when ⌊(t+1)·r⌋ > ⌊t·r⌋; each spike carries b / r.
                if (Math.Floor((t + 1) * (double)o.BiasNeuronRate) > Math.Floor(t * (double)o.BiasNeuronRate))
                {
                    for (int b = 0; b < n; b++) TensorPrimitives.MultiplyAdd(layer.Bias, 1f / o.BiasNeuronRate, current.Slice(b * size, size), current.Slice(b * size, size));
                }
            }
            if (o.Synapse == SynapseModel.Exponential)
            {
                // I_syn ← I_syn·e^(−1/τs) + (1 − e^(−1/τs))·input: unit DC gain, so rates are preserved on average.
                Span<float> syn = _synapse[l].AsSpan(0, n * size);
                TensorPrimitives.Multiply(syn, synDecay, syn);
                TensorPrimitives.MultiplyAdd(current, 1f - synDecay, syn, syn);
                current = syn;
            }
            int spikes = NeuronKernels.Step(layer.Neuron, _v[l].AsSpan(0, n * size), _refractory[l].Length > 0 ? _refractory[l].AsSpan(0, n * size) : [], current, _spikes[l].AsSpan(0, n * size));
            _layerSpikes[l] += spikes;
            if (spikes > 0)
            {
                long[] perNeuron = _neuronSpikes[l];
                bool readout = l == _plan.ReadoutIndex;
                ReadOnlySpan<float> s = _spikes[l].AsSpan(0, n * size);
                for (int i = 0; i < s.Length; i++)
                {
                    if (s[i] == 0f) continue;
                    perNeuron[i % size]++;
                    if (readout) _readoutCounts[i]++;
                }
            }
        }

        /// <summary>
        /// WTA: output count = max over the window of the input counts, so a spike is emitted exactly when that max
        /// grows (the shared inhibitory interneuron's spike, which lowers every excitatory unit by one).
        /// Gate: the spike of the input with the largest count before this step passes (ties to the first).
        /// </summary>
        private void StepMaxPool(int l, MaxPoolLayer mp, int n)
        {
            Shape i = mp.InputShape, o = mp.Shape;
            Window2d w = mp.Window;
            int inSize = i.Size, outSize = o.Size, count = 0;
            ReadOnlySpan<float> src = _spikes[mp.Source];
            int[] cin = _countIn[l], cout = _countOut[l];
            Span<float> dst = _spikes[l];
            bool wta = mp.Scheme == MaxPoolScheme.WinnerTakeAll;
            for (int b = 0; b < n; b++)
            {
                for (int ch = 0; ch < o.Channels; ch++)
                {
                    for (int oy = 0; oy < o.Height; oy++)
                    {
                        for (int ox = 0; ox < o.Width; ox++)
                        {
                            int best = -1, bestCount = -1, maxAfter = 0;
                            for (int ky = 0; ky < w.KernelH; ky++)
                            {
                                int iy = oy * w.StrideH - w.PadTop + ky * w.DilationH;
                                if ((uint)iy >= (uint)i.Height) continue;
                                for (int kx = 0; kx < w.KernelW; kx++)
                                {
                                    int ix = ox * w.StrideW - w.PadLeft + kx * w.DilationW;
                                    if ((uint)ix >= (uint)i.Width) continue;
                                    int at = b * inSize + (ch * i.Height + iy) * i.Width + ix;
                                    int before = cin[at];
                                    if (before > bestCount)
                                    {
                                        bestCount = before;
                                        best = at;
                                    }
                                    maxAfter = Math.Max(maxAfter, before + (src[at] != 0f ? 1 : 0));
                                }
                            }
                            int oat = b * outSize + (ch * o.Height + oy) * o.Width + ox;
                            bool fire = wta ? maxAfter > cout[oat] : best >= 0 && src[best] != 0f;
                            dst[oat] = fire ? 1f : 0f;
                            if (fire)
                            {
                                cout[oat]++;
                                count++;
                                _neuronSpikes[l][oat - b * outSize]++;
                            }
                        }
                    }
                }
                // Count this step's input spikes after all windows have looked (windows may overlap).
                ReadOnlySpan<float> s = src.Slice(b * inSize, inSize);
                for (int k = 0; k < inSize; k++) if (s[k] != 0f) cin[b * inSize + k]++;
            }
            _layerSpikes[l] += count;
        }

        private void Score(int n, int t, ReadOnlySpan<int> labels, Span<int> predictions)
        {
            int l = _plan.ReadoutIndex;
            SpikingLayer layer = _plan.Layers[l];
            int size = layer.Shape.Size;
            float theta = layer is NeuronLayer nl ? nl.Neuron.VThreshold : 1f;
            for (int b = 0; b < n; b++)
            {
                int best = 0;
                float bestScore = float.NegativeInfinity;
                for (int k = 0; k < size; k++)
                {
                    // Membrane readout: the accumulated potential. Spike-count readout: count + v/θ (ties by potential).
                    float score = layer is ReadoutLayer ? _v[l][b * size + k] : _readoutCounts[b * size + k] + _v[l][b * size + k] / theta;
                    if (score > bestScore)
                    {
                        bestScore = score;
                        best = k;
                    }
                }
                if (best == labels[b]) _correct[t]++;
                predictions[b] = best;
            }
        }

        private void RecordProbes(int t)
        {
            foreach (var (probe, layer) in _plan.Probes)
            {
                if (!_traces.TryGetValue(probe, out float[]? trace)) _traces[probe] = trace = new float[_plan.Options.Timesteps];
                trace[t] = _v[layer].Length > 0 ? _v[layer][probe.Neuron] : _spikes[layer][probe.Neuron];
            }
        }

        public void FlushInto(SimulationResult result)
        {
            for (int t = 0; t < _correct.Length; t++) result.CorrectAt[t] += _correct[t];
            Array.Clear(_correct);
            for (int l = 0; l < _layerSpikes.Length; l++)
            {
                result.LayerSpikes[l] += _layerSpikes[l];
                for (int k = 0; k < _neuronSpikes[l].Length; k++) result.NeuronSpikes[l][k] += _neuronSpikes[l][k];
                Array.Clear(_neuronSpikes[l]);
            }
            Array.Clear(_layerSpikes);
            result.InputSpikes += _inputSpikes;
            _inputSpikes = 0;
            foreach (var (probe, trace) in _traces) result.Traces[probe] = trace;
            _traces.Clear();
        }
    }
}

/// <summary>A small, fast, seedable generator (SplitMix64), one stream per image.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 bits.</summary>
    public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));
}
