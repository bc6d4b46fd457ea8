using System.Security.Cryptography;
using System.Text;
using Ann2Snn.Neurons;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Training;

/// <summary>
/// A converted spiking network made differentiable (M17). The forward pass is the dense backend's, step for step and bit for
/// bit (analog input, current bias, delta synapses): populations charge, fire and reset, max-pool circuits pass the growth of
/// the largest input count, and the readout accumulates its current; the logits are the readout potential / T. The backward
/// pass is backpropagation through time with a surrogate derivative of the spike (see <see cref="SurrogateKind"/>), layer by
/// layer in reverse over all T steps at once (see <see cref="BpttChunk"/>). The network's weights, biases and (optionally)
/// thresholds are copied into <see cref="Parameters"/>, which an optimizer updates in place; <see cref="ToNetwork"/> returns
/// them as a network again.
/// </summary>
public sealed class TrainableNetwork
{
    private readonly SpikingNetwork _source;
    private readonly List<TrainableParameter> _parameters = [];
    private BpttChunk[] _chunks = [];

    /// <summary>Copies the parameters of <paramref name="network"/>; throws naming the layer that fine-tuning cannot run.</summary>
    public TrainableNetwork(SpikingNetwork network, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Check(network);
        _source = network;
        Options = options;
        var layers = new SpikingLayer[network.Layers.Count];
        Layers = new TrainableLayer[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            SpikingLayer layer = network.Layers[i];
            if (layer is MaxPoolLayer)
            {
                layers[i] = layer;
                Layers[i] = new TrainableLayer(layer, -1, false, -1, []);
                continue;
            }
            IReadOnlyList<Projection> projections = SpikingNetwork.ProjectionsOf(layer);
            var weights = new int[projections.Count][];
            var copies = new Projection[projections.Count];
            for (int p = 0; p < projections.Count; p++)
            {
                weights[p] = new int[projections[p].Ops.Count];
                var ops = new SynapticOp[projections[p].Ops.Count];
                for (int o = 0; o < ops.Length; o++)
                {
                    (ops[o], float[]? w) = CopyOp(projections[p].Ops[o]);
                    weights[p][o] = w is null ? -1 : Add($"{layer.Name}/p{p}.{ops[o].Kind}{o}/weight", w, true);
                }
                copies[p] = projections[p] with { Ops = ops };
            }
            float[] bias = layer is NeuronLayer n ? n.Bias : ((ReadoutLayer)layer).Bias;
            bool perChannel = UniformPerChannel(layer.Shape, bias);
            int biasIndex = Add($"{layer.Name}/bias", perChannel ? ChannelValues(layer.Shape, bias) : (float[])bias.Clone(), false);
            int threshold = -1;
            if (layer is NeuronLayer neurons)
            {
                if (options.LearnThresholds) threshold = Add($"{layer.Name}/threshold", [neurons.Neuron.VThreshold], false);
                layers[i] = new NeuronLayer(layer.Name, layer.Shape, neurons.Neuron, copies, bias);
            }
            else
            {
                layers[i] = new ReadoutLayer(layer.Name, layer.Shape, copies, bias);
            }
            Layers[i] = new TrainableLayer(layers[i], biasIndex, perChannel, threshold, weights);
        }
        Gradients = [.. _parameters.Select(p => new float[p.Values.Length])];
        Fingerprint = FingerprintOf(network);
    }

    public TrainingOptions Options { get; }

    /// <summary>Every learnable array, weights first within a layer, then its bias, then its threshold.</summary>
    public IReadOnlyList<TrainableParameter> Parameters => _parameters;

    /// <summary>∂(mean loss of the last batch)/∂ each parameter, filled by <see cref="Gradient"/>.</summary>
    public float[][] Gradients { get; }

    /// <summary>
    /// A digest of the architecture (layer kinds, names, shapes, neuron models, op kinds and parameter sizes), the same for a
    /// network and its fine-tuned copies: a checkpoint is resumed only into the network it was taken from.
    /// </summary>
    public string Fingerprint { get; }

    internal TrainableLayer[] Layers { get; }

