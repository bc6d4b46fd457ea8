using System.Buffers;
using System.Numerics.Tensors;
using Ann2Snn.Ann;
using Ann2Snn.Kernels;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Training;

/// <summary>
/// Forward and backward through time of up to <see cref="Capacity"/> images, with the state both need (allocated once).
/// Arrays of a layer hold all T steps, step after step, each step n images one after another: [T × n × size], so the
/// projections of every step run as one batch of T·n rows (one GEMM for all steps) and BPTT goes layer by layer in
/// reverse: a population's spike gradients are complete once every later layer is done, then its membranes are walked
/// back in time and its synapses take one batched backward pass.
/// <para>Forward, per population: I_t = b + Σ_p chain_p(s_t of the source) (analog input: its chain once, in the constant
/// part), u_t = charge(v_{t−1}, I_t), s_t = [u_t ≥ θ], v_t = reset(u_t, s_t). Max pool (winner-take-all circuit):
/// C_t = Σ_{τ≤t} s_τ of the source, M_t = maxpool(C_t), out_t = M_t − M_{t−1}. Readout: V = Σ_t I_t, z = V / T.</para>
/// <para>Backward: ∂s_t/∂u_t = σ'(u_t − θ) (the surrogate), ∂s_t/∂θ = −σ'; the reset adds −θ·∂v_t (subtraction) or
/// (V_reset − u_t)·∂v_t (to zero) to ∂s_t unless detached; ∂u_t = ∂v_t (·(1 − s_t) to zero) + σ'·∂s_t; ∂I_t = g·∂u_t,
/// ∂v_{t−1} = a·∂u_t. Max pool: ∂M_t = ∂out_t − ∂out_{t+1} goes to the first largest count of each window, and
/// ∂s_τ = Σ_{t≥τ} ∂C_t.</para>
/// </summary>
internal sealed class BpttChunk
{
    private readonly TrainableNetwork _network;
    private readonly int _steps;
    private readonly float[][] _spikes, _membrane, _current, _constant, _dSpikes, _counts, _v;
    private readonly float[] _readout, _dLogits, _logits, _scratchA, _scratchB;

    public BpttChunk(TrainableNetwork network, int capacity)
    {
        _network = network;
        Capacity = capacity;
        int t = _steps = network.Options.Timesteps;
        SpikingLayer[] layers = [.. network.Layers.Select(l => l.Layer)];
        long Sized(long size) => checked(t * (long)capacity * size);
        float[] New(long size) => new float[checked((int)size)];
        _spikes = [.. layers.Select(l => l is ReadoutLayer ? [] : New(Sized(l.Shape.Size)))];
        _dSpikes = [.. layers.Select(l => l is ReadoutLayer ? [] : New(Sized(l.Shape.Size)))];
        _membrane = [.. layers.Select(l => l is NeuronLayer ? New(Sized(l.Shape.Size)) : [])];
        _current = [.. layers.Select(l => l is MaxPoolLayer ? [] : New(Sized(l.Shape.Size)))];
        _constant = [.. layers.Select(l => l is MaxPoolLayer ? [] : New(capacity * (long)l.Shape.Size))];
        _v = [.. layers.Select(l => l is MaxPoolLayer ? [] : New(capacity * (long)l.Shape.Size))];
        _counts = [.. layers.Select(l => l is MaxPoolLayer m ? New(Sized(m.InputShape.Size)) : [])];
        int outSize = layers[^1].Shape.Size;
        _readout = new float[capacity * outSize];
        _dLogits = new float[capacity * outSize];
        _logits = new float[outSize];
        int scratch = layers.SelectMany(SpikingNetwork.ProjectionsOf).SelectMany(p => p.Ops)
            .Select(o => Math.Max(o.InputShape.Size, o.OutputShape.Size)).DefaultIfEmpty(1).Max();
        _scratchA = New(Sized(scratch));
        _scratchB = New(Sized(scratch));
        Gradients = [.. network.Parameters.Select(p => new float[p.Values.Length])];
    }

    public int Capacity { get; }

    /// <summary>This chunk's share of the batch's gradient (already divided by the batch size).</summary>
    public float[][] Gradients { get; }

    public double Loss { get; private set; }
    public int Correct { get; private set; }

    /// <summary>Adds each neuron's spikes of the last forward pass (all steps, n images) to <paramref name="counts"/>.</summary>
    public void AddSpikeCounts(long[][] counts, int n)
    {
        for (int l = 0; l < counts.Length; l++)
        {
            int size = _network.Layers[l].Size;
            if (_spikes[l].Length == 0) continue;
            for (int r = 0; r < _steps * n; r++)
            {
                for (int j = 0; j < size; j++) counts[l][j] += (long)_spikes[l][(r * size) + j];
            }
        }
    }

