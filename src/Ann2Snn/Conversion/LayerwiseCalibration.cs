using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Conversion;

/// <summary>
/// Layer-wise calibration of a converted network against the ANN on calibration images, at the window T it is tuned for
/// (after Li et al., "A free lunch from ANN: towards efficient, accurate spiking neural networks calibration", ICML 2021).
/// At short windows the spike counts of a population differ from its ANN activations in a systematic way — quantization to
/// T levels, clipping at λ, the uneven arrival of input spikes — and the error of one layer feeds the next. Going through
/// the populations in order, each is corrected with the layers before it already corrected:
/// <list type="bullet">
/// <item><b>Light</b>: simulate the network on the images for T steps; for each neuron, Δa = E[ANN activation] − E[value its
/// spikes encode]; add the current Δa·θ/u (u the value of one spike), so that its mean output matches the ANN's. The
/// readout gets the mean logit error as a bias.</item>
/// <item><b>Advanced</b>: first scale the population's λ by the factor from a small grid that minimizes the squared error of
/// the network's outputs against the ANN's logits (the later layers as they are), then correct it as above.</item>
/// </list>
/// The images are labelled by the ANN's own class, so a simulation's accuracy is its agreement with the ANN.
/// </summary>
public sealed class LayerwiseCalibration
{
    private readonly ModelGraph _prepared;
    private readonly CalibrationStatistics? _stats;
    private readonly IReadOnlyList<string> _passes;
    private readonly float[] _images;
    private readonly AnnTargets _targets;

    /// <summary>Factors on λ that <see cref="LayerCalibration.Advanced"/> tries per population.</summary>
    public static IReadOnlyList<float> LambdaGrid { get; } = [0.8f, 0.9f, 1f, 1.1f, 1.25f];

    /// <summary>
    /// Factors tried for a recurrent population. Its membranes carry the quantization residue from element to element
    /// (<see cref="WindowStart.Residue"/>), so rounding errors do not add up over the sequence and its best λ lies well below
    /// the per-window quantization optimum: the grid reaches down to 0.15 (docs/recurrent.md).
    /// </summary>
    public static IReadOnlyList<float> RecurrentLambdaGrid { get; } = [0.15f, 0.2f, 0.25f, 0.35f, 0.5f, 0.7f, 1f];

    /// <summary>Images the λ search of <see cref="LayerCalibration.Advanced"/> simulates per candidate (the first of the set).</summary>
    public const int SearchImages = 256;

    /// <summary>
    /// Prepares calibration of conversions of <paramref name="prepared"/> at <paramref name="window"/> steps on
    /// <paramref name="count"/> images (<paramref name="images"/>, in the prepared graph's input layout): runs the ANN on them.
    /// </summary>
    public LayerwiseCalibration(ModelGraph prepared, CalibrationStatistics? stats, IReadOnlyList<string> passes, float[] images,
        int count, int window, AnnExecutorOptions? executorOptions = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(passes);
        ArgumentNullException.ThrowIfNull(images);
        if (window <= 0) ThrowHelper.InvalidOption("optimize-for", $"T = {window} must be positive");
        int inSize = prepared.Input.OutputShape.Size;
        if (count <= 0 || images.Length < (long)count * inSize) ThrowHelper.InvalidOption("calib-images",
            $"{images.Length} values do not hold {count} calibration images of {prepared.Input.OutputShape}");
        _prepared = prepared;
        _stats = stats;
        _passes = passes;
        _images = images;
        Count = count;
        Window = window;
        _targets = new AnnTargets(prepared, images, count, executorOptions);
    }

    /// <summary>Calibration images.</summary>
    public int Count { get; }

    /// <summary>The window T the networks are calibrated and measured at.</summary>
    public int Window { get; }