    /// <summary>
    /// Forward over <paramref name="count"/> images (<paramref name="x"/>, one after another) and backward through time:
    /// fills <see cref="Gradients"/> with the gradient of the mean cross-entropy of the logits, and returns the summed loss
    /// and the images classified correctly (by the readout potential after T steps, as the simulator scores).
    /// </summary>
    public BatchStats Gradient(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int count) => Run(x, labels, count, backward: true);

    /// <summary>The forward pass only: summed loss and correct images of a batch.</summary>
    public BatchStats Evaluate(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int count) => Run(x, labels, count, backward: false);

    /// <summary>The readout potential / T of <paramref name="count"/> images (the logits; the dense backend's kept outputs).</summary>
    public float[] Logits(ReadOnlySpan<float> x, int count)
    {
        var labels = new int[count];
        var logits = new float[count * _source.Output.Shape.Size];
        Run(x, labels, count, backward: false, logits);
        return logits;
    }

    /// <summary>Per layer and neuron: spikes over all steps of <paramref name="count"/> images (the simulator's NeuronSpikes).</summary>
    internal long[][] SpikeCounts(ReadOnlySpan<float> x, int count)
    {
        var counts = Layers.Select(l => new long[l.Size]).ToArray();
        var plan = new BpttPlan(this);
        var chunk = new BpttChunk(this, Options.ChunkSize);
        int inSize = _source.InputShape.Size;
        for (int start = 0; start < count; start += Options.ChunkSize)
        {
            int n = Math.Min(Options.ChunkSize, count - start);
            chunk.Forward(plan, x.Slice(start * inSize, n * inSize), n);
            chunk.AddSpikeCounts(counts, n);
        }
        return counts;
    }

    /// <summary>
    /// The network with the current parameters (a snapshot: later updates do not reach it), thresholds written into each
    /// population's neuron parameters; the metadata of the source network is kept.
    /// </summary>
    public SpikingNetwork ToNetwork()
    {
        var layers = new SpikingLayer[Layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            TrainableLayer t = Layers[i];
            if (t.Layer is MaxPoolLayer)
            {
                layers[i] = t.Layer;
                continue;
            }
            var projections = t.Projections.Select(p => p with { Ops = [.. p.Ops.Select(o => CopyOp(o).Op)] }).ToArray();
            float[] bias = ExpandedBias(i);
            layers[i] = t.Layer is NeuronLayer n
                ? new NeuronLayer(n.Name, n.Shape, n.Neuron with { VThreshold = ThresholdOf(i) }, projections, bias)
                : new ReadoutLayer(t.Layer.Name, t.Layer.Shape, projections, bias);
        }
        return new SpikingNetwork(_source.Name, _source.InputShape, layers, _source.Metadata);
    }

