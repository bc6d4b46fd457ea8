using System.Numerics.Tensors;
using Ann2Snn.Data;
using Ann2Snn.Kernels;
using Ann2Snn.Snn;

namespace Ann2Snn.Simulation;

/// <summary>
/// Per-worker state for up to <see cref="Capacity"/> images, reused across chunks, and the step every backend shares: per layer
/// in layer order, charge (the backend's part: how source spikes become current), then fire and reset; max-pool
/// circuits; readout, scoring, probes. State arrays hold n images back to back, each in its layer's
/// <see cref="LayerLayout"/>. Nothing is allocated per step.
/// </summary>
internal abstract class SimulationWorker : IChunkWorker
{
    private readonly AlignedFloats[] _v, _current; // the targets of the event backend's scatter: cache-line aligned
    private readonly float[][] _spikes, _constant, _synapse, _canonical;
    private readonly int[][] _refractory;
    private readonly int[][] _netCount; // signed populations: each neuron's net spike count
    private readonly float[][] _charge; // signed populations with a negative branch: each neuron's input charge
    private readonly float[] _input, _scratchA, _scratchB;
    private readonly float[] _encoded, _encodedScratch; // the input function's output (and its intermediate steps)
    private readonly int[][] _countIn, _countOut; // max pooling: cumulative input and output spike counts
    private readonly int[] _readoutCounts; // per image and output neuron, for a spiking output layer
    private readonly int[] _fired; // one image's spiking neurons of one layer, for counting
    private readonly float[] _element; // a sequence's element of n images, presented for a window
    private readonly float[][] _rings; // per delayed projection: its source's spikes of the last d steps, n images each
    private int _step; // the step being simulated
    private readonly OperatorCircuit.State?[] _operators; // per operator layer: its sums and last output
    private readonly ResultAccumulator _results;

    /// <param name="plan">The run's plan.</param>
    /// <param name="capacity">Images simulated together (at most the chunk size; a chunk is simulated in pieces of this many).</param>
    protected SimulationWorker(SimulationPlan plan, int capacity)
    {
        Plan = plan;
        int n = Capacity = Math.Clamp(capacity, 1, plan.Options.ChunkSize);
        SpikingLayer[] layers = plan.Layers;
        // An operator layer has no membranes: a probe on it records the value it emits.
        _v = layers.Select(l => new AlignedFloats(l is MaxPoolLayer or OperatorLayer ? 0 : n * l.Shape.Size)).ToArray();
        _spikes = layers.Select(l => l is ReadoutLayer ? [] : new float[n * l.Shape.Size]).ToArray();
        _current = layers.Select(l => new AlignedFloats(l is MaxPoolLayer ? 0 : n * l.Shape.Size)).ToArray();
        _constant = layers.Select(l => l is MaxPoolLayer ? [] : new float[n * l.Shape.Size]).ToArray();
        _synapse = layers.Select(l => l is NeuronLayer && plan.Options.Synapse == SynapseModel.Exponential
            ? new float[n * l.Shape.Size]
            : []).ToArray();
        _refractory = layers.Select(l => l is NeuronLayer nl && nl.Neuron.RefractorySteps > 0 ? new int[n * l.Shape.Size] : []).ToArray();
        _netCount = layers.Select(l => l is NeuronLayer nl && nl.Neuron.SignedSpikes ? new int[n * l.Shape.Size] : []).ToArray();
        _charge = layers.Select((l, i) => plan.NegativeGains[i].Length > 0 ? new float[n * l.Shape.Size] : []).ToArray();
        _countIn = layers.Select(l => l is MaxPoolLayer m ? new int[n * m.InputShape.Size] : []).ToArray();
        _countOut = layers.Select(l => l is MaxPoolLayer ? new int[n * l.Shape.Size] : []).ToArray();
        // Canonical-order staging for constant currents of populations kept in another layout.
        _canonical = layers.Select((l, i) => plan.Layouts[i].IsChannelsLast && l is not MaxPoolLayer
            ? new float[n * l.Shape.Size]
            : []).ToArray();
        _input = new float[n * plan.Network.InputShape.Size];
        _encoded = plan.InputFunction is null ? [] : new float[n * plan.Network.InputShape.Size];
        _encodedScratch = plan.InputFunction is null ? [] : new float[n * plan.Network.InputShape.Size];
        _scratchA = new float[n * plan.ScratchSize];
        _scratchB = new float[n * plan.ScratchSize];
        _results = new ResultAccumulator(plan.Options.Timesteps, layers, plan.Layouts);
        _readoutCounts = layers[^1] is NeuronLayer ? new int[n * layers[^1].Shape.Size] : [];
        _fired = new int[layers.Max(l => l.Shape.Size)];
        _element = plan.Sequence is null ? [] : new float[n * plan.Network.InputShape.Size];
        _rings = plan.Delayed.Select(p => new float[(long)p.Delay * n * layers[p.Source].Shape.Size]).ToArray();
        _operators = plan.Operators.Select(c => c?.NewState(n)).ToArray();
    }