    public void Forward(BpttPlan plan, ReadOnlySpan<float> x, int n)
    {
        TrainableLayer[] layers = _network.Layers;
        for (int l = 0; l < layers.Length; l++)
        {
            SpikingLayer layer = layers[l].Layer;
            if (layer is MaxPoolLayer mp)
            {
                ForwardMaxPool(l, mp, n);
                continue;
            }
            int size = layer.Shape.Size, block = n * size;
            Span<float> constant = _constant[l].AsSpan(0, block);
            for (int b = 0; b < n; b++) plan.Biases[l].CopyTo(constant.Slice(b * size, size));
            foreach (CompiledProjection p in plan.Projections[l])
            {
                if (p.Source == -1) p.AddTo(x, n, constant, _scratchA, _scratchB);
            }
            Span<float> current = _current[l].AsSpan(0, _steps * block);
            for (int t = 0; t < _steps; t++) constant.CopyTo(current.Slice(t * block, block));
            foreach (CompiledProjection p in plan.Projections[l])
            {
                if (p.Source == -1) continue;
                int sourceSize = layers[p.Source].Size;
                p.AddTo(_spikes[p.Source].AsSpan(0, _steps * n * sourceSize), _steps * n, current, _scratchA, _scratchB);
            }
            if (layer is NeuronLayer) ForwardNeurons(plan.Neurons[l], l, block);
            else
            {
                Span<float> v = _readout.AsSpan(0, block);
                v.Clear();
                for (int t = 0; t < _steps; t++) TensorPrimitives.Add(v, current.Slice(t * block, block), v);
            }
        }
    }