    /// <summary>
    /// Replaces every weight by a draw from U(−1/√fan-in, 1/√fan-in) (PyTorch's default for Linear and Conv2d) and every bias by
    /// 0, seeded: training from scratch with the same architecture. Thresholds are kept.
    /// </summary>
    public void Randomize(int seed)
    {
        var rng = new SplitMix64((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ 0x5EEDUL);
        foreach (TrainableLayer t in Layers)
        {
            for (int p = 0; p < t.Weights.Length; p++)
            {
                for (int o = 0; o < t.Weights[p].Length; o++)
                {
                    if (t.Weights[p][o] < 0) continue;
                    float[] w = _parameters[t.Weights[p][o]].Values;
                    int fanIn = t.Projections[p].Ops[o] switch
                    {
                        ConvOp c => c.Weight.Shape[1] * c.Weight.Shape[2] * c.Weight.Shape[3],
                        DenseOp d => d.Weight.Shape[1],
                        TokenDenseOp tokens => tokens.InFeatures,
                        _ => 1,
                    };
                    float bound = 1f / MathF.Sqrt(fanIn);
                    for (int k = 0; k < w.Length; k++) w[k] = ((2f * rng.NextFloat()) - 1f) * bound;
                }
            }
            if (t.Bias >= 0) Array.Clear(_parameters[t.Bias].Values);
        }
    }

    /// <summary>The threshold θ of population <paramref name="layer"/> (learned or fixed).</summary>
    internal float ThresholdOf(int layer) =>
        Layers[layer].Threshold >= 0 ? _parameters[Layers[layer].Threshold].Values[0] : Layers[layer].Neuron.VThreshold;

    /// <summary>Layer <paramref name="layer"/>'s bias, one value per neuron.</summary>
    internal float[] ExpandedBias(int layer)
    {
        TrainableLayer t = Layers[layer];
        float[] values = _parameters[t.Bias].Values;
        if (!t.BiasPerChannel) return (float[])values.Clone();
        int plane = t.Size / t.Layer.Shape.Channels;
        var bias = new float[t.Size];
        for (int c = 0; c < values.Length; c++) bias.AsSpan(c * plane, plane).Fill(values[c]);
        return bias;
    }

    private BatchStats Run(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int count, bool backward, float[]? logits = null)
    {
        int inSize = _source.InputShape.Size, chunk = Options.ChunkSize;
        if (count <= 0 || x.Length < count * inSize || labels.Length < count)
        {
            throw new ArgumentException(
                $"{count} images need {count * inSize} inputs and {count} labels; got {x.Length} and {labels.Length}");
        }
        int chunks = (count + chunk - 1) / chunk;
        if (_chunks.Length < chunks)
        {
            int have = _chunks.Length;
            Array.Resize(ref _chunks, chunks);
            for (int c = have; c < chunks; c++) _chunks[c] = new BpttChunk(this, chunk);
        }
        var plan = new BpttPlan(this);
        float[] xs = x[..(count * inSize)].ToArray();
        int[] ys = labels[..count].ToArray();
        float scale = 1f / count;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, c =>
        {
            int start = c * chunk, n = Math.Min(chunk, count - start);
            BpttChunk w = _chunks[c];
            w.Forward(plan, xs.AsSpan(start * inSize, n * inSize), n);
            w.Score(ys.AsSpan(start, n), n, backward ? scale : 0f,
                logits is null ? default : logits.AsSpan(start * plan.OutputSize, n * plan.OutputSize));
            if (backward) w.Backward(plan, xs.AsSpan(start * inSize, n * inSize), n);
        });
        double loss = 0;
        int correct = 0;
        if (backward)
        {
            foreach (float[] g in Gradients) Array.Clear(g);
        }
        for (int c = 0; c < chunks; c++)
        {
            loss += _chunks[c].Loss;
            correct += _chunks[c].Correct;
            if (!backward) continue;
            for (int p = 0; p < Gradients.Length; p++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(Gradients[p], _chunks[c].Gradients[p], Gradients[p]);
            }
        }
        return new BatchStats(loss, correct, count);
    }

    private int MaxThreads => Options.MaxDegreeOfParallelism > 0 ? Options.MaxDegreeOfParallelism : Environment.ProcessorCount;

    private int Add(string name, float[] values, bool isWeight)
    {
        _parameters.Add(new TrainableParameter(name, values, isWeight));
        return _parameters.Count - 1;
    }

    /// <summary>A copy of an op with its own weight array (returned, null for an op without weights).</summary>
    private static (SynapticOp Op, float[]? Weight) CopyOp(SynapticOp op)
    {
        switch (op)
        {
            case DenseOp d:
                var dw = (float[])d.Weight.Data.Clone();
                return (new DenseOp(d.InputShape, new FloatTensor(d.Weight.Shape, dw)), dw);
            case TokenDenseOp t:
                var tw = (float[])t.Weight.Data.Clone();
                return (new TokenDenseOp(t.InputShape, new FloatTensor(t.Weight.Shape, tw)), tw);
            case ConvOp c:
                var cw = (float[])c.Weight.Data.Clone();
                return (new ConvOp(c.InputShape, new FloatTensor(c.Weight.Shape, cw), c.Window, c.Groups, c.OutputShape), cw);
            default:
                return (op, null);
        }
    }

    private static bool UniformPerChannel(Shape shape, float[] bias)
    {
        if (!shape.IsSpatial) return false;
        int plane = shape.Size / shape.Channels;
        for (int c = 0; c < shape.Channels; c++)
        {
            float first = bias[c * plane];
            for (int k = 1; k < plane; k++)
            {
                if (BitConverter.SingleToInt32Bits(bias[(c * plane) + k]) != BitConverter.SingleToInt32Bits(first)) return false;
            }
        }
        return true;
    }