    protected SimulationPlan Plan { get; }

    /// <summary>Images this worker simulates together.</summary>
    public int Capacity { get; }

    /// <summary>What this worker counted since its last flush.</summary>
    public ResultAccumulator Results => _results;

    /// <summary>
    /// Each layer's spikes of this step (0 or 1 per neuron, 0..B for a burst layer, or −1, 0, +1 for a signed layer; n images,
    /// in the layer's layout).
    /// </summary>
    protected float[][] Spikes => _spikes;

    /// <summary>The encoded input of this step under Poisson input (0 or the spike value per input, n images).</summary>
    protected float[] Input => _input;

    /// <summary>Population <paramref name="l"/>'s membrane potentials for n images (in its layout).</summary>
    protected Span<float> Membranes(int l, int n) => _v[l].AsSpan(0, n * Plan.Layers[l].Shape.Size);

    /// <summary>
    /// The constant part of layer <paramref name="l"/>'s current for n images (bias and analog input), set by <see cref="Begin"/>.
    /// </summary>
    protected ReadOnlySpan<float> ConstantOf(int l, int n) => _constant[l].AsSpan(0, n * Plan.Layers[l].Shape.Size);

    protected float[] ScratchA => _scratchA;
    protected float[] ScratchB => _scratchB;

    /// <summary>
    /// Per layer and neuron (in the layer's layout): spikes counted so far (flushed into the result per chunk, in canonical order).
    /// </summary>
    protected long[][] NeuronSpikes => _results.NeuronSpikes;

    /// <summary>Per image and output neuron: spike counts of a spiking output layer.</summary>
    protected int[] ReadoutCounts => _readoutCounts;

    /// <summary>
    /// Fills layer <paramref name="l"/>'s current for n images: its constant part plus every time-varying projection of its
    /// sources' spikes.
    /// </summary>
    protected abstract void Charge(int l, int n, Span<float> current, ReadOnlySpan<float> constant);

    /// <summary>Called after the Poisson encoder wrote this step's input spikes.</summary>
    protected virtual void InputFired(int n)
    {
    }