    /// <summary>
    /// Converts with <paramref name="options"/> and calibrates layer by layer as <see cref="ConversionOptions.Calibrate"/> says
    /// (<see cref="LayerCalibration.None"/>: the plain conversion).
    /// </summary>
    public ConversionResult Calibrate(ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        LayerAdjustments adjust = LayerAdjustments.None;
        ConversionResult current = Convert(options, adjust);
        if (options.Calibrate == LayerCalibration.None) return current;
        for (int l = 0; l < current.Network.Layers.Count; l++)
        {
            SpikingLayer layer = current.Network.Layers[l];
            // Max pooling has nothing to tune; an operator computes on what it accumulates (its operands are populations).
            if (layer is MaxPoolLayer or OperatorLayer) continue;
            ConvertedLayer log = current.Layers[l];
            if (options.Calibrate == LayerCalibration.Advanced && layer is NeuronLayer)
            {
                float best = 1f;
                (double, double) bestScore = (double.PositiveInfinity, double.PositiveInfinity);
                bool recurrent = SpikingNetwork.ProjectionsOf(layer).Any(p => p.Delay > 0);
                foreach (float factor in recurrent ? RecurrentLambdaGrid : LambdaGrid)
                {
                    ConversionResult candidate = Convert(options, adjust.WithLambdaFactor(log.FromNode, factor));
                    // Agreement counts images: a recurrent population's search measures on every calibration image.
                    WindowAgreement m = Measure(candidate, recurrent ? Count : SearchImages);
                    // A recurrent population is chosen by its class agreement first: a smaller λ clips the largest states, which
                    // costs the logits' squared error more than the class (measured, docs/recurrent.md).
                    (double, double) score = recurrent ? (-m.Agreement, m.OutputError) : (m.OutputError, 0);
                    if (score.CompareTo(bestScore) < 0) (best, bestScore) = (factor, score);
                }
                adjust = adjust.WithLambdaFactor(log.FromNode, best);
                current = Convert(options, adjust);
                log = current.Layers[l];
            }
            // A shift of a recurrent population's input would come back through its recurrent synapses every element, adding
            // up over the sequence: its λ is tuned, its bias is left as it is.
            // A signed population carrying a tensor of either sign (an operator's operand, negative gain 1) encodes a signed mean,
            // which the ANN's mean of max(0, x) and the neurons' spike counts do not give: its λ is tuned, its bias left as it is.
            if (SpikingNetwork.ProjectionsOf(layer).Any(p => p.Delay > 0) || layer is NeuronLayer { NegativeGain: [1f] }) continue;
            SimulationResult sim = Simulate(current.Network, Count);
            float[] shift = layer is ReadoutLayer
                ? _targets.MeanLogits.Zip(MeanOutputs(sim, layer.Shape.Size), (a, s) => a - s).ToArray()
                : NeuronShift(sim, l, log, _targets.MeanActivation(log.FromNode), Count, StepsRun(current.Network, l));
            adjust = adjust.AddOutputShift(layer is ReadoutLayer ? log.Name : log.FromNode, shift);
            current = Convert(options, adjust);
        }
        return current with { Adjustments = adjust };
    }

    /// <summary>
    /// How close <paramref name="conversion"/> comes to the ANN at the window on the first <paramref name="images"/> calibration
    /// images (all when null).
    /// </summary>
    public WindowAgreement Measure(ConversionResult conversion, int? images = null)
    {
        ArgumentNullException.ThrowIfNull(conversion);
        int n = Math.Min(images ?? Count, Count);
        SimulationResult sim = Simulate(conversion.Network, n);
        int size = _targets.MeanLogits.Length;
        double sum = 0;
        for (int b = 0; b < n; b++)
        {
            float[] y = sim.Outputs[b];
            for (int k = 0; k < size; k++)
            {
                double d = y[k] - _targets.Logits[b * size + k];
                sum += d * d;
            }
        }
        return new WindowAgreement(sum / n, sim.AccuracyAt(sim.Timesteps), sim.TotalSynapticEventsPerImage, n);
    }

    private ConversionResult Convert(ConversionOptions options, LayerAdjustments adjust) =>
        Converter.Convert(_prepared, _stats, options, _passes, adjust);

    /// <summary>The network on the first n images for the window, analog input, labelled by the ANN's class.</summary>
    private SimulationResult Simulate(SpikingNetwork network, int n)
    {
        var batch = new DataBatch(_images, _targets.Labels, n);
        // A sequence network presents each element for the window.
        int steps = (int)(SequencePresentation.Read(network)?.TotalSteps ?? Window);
        var simulation = new SimulationOptions { Timesteps = steps, KeepOutputs = true, ChunkSize = 16 };
        return Simulators.ChooseFor(network).Run(network, [batch], simulation);
    }