    /// <summary>
    /// Logits z = V/T, the loss of each image and ∂loss/∂z·<paramref name="scale"/> (for the backward pass); counts the images
    /// whose largest readout potential (the first, as the simulator scores) is their label.
    /// </summary>
    public void Score(ReadOnlySpan<int> labels, int n, float scale, Span<float> logits)
    {
        int size = _network.Layers[^1].Size;
        double loss = 0;
        int correct = 0;
        for (int b = 0; b < n; b++)
        {
            ReadOnlySpan<float> v = _readout.AsSpan(b * size, size);
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int k = 0; k < size; k++)
            {
                _logits[k] = v[k] / _steps;
                if (v[k] > bestScore)
                {
                    bestScore = v[k];
                    best = k;
                }
            }
            if (best == labels[b]) correct++;
            if (!logits.IsEmpty) _logits.CopyTo(logits.Slice(b * size, size));
            Span<float> dz = _dLogits.AsSpan(b * size, size);
            loss += LogitLosses.Evaluate(LogitLoss.CrossEntropy, _logits, labels[b], dz);
            TensorPrimitives.Multiply(dz, scale, dz);
        }
        Loss = loss;
        Correct = correct;
    }

    public void Backward(BpttPlan plan, ReadOnlySpan<float> x, int n)
    {
        foreach (float[] g in Gradients) Array.Clear(g);
        TrainableLayer[] layers = _network.Layers;
        for (int l = 0; l < layers.Length; l++)
        {
            if (_dSpikes[l].Length > 0) _dSpikes[l].AsSpan(0, _steps * n * layers[l].Size).Clear();
        }
        for (int l = layers.Length - 1; l >= 0; l--)
        {
            int size = layers[l].Size, block = n * size;
            switch (layers[l].Layer)
            {
                case MaxPoolLayer mp:
                    BackwardMaxPool(l, mp, n);
                    continue;
                case ReadoutLayer:
                    // z = V/T and V = Σ_t I_t: every step's current gets ∂z/T.
                    Span<float> dv = _current[l].AsSpan(0, block);
                    TensorPrimitives.Divide(_dLogits.AsSpan(0, block), _steps, dv);
                    for (int t = 1; t < _steps; t++) dv.CopyTo(_current[l].AsSpan(t * block, block));
                    break;
                default:
                    BackwardNeurons(plan, l, block);
                    break;
            }
            BackwardSynapses(plan, l, x, n);
        }
    }

    private void ForwardNeurons(NeuronConstants c, int l, int block)
    {
        Span<float> v = _v[l].AsSpan(0, block);
        v.Fill(c.Initial);
        for (int t = 0; t < _steps; t++)
        {
            ReadOnlySpan<float> current = _current[l].AsSpan(t * block, block);
            Span<float> u = _membrane[l].AsSpan(t * block, block), s = _spikes[l].AsSpan(t * block, block);
            for (int i = 0; i < block; i++)
            {
                // The models' own expressions (IntegrateAndFire / LeakyIntegrateAndFire rules), so the floats are the kernels'.
                float vv = c.Leaky ? c.Rest + ((v[i] - c.Rest) * c.Decay) + (c.Gain * current[i]) : v[i] + (c.Gain * current[i]);
                u[i] = vv;
                if (vv >= c.Theta)
                {
                    s[i] = 1f;
                    vv = c.Subtract ? vv - c.Theta : c.Rest;
                }
                else
                {
                    s[i] = 0f;
                }
                v[i] = vv;
            }
        }
    }

    private void BackwardNeurons(BpttPlan plan, int l, int block)
    {
        NeuronConstants c = plan.Neurons[l];
        Surrogate sg = plan.Surrogate;
        bool detach = _network.Options.DetachReset;
        Span<float> dvNext = _v[l].AsSpan(0, block);
        dvNext.Clear();
        double dTheta = 0;
        for (int t = _steps - 1; t >= 0; t--)
        {
            ReadOnlySpan<float> u = _membrane[l].AsSpan(t * block, block), s = _spikes[l].AsSpan(t * block, block);
            ReadOnlySpan<float> ds = _dSpikes[l].AsSpan(t * block, block);
            Span<float> dI = _current[l].AsSpan(t * block, block);
            for (int i = 0; i < block; i++)
            {
                float dv = dvNext[i], dsTotal = ds[i], du;
                if (c.Subtract)
                {
                    du = dv;
                    if (!detach) dsTotal -= c.Theta * dv;
                    dTheta -= s[i] * dv;
                }
                else
                {
                    du = (1f - s[i]) * dv;
                    if (!detach) dsTotal += (c.Rest - u[i]) * dv;
                }
                float d = sg.Derivative(u[i] - c.Theta);
                du += d * dsTotal;
                dTheta -= d * dsTotal;
                dI[i] = c.Gain * du;
                dvNext[i] = c.Decay * du;
            }
        }
        int threshold = _network.Layers[l].Threshold;
        if (threshold < 0) return;
        dTheta += c.InitialFraction * (double)TensorPrimitives.Sum(dvNext);
        Gradients[threshold][0] += (float)dTheta;
    }

    private void ForwardMaxPool(int l, MaxPoolLayer mp, int n)
    {
        int inSize = mp.InputShape.Size, outSize = mp.Shape.Size, inBlock = n * inSize, outBlock = n * outSize;
        Span<float> counts = _counts[l].AsSpan(0, _steps * inBlock), outputs = _spikes[l].AsSpan(0, _steps * outBlock);
        ReadOnlySpan<float> source = _spikes[mp.Source].AsSpan(0, _steps * inBlock);
        Span<float> previous = _scratchB.AsSpan(0, outBlock);
        previous.Clear();
        for (int t = 0; t < _steps; t++)
        {
            Span<float> c = counts.Slice(t * inBlock, inBlock), y = outputs.Slice(t * outBlock, outBlock);
            if (t == 0) source[..inBlock].CopyTo(c);
            else TensorPrimitives.Add(counts.Slice((t - 1) * inBlock, inBlock), source.Slice(t * inBlock, inBlock), c);
            for (int b = 0; b < n; b++)
            {
                Pool2d.Max(c.Slice(b * inSize, inSize), mp.InputShape.Channels, mp.InputShape.Height, mp.InputShape.Width, mp.Window,
                    y.Slice(b * outSize, outSize));
            }
            // y holds M_t; the circuit emits M_t − M_{t−1}.
            Span<float> m = _scratchA.AsSpan(0, outBlock);
            y.CopyTo(m);
            TensorPrimitives.Subtract(m, previous, y);
            m.CopyTo(previous);
        }
    }

    private void BackwardMaxPool(int l, MaxPoolLayer mp, int n)
    {
        int inSize = mp.InputShape.Size, outSize = mp.Shape.Size, inBlock = n * inSize, outBlock = n * outSize;
        ReadOnlySpan<float> dOut = _dSpikes[l].AsSpan(0, _steps * outBlock);
        Span<float> dSource = _dSpikes[mp.Source].AsSpan(0, _steps * inBlock);
        Span<float> acc = _scratchA.AsSpan(0, inBlock), dm = _scratchB.AsSpan(0, outBlock);
        acc.Clear();
        for (int t = _steps - 1; t >= 0; t--)
        {
            ReadOnlySpan<float> d = dOut.Slice(t * outBlock, outBlock);
            if (t + 1 < _steps) TensorPrimitives.Subtract(d, dOut.Slice((t + 1) * outBlock, outBlock), dm);
            else d.CopyTo(dm);
            ReadOnlySpan<float> c = _counts[l].AsSpan(t * inBlock, inBlock);
            for (int b = 0; b < n; b++)
            {
                Pool2dGradient.Max(c.Slice(b * inSize, inSize), mp.InputShape.Channels, mp.InputShape.Height, mp.InputShape.Width,
                    mp.Window, dm.Slice(b * outSize, outSize), acc.Slice(b * inSize, inSize));
            }
            Span<float> ds = dSource.Slice(t * inBlock, inBlock);
            TensorPrimitives.Add(ds, acc, ds);
        }
    }

    /// <summary>
    /// Given ∂I (all steps, in <c>_current[l]</c>): the bias gradient, each projection's weight gradients, and the gradients
    /// of the source spikes. A projection from the analog input is the same every step: its chain sees Σ_t ∂I_t once.
    /// </summary>
    private void BackwardSynapses(BpttPlan plan, int l, ReadOnlySpan<float> x, int n)
    {
        TrainableLayer layer = _network.Layers[l];
        int size = layer.Size, block = n * size;
        ReadOnlySpan<float> dI = _current[l].AsSpan(0, _steps * block);
        float[] bias = Gradients[layer.Bias];
        int plane = layer.BiasPerChannel ? size / layer.Layer.Shape.Channels : size;
        for (int r = 0; r < _steps * n; r++)
        {
            ReadOnlySpan<float> row = dI.Slice(r * size, size);
            if (!layer.BiasPerChannel) TensorPrimitives.Add(bias, row, bias);
            else for (int c = 0; c < bias.Length; c++) bias[c] += TensorPrimitives.Sum(row.Slice(c * plane, plane));
        }
        float[]? summed = null;
        for (int k = 0; k < layer.Projections.Count; k++)
        {
            int source = layer.Projections[k].Source;
            if (source >= 0)
            {
                int sourceSize = _network.Layers[source].Size;
                Chain(plan, l, k, _spikes[source].AsSpan(0, _steps * n * sourceSize), _steps * n, dI,
                    _dSpikes[source].AsSpan(0, _steps * n * sourceSize));
                continue;
            }
            if (summed is null)
            {
                summed = new float[block];
                for (int t = 0; t < _steps; t++) TensorPrimitives.Add(summed, dI.Slice(t * block, block), summed);
            }
            Chain(plan, l, k, x, n, summed, default);
        }
    }

    /// <summary>
    /// Backward through projection k of layer l for <paramref name="rows"/> rows of <paramref name="input"/>: weight gradients,
    /// and with a non-empty <paramref name="dInput"/>, the input's gradient added into it. Inputs of the chain's later ops are
    /// recomputed from <paramref name="input"/> when one of them has weights.
    /// </summary>
    private void Chain(BpttPlan plan, int l, int k, ReadOnlySpan<float> input, int rows, ReadOnlySpan<float> dOut, Span<float> dInput)
    {
        CompiledProjection compiled = plan.Projections[l][k];
        int[] live = [.. Enumerable.Range(0, compiled.Ops.Length).Where(i => !compiled.Ops[i].IsView)];
        int[] weights = _network.Layers[l].Weights[k];
        var rented = new List<float[]>();
        try
        {
            float[]?[] inputs = new float[live.Length][];
            if (live.Skip(1).Any(i => weights[i] >= 0))
            {
                ReadOnlySpan<float> current = input;
                for (int j = 1; j < live.Length; j++)
                {
                    CompiledOp op = compiled.Ops[live[j - 1]];
                    float[] y = Rent(rented, rows * op.OutSize);
                    op.Apply(current, rows, y.AsSpan(0, rows * op.OutSize));
                    inputs[j] = y;
                    current = y.AsSpan(0, rows * op.OutSize);
                }
            }
            ReadOnlySpan<float> d = dOut;
            for (int j = live.Length - 1; j >= 0; j--)
            {
                int i = live[j];
                SynapticOp op = compiled.Ops[i].Op;
                ReadOnlySpan<float> opInput = j == 0 ? input : inputs[j] is { } y ? y.AsSpan(0, rows * op.InputShape.Size) : default;
                if (weights[i] >= 0) OpGradients.Weights(op, opInput, d, rows, Gradients[weights[i]]);
                if (j == 0 && dInput.IsEmpty) break;
                float[] dx = Rent(rented, rows * op.InputShape.Size);
                OpGradients.Input(op, plan.InputGradients[l][k][i], d, rows, dx.AsSpan(0, rows * op.InputShape.Size));
                d = dx.AsSpan(0, rows * op.InputShape.Size);
            }
            if (live.Length == 0) d = dOut;
            if (!dInput.IsEmpty) TensorPrimitives.Add(dInput, d[..dInput.Length], dInput);
        }
        finally
        {
            foreach (float[] a in rented) ArrayPool<float>.Shared.Return(a);
        }
    }

    private static float[] Rent(List<float[]> rented, int size)
    {
        float[] a = ArrayPool<float>.Shared.Rent(size);
        rented.Add(a);
        return a;
    }
}