    private static float[] ChannelValues(Shape shape, float[] bias)
    {
        int plane = shape.Size / shape.Channels;
        return [.. Enumerable.Range(0, shape.Channels).Select(c => bias[c * plane])];
    }

    /// <summary>What the differentiable simulation runs; anything else is refused naming the layer.</summary>
    private static void Check(SpikingNetwork network)
    {
        string where = $"fine-tuning network '{network.Name}'";
        if (InputEncodingMetadata.Read(network) is { } encoding && encoding != InputEncoding.Analog)
        {
            ThrowHelper.InvalidModel($"{where}: input encoding {InputEncodingMetadata.Name(encoding)} is not supported; "
                + "the differentiable simulation drives the first layer with analog input");
        }
        if (network.Output is not ReadoutLayer)
        {
            ThrowHelper.InvalidModel($"{where}: the output layer '{network.Output.Name}' is a spiking population; fine-tuning needs "
                + "a membrane readout (convert with --readout membrane)");
        }
        for (int i = 0; i < network.Layers.Count; i++)
        {
            SpikingLayer layer = network.Layers[i];
            if (layer is OperatorLayer o)
            {
                ThrowHelper.InvalidModel($"{where}: operator layer '{layer.Name}' ({OperatorLayer.NameOf(o.Operator)}) has no "
                    + "surrogate gradient; fine-tuning differentiates populations, max pools and a readout");
            }
            if (layer is ReadoutLayer && i != network.Layers.Count - 1)
            {
                ThrowHelper.InvalidModel($"{where}: readout '{layer.Name}' is not the last layer");
            }
            if (layer is MaxPoolLayer mp && mp.Scheme != MaxPoolScheme.WinnerTakeAll)
            {
                ThrowHelper.InvalidModel($"{where}: max pool '{layer.Name}' uses the {mp.Scheme} circuit; fine-tuning differentiates "
                    + "the winner-take-all circuit (convert with --maxpool wta)");
            }
            if (layer is NeuronLayer n)
            {
                NeuronParameters p = n.Neuron;
                p.Validate();
                if (p.Model is not (IntegrateAndFire or LeakyIntegrateAndFire) || p.SignedSpikes || p.BurstLimit != 1
                    || p.RefractorySteps != 0)
                {
                    ThrowHelper.InvalidModel($"{where}: layer '{layer.Name}' has {p.Model.Name} neurons (signed = {p.SignedSpikes}, "
                        + $"burst = {p.BurstLimit}, refractory = {p.RefractorySteps}); fine-tuning supports IF and LIF neurons with "
                        + "unsigned single spikes and no refractory period (convert with --signed off)");
                }
            }
            foreach (Projection p in SpikingNetwork.ProjectionsOf(layer))
            {
                foreach (SynapticOp op in p.Ops)
                {
                    if (op is not (DenseOp or TokenDenseOp or ConvOp or AvgPoolOp or ReshapeOp or ScaleOp or ConcatSliceOp or SelectOp))
                    {
                        ThrowHelper.InvalidModel($"{where}: layer '{layer.Name}' has {op.Kind} synapses, which have no gradient");
                    }
                }
            }
        }
    }

    private static string FingerprintOf(SpikingNetwork network)
    {
        var text = new StringBuilder();
        foreach (SpikingLayer l in network.Layers)
        {
            text.Append(l.Kind).Append('|').Append(l.Name).Append('|').Append(l.Shape).Append('|');
            if (l is NeuronLayer n) text.Append(n.Neuron.Model.Name).Append('|').Append(n.Neuron.Reset).Append('|');
            if (l is MaxPoolLayer m) text.Append(m.Source).Append('|').Append(m.Window).Append('|');
            foreach (Projection p in SpikingNetwork.ProjectionsOf(l))
            {
                text.Append(p.Source).Append(':');
                foreach (SynapticOp op in p.Ops) text.Append(op.Kind).Append(op.InputShape).Append(op.OutputShape).Append(',');
            }
            text.Append('\n');
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16].ToLowerInvariant();
    }
}