    /// <summary>
    /// Called after population <paramref name="l"/> emitted <paramref name="spikes"/> events; counts them per neuron (and per
    /// output neuron), net of sign: a −1 spike takes one back, a burst of k counts k.
    /// </summary>
    protected virtual void NeuronsFired(int l, int n, int spikes)
    {
        if (spikes == 0) return;
        int size = Plan.Layers[l].Shape.Size;
        long[] perNeuron = _results.NeuronSpikes[l];
        bool readout = l == Plan.ReadoutIndex;
        Span<int> fired = _fired.AsSpan(0, size);
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<float> s = _spikes[l].AsSpan(b * size, size);
            foreach (int j in fired[..SpikeScatter.CollectActive(s, fired)])
            {
                int k = (int)s[j];
                perNeuron[j] += k;
                if (readout) _readoutCounts[b * size + j] += k;
            }
        }
    }

    /// <summary>
    /// One step of max-pool layer <paramref name="l"/>: writes its spikes, updates the cumulative input and output
    /// counts and the per-neuron counts; returns the spikes emitted. By default every window is evaluated.
    /// </summary>
    protected virtual int StepMaxPool(int l, MaxPoolLayer mp, int n, int[] countIn, int[] countOut) =>
        MaxPoolCircuit.Step(Plan.MaxPoolWindows[l]!, n, _spikes[mp.Source], countIn, countOut, _spikes[l], _results.NeuronSpikes[l]);

    public virtual void Simulate(DataBatch batch, int start, int n, int firstImage, int[] predictions, int[] stableFrom, float[][]? outputs)
    {
        SimulationOptions o = Plan.Options;
        int inSize = Plan.Network.InputShape.Size;
        ReadOnlySpan<float> x = Begin(batch, start, n);
        SplitMix64[] rngs = InputStreams(n, firstImage);
        int window = Plan.Sequence?.Window ?? int.MaxValue;
        for (int t = 0; t < o.Timesteps; t++)
        {
            _step = t;
            if (t > 0 && t % window == 0)
            {
                x = Present(batch, start, n, t / window);
                for (int l = 0; l < Plan.Layers.Length; l++) StartWindow(l, n);
            }
            if (o.Input == InputEncoding.Poisson)
            {
                EncodeInput(x, n, rngs, _input.AsSpan(0, n * inSize));
                InputFired(n);
            }
            for (int l = 0; l < Plan.Layers.Length; l++)
            {
                if (Plan.Runs(l, t)) StepLayer(l, n, t);
            }
            KeepDelayed(n, t);
            Score(n, t, batch.Labels.AsSpan(start, n), predictions, stableFrom, start);
            if (firstImage == 0) RecordProbes(t);
        }
        if (outputs is not null) KeepOutputs(n, start, outputs);
    }

    /// <summary>
    /// One Poisson stream per image, seeded by the run's seed and the image's index in the whole data set (its index in the run
    /// plus <see cref="SimulationOptions.FirstImage"/>).
    /// </summary>
    protected SplitMix64[] InputStreams(int n, int firstImage)
    {
        var rngs = new SplitMix64[n];
        for (int b = 0; b < n; b++) rngs[b] = new SplitMix64((ulong)(uint)Plan.Options.Seed * 0x9E3779B97F4A7C15UL
            ^ (ulong)((long)Plan.Options.FirstImage + firstImage + b));
        return rngs;
    }

    /// <summary>
    /// Writes one step's Poisson input spikes of n images into <paramref name="input"/> (drawing from each image's stream in
    /// element order) and counts them.
    /// </summary>
    protected void EncodeInput(ReadOnlySpan<float> x, int n, SplitMix64[] rngs, Span<float> input)
    {
        int inSize = Plan.Network.InputShape.Size;
        float pScale = Plan.Options.PoissonMaxRate / Plan.InputScale, spikeValue = Plan.InputSpikeValue;
        long fired = 0;
        for (int i = 0; i < n * inSize; i++)
        {
            bool fire = rngs[i / inSize].NextFloat() < x[i] * pScale;
            input[i] = fire ? spikeValue : 0f;
            fired += fire ? 1 : 0;
        }
        _results.InputSpikes += fired;
    }

    /// <summary>
    /// Resets every layer's state for n images and presents their input (the first element of a sequence, see
    /// <see cref="Present"/>); returns the images' input as the encoder sees it.
    /// </summary>
    protected ReadOnlySpan<float> Begin(DataBatch batch, int start, int n)
    {
        SpikingLayer[] layers = Plan.Layers;
        _step = 0;
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
            if (_operators[l] is { } state)
            {
                state.Clear();
                _spikes[l].AsSpan(0, n * size).Clear();
                continue;
            }
            float v0 = layer is NeuronLayer neurons ? neurons.Neuron.InitialPotential : 0f;
            _v[l].AsSpan(0, n * size).Fill(v0);
            if (_synapse[l].Length > 0) _synapse[l].AsSpan(0, n * size).Clear();
            if (_refractory[l].Length > 0) Array.Clear(_refractory[l]);
            if (_netCount[l].Length > 0) Array.Clear(_netCount[l]);
            if (_charge[l].Length > 0) Array.Clear(_charge[l]);
            if (_spikes[l].Length > 0) _spikes[l].AsSpan(0, n * size).Clear();
        }
        foreach (float[] ring in _rings) Array.Clear(ring);
        Array.Clear(_readoutCounts);
        return Present(batch, start, n, 0);
    }

    /// <summary>
    /// A new element's window for layer <paramref name="l"/> (<see cref="WindowStart"/>): a population's membranes clamped to
    /// [V_reset, V_th] (the residue) or back to V(0), signed neurons' counts and charges to 0 then; or nothing (carry).
    /// </summary>
    protected void StartWindow(int l, int n)
    {
        WindowStart start = Plan.Sequence!.Start;
        if (start == WindowStart.Carry || Plan.Layers[l] is not NeuronLayer layer) return;
        Span<float> v = _v[l].AsSpan(0, n * layer.Shape.Size);
        if (start == WindowStart.Residue)
        {
            TensorPrimitives.Clamp(v, layer.Neuron.ResetPotential, layer.Neuron.VThreshold, v);
        }
        else
        {
            v.Fill(layer.Neuron.InitialPotential);
        }
        if (_netCount[l].Length > 0) Array.Clear(_netCount[l]);
        if (_charge[l].Length > 0) Array.Clear(_charge[l]);
    }

    /// <summary>
    /// Presents element <paramref name="element"/> of n images' sequences (their whole sample when the network does not take
    /// sequences): precomputes the constant part of every population's current (bias and analog input) and returns the input
    /// as the encoder sees it (after the network's input function, if it has one).
    /// </summary>
    protected ReadOnlySpan<float> Present(DataBatch batch, int start, int n, int element)
    {
        SimulationOptions o = Plan.Options;
        SpikingLayer[] layers = Plan.Layers;
        int inSize = Plan.Network.InputShape.Size, sample = Plan.SampleSize;
        ReadOnlySpan<float> x;
        if (Plan.Sequence is null)
        {
            x = batch.Data.AsSpan(start * inSize, n * inSize);
        }
        else
        {
            for (int b = 0; b < n; b++)
            {
                batch.Data.AsSpan((start + b) * sample + element * inSize, inSize).CopyTo(_element.AsSpan(b * inSize, inSize));
            }
            x = _element.AsSpan(0, n * inSize);
        }
        if (Plan.InputFunction is { } g)
        {
            g.Apply(x, _encoded, _encodedScratch, n);
            x = _encoded.AsSpan(0, n * inSize);
        }
        for (int l = 0; l < layers.Length; l++)
        {
            SpikingLayer layer = layers[l];
            int size = layer.Shape.Size;
            if (layer is MaxPoolLayer || _operators[l] is not null) continue;
            Span<float> constant = _constant[l].AsSpan(0, n * size);
            float[] bias = Plan.Biases[l];
            for (int b = 0; b < n; b++)
            {
                if (o.Bias == BiasMode.Current || layer is ReadoutLayer) bias.CopyTo(constant.Slice(b * size, size));
                else constant.Slice(b * size, size).Clear();
            }
            foreach (CompiledProjection p in Plan.Projections[l])
            {
                if (!Plan.IsConstant(p)) continue;
                if (_canonical[l].Length == 0)
                {
                    p.AddTo(x, n, constant, _scratchA, _scratchB);
                    continue;
                }
                Span<float> staged = _canonical[l].AsSpan(0, n * size);
                staged.Clear();
                p.AddTo(x, n, staged, _scratchA, _scratchB);
                for (int b = 0; b < n; b++) Plan.Layouts[l].AddFromCanonical(staged.Slice(b * size, size), constant.Slice(b * size, size));
            }
        }
        return x;
    }

    /// <summary>
    /// The spikes projection <paramref name="p"/> delivers at this step (n images, in its source's layout): the input's, or its
    /// source's of this step, or, for a delayed projection, those its source emitted <see cref="CompiledProjection.Delay"/>
    /// steps ago (zero before the run had that many steps).
    /// </summary>
    protected ReadOnlySpan<float> SourceSpikes(CompiledProjection p, int n)
    {
        if (p.Source == -1) return _input.AsSpan(0, n * Plan.Network.InputShape.Size);
        int size = n * Plan.Layers[p.Source].Shape.Size;
        return p.Ring < 0 ? _spikes[p.Source].AsSpan(0, size) : _rings[p.Ring].AsSpan(_step % p.Delay * size, size);
    }

    /// <summary>
    /// After step t: keeps every delayed projection's source spikes of this step in its ring, in the slot step t + d reads
    /// (the one step t − d's spikes were just read from).
    /// </summary>
    private void KeepDelayed(int n, int t)
    {
        for (int r = 0; r < _rings.Length; r++)
        {
            CompiledProjection p = Plan.Delayed[r];
            int size = n * Plan.Layers[p.Source].Shape.Size;
            _spikes[p.Source].AsSpan(0, size).CopyTo(_rings[r].AsSpan(t % p.Delay * size, size));
        }
    }

    /// <summary>
    /// Step t of layer l for n images: charge, fire and reset a population, run a max-pool circuit, or accumulate the readout.
    /// </summary>
    protected void StepLayer(int l, int n, int t)
    {
        int size = Plan.Layers[l].Shape.Size;
        switch (Plan.Layers[l])
        {
            case NeuronLayer nl:
                // τs is in the time unit of Δt: e^(−Δt/τs) per step (e^(−1/τs) at Δt = 1).
                StepNeurons(l, nl, n, t, MathF.Exp(-nl.Neuron.Dt / Plan.Options.TauSyn));
                break;
            case MaxPoolLayer mp:
                _results.LayerSpikes[l] += StepMaxPool(l, mp, n, _countIn[l], _countOut[l]);
                break;
            case OperatorLayer:
                StepOperator(l, n, t);
                break;
            case ReadoutLayer:
                Charge(l, n, _current[l].AsSpan(0, n * size), _constant[l].AsSpan(0, n * size));
                TensorPrimitives.Add(_v[l].AsSpan(0, n * size), _current[l].AsSpan(0, n * size), _v[l].AsSpan(0, n * size));
                break;
        }
    }

    /// <summary>
    /// Step t of operator layer l for n images: each operand's current from its sources' spike vectors (read densely, in
    /// canonical order: the plan keeps the sources of operators canonical), then the operator's step; counts its operations
    /// and the non-zero values it emitted.
    /// </summary>
    private void StepOperator(int l, int n, int t)
    {
        OperatorCircuit circuit = Plan.Operators[l]!;
        OperatorCircuit.State state = _operators[l]!;
        for (int x = 0; x < circuit.Operands.Length; x++)
        {
            Span<float> current = state.Current[x].AsSpan(0, n * circuit.OperandSizes[x]);
            current.Clear();
            foreach (CompiledProjection p in circuit.Operands[x])
            {
                ReadOnlySpan<float> source = p.Source == -1
                    ? _input.AsSpan(0, n * Plan.Network.InputShape.Size)
                    : _spikes[p.Source].AsSpan(0, n * Plan.Layers[p.Source].Shape.Size);
                p.AddTo(source, n, current, _scratchA, _scratchB);
            }
        }
        Span<float> output = _spikes[l].AsSpan(0, n * circuit.OutSize);
        _results.OperatorMacs[l] += circuit.Step(state, n, t, output);
        _results.OperatorOutputs[l] += CountNonZero(output);
    }

    protected void KeepOutputs(int n, int start, float[][] outputs)
    {
        int l = Plan.ReadoutIndex;
        SpikingLayer layer = Plan.Layers[l];
        int size = layer.Shape.Size, steps = Plan.StepsRun(l);
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

    private void StepNeurons(int l, NeuronLayer layer, int n, int t, float synDecay)
    {
        SimulationOptions o = Plan.Options;
        int size = layer.Shape.Size;
        ReadOnlySpan<float> input;
        if (Plan.IsStatic[l] && o.Bias == BiasMode.Current)
        {
            input = _constant[l].AsSpan(0, n * size); // nothing varies: the constant part is the whole current
        }
        else
        {
            Span<float> current = _current[l].AsSpan(0, n * size);
            Charge(l, n, current, _constant[l].AsSpan(0, n * size));
            AddBiasSpikes(l, n, t, current);
            input = current;
        }
        if (o.Synapse == SynapseModel.Exponential)
        {
            // I_syn ← I_syn·e^(−Δt/τs) + (1 − e^(−Δt/τs))·input: unit DC gain, so rates are preserved on average.
            Span<float> syn = _synapse[l].AsSpan(0, n * size);
            TensorPrimitives.Multiply(syn, synDecay, syn);
            TensorPrimitives.MultiplyAdd(input, 1f - synDecay, syn, syn);
            input = syn;
        }
        int spikes = Fire(l, layer, n, _v[l].AsSpan(0, n * size), input);
        _results.LayerSpikes[l] += spikes;
        NeuronsFired(l, n, spikes);
    }

    /// <summary>
    /// Charges population <paramref name="l"/>'s membranes <paramref name="v"/> (n images) with <paramref name="input"/>,
    /// fires and resets; returns the spikes. By default the spikes are written to <see cref="Spikes"/>.
    /// </summary>
    protected virtual int Fire(int l, NeuronLayer layer, int n, Span<float> v, ReadOnlySpan<float> input)
    {
        int size = layer.Shape.Size;
        if (_charge[l].Length > 0) return FireLeaky(l, layer, n, v, input);
        return layer.Neuron.SignedSpikes
            ? NeuronKernels.StepSigned(layer.Neuron, v, _netCount[l].AsSpan(0, n * size), input, _spikes[l].AsSpan(0, n * size))
            : NeuronKernels.Step(layer.Neuron, v, _refractory[l].Length > 0 ? _refractory[l].AsSpan(0, n * size) : [],
                input, _spikes[l].AsSpan(0, n * size));
    }

    private static int CountNonZero(ReadOnlySpan<float> values)
    {
        int count = 0;
        foreach (float v in values) count += v != 0f ? 1 : 0;
        return count;
    }

    /// <summary>Signed neurons with a negative branch (<see cref="NeuronLayer.NegativeGain"/>), one image at a time.</summary>
    private int FireLeaky(int l, NeuronLayer layer, int n, Span<float> v, ReadOnlySpan<float> input)
    {
        int size = layer.Shape.Size, events = 0;
        for (int b = 0; b < n; b++)
        {
            events += NeuronKernels.StepSignedLeaky(layer.Neuron, Plan.NegativeGains[l], _charge[l].AsSpan(b * size, size),
                _netCount[l].AsSpan(b * size, size), v.Slice(b * size, size), input.Slice(b * size, size),
                _spikes[l].AsSpan(b * size, size));
        }
        return events;
    }

    private void AddBiasSpikes(int l, int n, int t, Span<float> current)
    {
        SimulationOptions o = Plan.Options;
        int size = Plan.Layers[l].Shape.Size;
        if (o.Bias == BiasMode.Neuron)
        {
            // A bias neuron fires regularly at rate r: at step t when ⌊(t+1)·r⌋ > ⌊t·r⌋; each spike carries b / r.
            if (Math.Floor((t + 1) * (double)o.BiasNeuronRate) > Math.Floor(t * (double)o.BiasNeuronRate))
            {
                float[] bias = Plan.Biases[l];
                // The bias neuron of each image spikes once and reaches every neuron with a non-zero bias (M10).
                int targets = CountNonZero(bias);
                if (targets > 0)
                {
                    _results.BiasSpikes += n;
                    _results.BiasEvents += (long)n * targets;
                }
                for (int b = 0; b < n; b++) TensorPrimitives.MultiplyAdd(bias, 1f / o.BiasNeuronRate, current.Slice(b * size, size),
                    current.Slice(b * size, size));
            }
        }
    }

    protected void Score(int n, int t, ReadOnlySpan<int> labels, int[] predictions, int[] stableFrom, int start)
    {
        int l = Plan.ReadoutIndex;
        SpikingLayer layer = Plan.Layers[l];
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
            if (best == labels[b]) _results.Correct[t]++;
            ChunkRunner.Predict(predictions, stableFrom, start + b, t, best);
        }
    }

    /// <summary>Records step t of every probe, or only of those on layer <paramref name="only"/> when it is not −1.</summary>
    protected void RecordProbes(int t, int only = -1)
    {
        foreach (var (probe, layer) in Plan.Probes)
        {
            if (only != -1 && layer != only) continue;
            if (!_results.Traces.TryGetValue(probe, out float[]? trace)) _results.Traces[probe] = trace = new float[Plan.Options.Timesteps];
            int at = Plan.Layouts[layer].ToInternal(probe.Neuron);
            trace[t] = _v[layer].Length > 0 ? _v[layer][at] : _spikes[layer][at];
        }
    }
}