    /// <summary>Steps layer <paramref name="l"/> runs: the window, or every element's window of a sequence but the last state's.</summary>
    private int StepsRun(SpikingNetwork network, int l) => SequencePresentation.Read(network)?.StepsOf(l) ?? Window;

    /// <summary>
    /// Per neuron: the ANN's mean activation minus the mean value the population's spikes encoded over the <paramref name="steps"/>
    /// it ran. A recurrent layer's activations hold a value per sequence element and neuron: its target is their mean over the
    /// elements, which its spikes over every element's window encode.
    /// </summary>
    private static float[] NeuronShift(SimulationResult sim, int l, ConvertedLayer log, double[] target, int count, int steps)
    {
        long[] spikes = sim.NeuronSpikes[l];
        int plane = log.Shape.Size / log.Shape.Channels, elements = target.Length / spikes.Length;
        var shift = new float[spikes.Length];
        for (int j = 0; j < spikes.Length; j++)
        {
            float u = log.SpikeValue[log.SpikeValue.Count == 1 ? 0 : j / plane];
            double mean = 0;
            for (int e = 0; e < elements; e++) mean += target[e * spikes.Length + j];
            shift[j] = (float)(mean / elements - (double)spikes[j] / count / steps * u);
        }
        return shift;
    }

    private static float[] MeanOutputs(SimulationResult sim, int size)
    {
        var mean = new double[size];
        foreach (float[] y in sim.Outputs)
        {
            for (int k = 0; k < size; k++) mean[k] += y[k];
        }
        return mean.Select(m => (float)(m / sim.Outputs.Count)).ToArray();
    }

    /// <summary>The ANN on the calibration images: mean activation per neuron of every population's node, and the logits.</summary>
    private sealed class AnnTargets
    {
        private readonly Dictionary<string, double[]> _means = [];

        public AnnTargets(ModelGraph graph, float[] images, int count, AnnExecutorOptions? executorOptions)
        {
            var executor = new AnnExecutor(graph, executorOptions);
            Node[] watched = graph.Nodes.Where(n => Calibration.NeedsStatistics(graph, n) && n is not InputNode).ToArray();
            foreach (Node n in watched) _means[n.Name] = new double[n.OutputShape.Size];
            int inSize = graph.Input.OutputShape.Size, outSize = graph.Output.OutputShape.Size;
            Logits = new float[count * outSize];
            const int Batch = 64;
            for (int start = 0; start < count; start += Batch)
            {
                int n = Math.Min(Batch, count - start);
                AnnActivations acts = executor.ForwardAll(images.AsSpan(start * inSize, n * inSize), n);
                foreach (Node node in watched)
                {
                    float[] a = acts.Of(node);
                    double[] sum = _means[node.Name];
                    for (int b = 0; b < n; b++)
                    {
                        for (int j = 0; j < sum.Length; j++) sum[j] += Math.Max(0f, a[b * sum.Length + j]);
                    }
                }
                acts.Output.AsSpan(0, n * outSize).CopyTo(Logits.AsSpan(start * outSize));
            }
            foreach (double[] sum in _means.Values)
            {
                for (int j = 0; j < sum.Length; j++) sum[j] /= count;
            }
            Labels = new int[count];
            MeanLogits = new float[outSize];
            for (int b = 0; b < count; b++)
            {
                ReadOnlySpan<float> y = Logits.AsSpan(b * outSize, outSize);
                Labels[b] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(y);
                for (int k = 0; k < outSize; k++) MeanLogits[k] += y[k] / count;
            }
        }

        /// <summary>count × outputs logits.</summary>
        public float[] Logits { get; }

        public float[] MeanLogits { get; }

        /// <summary>The ANN's class of each image.</summary>
        public int[] Labels { get; }

        public double[] MeanActivation(string node) => _means.TryGetValue(node, out double[]? m)
            ? m
            : throw new InvalidModelException($"node '{node}': no ANN activations were collected for it");
    }
}
