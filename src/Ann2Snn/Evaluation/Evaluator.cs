using Ann2Snn.Analysis;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Simulation.Ttfs;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// The library's one entry point for the whole job: load or convert the model, measure the ANN, simulate the SNN on
/// the same images, and summarize accuracy against T, activity, latency and energy in one <see cref="EvaluationResult"/>.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Runs <paramref name="request"/> (validated first, before any file is read). Progress goes to
    /// <paramref name="progress"/>, synchronously, on the thread doing the work.
    /// </summary>
    public static EvaluationResult Run(
        EvaluationRequest request, IProgress<EvaluationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        int total = Math.Min(request.Data.Count, request.Limit ?? int.MaxValue);
        (int first, int images) = request.Shard is { } shard ? shard.Range(total) : (0, total);
        if (images == 0)
        {
            ThrowHelper.InvalidOption("shard", $"{request.Shard}: {total:N0} images leave this shard empty; use at most {total:N0} shards");
        }
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        (SpikingNetwork network, ModelGraph? graph, ConversionResult? conversion, PreprocessedDataset data) = Load(request, progress);
        double? conversionSeconds = conversion is null ? null : System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        // The spiking network may take its input in another layout than the ANN (an input Transpose taken as the layout).
        SequencePresentation? sequence = SequencePresentation.Read(network);
        PreprocessedDataset spikes = graph is null || SampleShapeOf(network).Equals(graph.Input.OutputShape)
            ? data
            : PreprocessedDataset.For(request.Data, data.Preprocessing, SampleShapeOf(network), $"network '{network.Name}'");
        // A shard runs its range of the images; the limit is in the range, the pilot run reads the whole set's first images.
        IDataset annImages = request.Shard is null ? data : new DatasetRange(data, first, images);
        IDataset snnImages = request.Shard is null ? spikes : new DatasetRange(spikes, first, images);
        int? limit = request.Shard is null ? request.Limit : null;
        InputEncoding input = request.Input ?? InputEncodingMetadata.Read(network) ?? request.Simulation.Input;
        SimulationOptions simulation = WithStoredSynapse(request, network, request.Simulation with { Input = input });
        if (request.Duration is { } duration) simulation = simulation with { Timesteps = StepsOf(duration, network) };

        cancellationToken.ThrowIfCancellationRequested();
        AnnEvaluation? ann = graph is null ? null : request.KnownAnn ?? Stage(progress, EvaluationStage.Ann, $"ANN on {data.Description}",
            images, p => AnnEvaluator.Evaluate(
                new AnnExecutor(graph, request.Executor), annImages, request.BatchSize, limit, p, cancellationToken));

        cancellationToken.ThrowIfCancellationRequested();
        if (sequence is not null)
        {
            // T is the window per element: the network converted (or loaded) for one window runs at each reported window.
            network = SequencePresentation.WithWindow(network, simulation.Timesteps);
            sequence = SequencePresentation.Read(network)!;
            if (sequence.TotalSteps > SimulationOptions.MaxTimesteps)
            {
                ThrowHelper.InvalidOption("timesteps", $"{sequence.Length} sequence elements × T = {sequence.Window} is "
                    + $"{sequence.TotalSteps:N0} steps, over the limit of {SimulationOptions.MaxTimesteps:N0}");
            }
        }
        (ISimulator simulator, double? pilotRate) = Simulators.Choose(request.Backend, network,
            sequence is null ? simulation : simulation with { Timesteps = (int)sequence.TotalSteps },
            () => spikes.Batches(Simulators.PilotImages, Math.Min(Simulators.PilotImages, total)).First());
        IReadOnlyList<int> steps = request.Steps is { } given
            ? [.. given.Distinct().Order()]
            : EvaluationRequest.DefaultSteps(simulation.Timesteps);
        if (steps[^1] > simulation.Timesteps)
        {
            ThrowHelper.InvalidOption("steps", $"T = {steps[^1]} is outside 1..{simulation.Timesteps} (the duration's steps)");
        }
        if (simulation.Input == InputEncoding.Ttfs)
        {
            // The window, not Timesteps, sets the length of a time-to-first-spike run: report over its real length.
            long length = TtfsSimulator.TotalSteps(network, simulation.TtfsWindow);
            simulation = simulation with { Timesteps = (int)Math.Min(length, SimulationOptions.MaxTimesteps) };
            // The output layer answers in the last window only: an earlier step has no answer to report.
            steps = [simulation.Timesteps];
        }
        SimulationResult Simulate(SpikingNetwork net, int timesteps, string label) => Stage(progress, EvaluationStage.Snn,
            $"SNN ({simulator.Name}, {label}) on {data.Description}", images, p => simulator.Run(net,
                snnImages.Batches(request.BatchSize, limit), simulation with { FirstImage = first, Timesteps = timesteps }, p,
                cancellationToken));
        SimulationResult snn;
        IReadOnlyList<long>? windowCorrect = null;
        if (sequence is not null)
        {
            // One run per reported window (the recurrent delays are one window long), the longest last: its counts are the run's.
            var correct = new List<long>();
            snn = null!;
            foreach (int w in steps)
            {
                SimulationResult r = Simulate(SequencePresentation.WithWindow(network, w), sequence.Length * w,
                    $"W={w} × {sequence.Length} elements");
                correct.Add(r.CorrectAt[r.Timesteps - 1]);
                snn = r;
            }
            windowCorrect = correct;
            simulation = simulation with { Timesteps = (int)sequence.TotalSteps };
        }
        else
        {
            snn = Simulate(network, simulation.Timesteps, $"T={simulation.Timesteps}");
        }
        LayerTotals[] layers = [.. network.Layers.Select((l, i) => Totals(PopulationActivity.Of(l, i, snn, conversion), snn, i))];
        EnergyBasis? energy = graph is null ? null : EnergyBasis.Of(network, graph);
        EvaluationTotals totals = EvaluationTotals.Of(snn, steps, layers, ann?.Correct, energy, first, total, windowCorrect);

        return new EvaluationResult
        {
            Request = request,
            Input = data,
            Model = request.ModelPath ?? network.Name,
            Network = network,
            Graph = graph,
            Conversion = conversion,
            ConversionSeconds = conversionSeconds,
            AnnEvaluation = ann,
            Simulator = simulator,
            PilotRate = pilotRate,
            Simulation = simulation,
            Steps = steps,
            Snn = snn,
            Totals = totals,
            Accuracy = totals.Accuracy(),
            Layers = totals.Activity(),
            Latency = totals.Latency(),
            Energy = totals.EnergyEstimates(request.EnergyProfiles),
        };
    }

    /// <summary>
    /// The shape of one sample of <paramref name="network"/>'s data: its input shape, or [L, …] of it for a network that takes
    /// sequences of L elements.
    /// </summary>
    public static Tensors.Shape SampleShapeOf(SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return SequencePresentation.Read(network) is { } sequence
            ? new Tensors.Shape([sequence.Length, .. network.InputShape])
            : network.InputShape;
    }

    /// <summary>
    /// The request's synapse model and τs over those <paramref name="network"/> stores (<see cref="SynapseMetadata"/>), over
    /// <paramref name="simulation"/>'s.
    /// </summary>
    private static SimulationOptions WithStoredSynapse(EvaluationRequest request, SpikingNetwork network, SimulationOptions simulation)
    {
        (SynapseModel Model, float? TauSyn)? stored = SynapseMetadata.Read(network);
        return simulation with
        {
            Synapse = request.Synapse ?? stored?.Model ?? simulation.Synapse,
            TauSyn = request.TauSyn ?? stored?.TauSyn ?? simulation.TauSyn,
        };
    }

    /// <summary>
    /// The steps of a run of <paramref name="duration"/> time units at the step Δt of <paramref name="network"/>'s neurons (1 without
    /// any): max(1, round(duration/Δt)); throws <see cref="InvalidOptionException"/> beyond <see cref="SimulationOptions.MaxTimesteps"/>.
    /// </summary>
    public static int StepsOf(double duration, SpikingNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        double dt = network.Layers.OfType<NeuronLayer>().Select(l => (double)l.Neuron.Dt).DefaultIfEmpty(1).First();
        double steps = Math.Max(1, Math.Round(duration / dt));
        if (steps > SimulationOptions.MaxTimesteps)
        {
            ThrowHelper.InvalidOption("duration", $"{duration} at Δt = {dt} is {steps:N0} steps, over the limit of "
                + $"{SimulationOptions.MaxTimesteps:N0}");
        }
        return (int)steps;
    }

    /// <summary>Layer <paramref name="index"/>'s totals: what <paramref name="activity"/> says it is, and its spikes in the run.</summary>
    private static LayerTotals Totals(PopulationActivity activity, SimulationResult snn, int index) => new(
        activity.Name, activity.Kind, activity.Neurons, activity.IsReadout, activity.Lambda, snn.LayerSpikes[index], snn.FanOut[index],
        snn.OperatorMacs[index], snn.OperatorOutputs[index]);

    /// <summary>
    /// The network to simulate (loaded, given, or converted from the ANN), the ANN, if any, and the test images as they take
    /// them: the request's preprocessing over the one a loaded network stores, calibration images alike.
    /// </summary>
    internal static (SpikingNetwork Network, ModelGraph? Graph, ConversionResult? Conversion, PreprocessedDataset Data) Load(
        EvaluationRequest request, IProgress<EvaluationProgress>? progress)
    {
        if (request.Converts)
        {
            ModelGraph graph = request.Graph ?? request.GraphLoader!(request.ModelPath!);
            PreprocessedDataset data = AnnEvaluator.Prepare(graph, request.Data, request.Preprocessing);
            ConversionOptions options = request.Conversion;
            // A recurrent model converts for a window per element: the evaluation's T unless the request says otherwise.
            if (graph.Nodes.Any(n => n is RecurrentNode) && options.SequenceWindow is null && options.Window is null)
            {
                options = options with { SequenceWindow = request.Simulation.Timesteps };
            }
            IDataset? calibration = request.Conversion.Normalization.NeedsCalibration() && request.Calibration is { } calib
                ? AnnEvaluator.Prepare(graph, calib, request.Preprocessing, "calib")
                : null;
            int total = Math.Min(calibration?.Count ?? 0, request.Conversion.CalibrationImages);
            string calibrating = $"calibrating on {calibration?.Description ?? "weights"}";
            ConversionResult conversion = Stage(progress, EvaluationStage.Conversion, calibrating, total,
                p => ConversionPipeline.Run(graph, calibration, options, p, request.Executor));
            return (conversion.Network, graph, conversion, data);
        }
        SpikingNetwork network = request.Network ?? SnnFile.Load(request.ModelPath!);
        InputPreprocessing preprocessing = request.Preprocessing.Over(PreprocessingMetadata.Read(network));
        PreprocessedDataset input = PreprocessedDataset.For(request.Data, preprocessing, SampleShapeOf(network),
            $"network '{network.Name}'");
        ModelGraph? ann = request.Graph ?? (request.AnnPath is { } path ? request.GraphLoader!(path) : null);
        return (network, ann, null, input);
    }

    /// <summary>Runs one stage: reports its start, then forwards its image counts.</summary>
    private static T Stage<T>(
        IProgress<EvaluationProgress>? progress, EvaluationStage stage, string description, int total, Func<IProgress<int>?, T> work)
    {
        if (progress is null) return work(null);
        progress.Report(new EvaluationProgress(stage, description, 0, total));
        return work(new StageProgress(progress, stage, description, total));
    }

    /// <summary>Image counts of one stage as <see cref="EvaluationProgress"/>, reported synchronously (no reordering).</summary>
    internal sealed class StageProgress(IProgress<EvaluationProgress> progress, EvaluationStage stage, string description, int total)
        : IProgress<int>
    {
        public void Report(int value) => progress.Report(new EvaluationProgress(stage, description, value, total));
    }
}
