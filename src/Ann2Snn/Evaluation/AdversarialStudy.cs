using System.Diagnostics;
using Ann2Snn.Adversarial;
using Ann2Snn.Ann;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;

namespace Ann2Snn.Evaluation;

/// <summary>
/// Adversarial robustness, transferred (M16): attacks crafted on the ANN (<see cref="Attacker"/>) at each budget ε, evaluated on
/// the ANN and on its spiking twin at several windows T on the same images; per ε the accuracies, the transfer rate, the
/// perturbations absorbed by spike-count quantization and the change of each layer's spike count.
/// </summary>
public static class AdversarialStudy
{
    /// <summary>
    /// Runs <paramref name="request"/> (validated first; a model with an op that has no gradient is refused before any work).
    /// </summary>
    public static AdversarialResult Run(AdversarialRequest request, IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        EvaluationRequest evaluation = request.Evaluation;
        if (evaluation.Input == InputEncoding.Ttfs || (evaluation.Input is null && evaluation.Simulation.Input == InputEncoding.Ttfs))
        {
            ThrowHelper.InvalidOption("input", "attacks are measured with rate-coded input: analog or poisson");
        }
        ModelGraph graph = LoadAnn(evaluation);
        var gradients = new AnnGradients(graph, evaluation.Executor);
        evaluation = evaluation.Converts ? evaluation with { Graph = graph, ModelPath = null } : evaluation with { Graph = graph };
        (SpikingNetwork network, _, _, PreprocessedDataset prepared) = Evaluator.Load(evaluation, progress);
        InputPreprocessing preprocessing = prepared.Preprocessing;
        IDataset source = evaluation.Data;
        var frontEnd = InputFrontEnd.For(source.SampleShape, graph.Input.OutputShape, preprocessing);
        var attacker = new Attacker(gradients, frontEnd, evaluation.Executor);
        string? layer = request.Attack.Method == AttackMethod.SignFlip ? attacker.SignFlipLayer(request.Attack.Layer).Name : null;

        (float[] clean, int[] labels) = ReadScaled(source, preprocessing, evaluation.Limit, request.Attack);
        int images = labels.Length, size = source.SampleShape.Size;
        int[] annClean = attacker.Predict(clean, images);

        InputEncoding input = evaluation.Input ?? InputEncodingMetadata.Read(network) ?? evaluation.Simulation.Input;
        SimulationOptions simulation = evaluation.Simulation with { Input = input };
        int[] windows = [.. request.Timesteps.Distinct().Order()];
        IDataset Spikes(float[] u) => PreprocessedDataset.For(new ArrayDataset(u, labels, source.SampleShape, source.Description),
            InputFrontEnd.ScaledOnly(preprocessing), network.InputShape, $"network '{network.Name}'");
        (ISimulator simulator, _) = Simulators.Choose(evaluation.Backend, network, simulation,
            () => Spikes(clean).Batches(Simulators.PilotImages, Math.Min(Simulators.PilotImages, images)).First());
        SimulationResult[] Simulate(float[] u, string what) => [.. windows.Select(t =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            string description = $"SNN ({simulator.Name}, T={t}) on {what}";
            progress?.Report(new EvaluationProgress(EvaluationStage.Snn, description, 0, images));
            var p = progress is null ? null : new Evaluator.StageProgress(progress, EvaluationStage.Snn, description, images);
            return simulator.Run(network, Spikes(u).Batches(evaluation.BatchSize), simulation with { Timesteps = t }, p, cancellationToken);
        })];
        SimulationResult[] snnClean = Simulate(clean, "clean images");

        int examples = Math.Min(request.Examples, images);
        var rows = new List<AdversarialRow>();
        var exampleAdversarial = new List<float[]>();
        var kept = new List<float[]>();
        double attackSeconds = 0;
        foreach (float epsilon in request.Epsilons)
        {
            AttackOptions options = request.Attack with { Epsilon = epsilon };
            long began = Stopwatch.GetTimestamp();
            (float[] adversarial, int[] annAdversarial, long active, long silenced) =
                Attack(attacker, options, clean, labels, size, evaluation.BatchSize, progress, cancellationToken);
            attackSeconds += Stopwatch.GetElapsedTime(began).TotalSeconds;
            SimulationResult[] snn = Simulate(adversarial, $"ε = {epsilon:g3}");
            rows.Add(Row(options, clean, adversarial, labels, annClean, annAdversarial, snnClean, snn, windows, size,
                layer is null ? null : (active, silenced)));
            exampleAdversarial.Add(adversarial[..(examples * size)]);
            if (request.KeepAdversarial) kept.Add(adversarial);
        }
        return new AdversarialResult
        {
            Request = request,
            Model = request.Evaluation.ModelPath ?? network.Name,
            Data = source.Description,
            Network = network,
            Simulator = simulator.Name,
            Input = input,
            Images = images,
            CleanAnnAccuracy = Accuracy(annClean, labels),
            CleanSnnAccuracy = [.. snnClean.Select(r => Accuracy([.. r.Predictions], labels))],
            Timesteps = windows,
            Rows = rows,
            Layers = [.. network.Layers.Select(l => l.Name)],
            SignFlipLayer = layer,
            ImageShape = source.SampleShape,
            ExampleImages = clean[..(examples * size)],
            ExampleLabels = labels[..examples],
            ExampleAdversarial = exampleAdversarial,
            Adversarial = kept,
            Labels = request.KeepAdversarial ? labels : [],
            FrontEnd = frontEnd,
            AttackSeconds = attackSeconds,
        };
    }

    /// <summary>The ANN to attack: the model converted in this run, or the ANN a converted network came from.</summary>
    private static ModelGraph LoadAnn(EvaluationRequest evaluation)
    {
        if (evaluation.Graph is { } graph) return graph;
        string? path = evaluation.Converts ? evaluation.ModelPath : evaluation.AnnPath;
        if (path is null)
        {
            ThrowHelper.InvalidOption("ann",
                "attacks are crafted on the ANN: give the ANN a converted network came from (--ann MODEL.onnx)");
        }
        return evaluation.GraphLoader!(path!);
    }

    /// <summary>The images as the data set gives them, scaled (not normalized), checked to lie in the attack's valid range.</summary>
    private static (float[] Images, int[] Labels) ReadScaled(IDataset source, InputPreprocessing preprocessing, int? limit,
        AttackOptions attack)
    {
        var scaled = PreprocessedDataset.For(source, preprocessing with { Mean = null, Std = null }, source.SampleShape, "data");
        var images = new List<float>();
        var labels = new List<int>();
        foreach (DataBatch batch in scaled.Batches(1024, limit))
        {
            images.AddRange(batch.Data.AsSpan(0, batch.Count * source.SampleShape.Size).ToArray());
            labels.AddRange(batch.Labels.AsSpan(0, batch.Count).ToArray());
        }
        float[] u = [.. images];
        float min = u.Length == 0 ? 0 : u.Min(), max = u.Length == 0 ? 0 : u.Max();
        if (min < attack.Min || max > attack.Max)
        {
            ThrowHelper.InvalidOption("range", $"{source.Description} holds values in [{min:g4}, {max:g4}], outside the valid range "
                + $"[{attack.Min:g4}, {attack.Max:g4}]; give the range the images live in");
        }
        return (u, [.. labels]);
    }

    private static (float[] Adversarial, int[] Predictions, long Active, long Silenced) Attack(Attacker attacker, AttackOptions options,
        float[] clean, int[] labels, int size, int batchSize, IProgress<EvaluationProgress>? progress, CancellationToken ct)
    {
        int images = labels.Length;
        var adversarial = new float[clean.Length];
        var predictions = new int[images];
        long active = 0, silenced = 0;
        string description = $"{options.Method.Name()} ε = {options.Epsilon:g3} on the ANN";
        progress?.Report(new EvaluationProgress(EvaluationStage.Ann, description, 0, images));
        for (int first = 0; first < images; first += batchSize)
        {
            ct.ThrowIfCancellationRequested();
            int n = Math.Min(batchSize, images - first);
            AttackBatch batch = attacker.Run(clean[(first * size)..((first + n) * size)], labels[first..(first + n)], first, options);
            batch.Adversarial.CopyTo(adversarial, first * size);
            batch.Predictions.CopyTo(predictions, first);
            active += batch.Active.Sum();
            silenced += batch.Silenced.Sum();
            progress?.Report(new EvaluationProgress(EvaluationStage.Ann, description, first + n, images));
        }
        return (adversarial, predictions, active, silenced);
    }

    private static AdversarialRow Row(AttackOptions options, float[] clean, float[] adversarial, int[] labels, int[] annClean,
        int[] annAdversarial, SimulationResult[] snnClean, SimulationResult[] snnAdversarial, int[] windows, int size,
        (long Active, long Silenced)? signFlip)
    {
        int images = labels.Length;
        var transfers = new List<AdversarialTransfer>();
        for (int k = 0; k < windows.Length; k++)
        {
            List<int> before = snnClean[k].Predictions, after = snnAdversarial[k].Predictions;
            int fooled = 0, transferred = 0, changed = 0, absorbed = 0;
            for (int i = 0; i < images; i++)
            {
                if (annClean[i] == labels[i] && annAdversarial[i] != labels[i])
                {
                    fooled++;
                    if (after[i] != labels[i]) transferred++;
                }
                if (annAdversarial[i] != annClean[i])
                {
                    changed++;
                    if (after[i] == before[i]) absorbed++;
                }
            }
            long[] cleanSpikes = snnClean[k].LayerSpikes, advSpikes = snnAdversarial[k].LayerSpikes;
            transfers.Add(new AdversarialTransfer(windows[k], Accuracy([.. after], labels),
                fooled == 0 ? null : (double)transferred / fooled, changed == 0 ? null : (double)absorbed / changed,
                [.. cleanSpikes.Select((c, l) => Change(c, advSpikes[l]))]));
        }
        double linf = 0, l2 = 0;
        for (int i = 0; i < images; i++)
        {
            double m = 0, s = 0;
            for (int j = i * size; j < (i + 1) * size; j++)
            {
                double d = Math.Abs(adversarial[j] - clean[j]);
                m = Math.Max(m, d);
                s += d * d;
            }
            linf += m;
            l2 += Math.Sqrt(s);
        }
        return new AdversarialRow(options.Epsilon, Accuracy(annAdversarial, labels), transfers, images == 0 ? 0 : linf / images,
            images == 0 ? 0 : l2 / images, signFlip is { } f ? (double)f.Active / images : null,
            signFlip is { } g ? (double)g.Silenced / images : null);
    }

    /// <summary>after / before − 1; zero for none before and after, infinite for spikes where there were none.</summary>
    private static double Change(long before, long after) =>
        before == 0 ? (after == 0 ? 0 : double.PositiveInfinity) : ((double)after / before) - 1;

    private static double Accuracy(int[] predictions, int[] labels) =>
        labels.Length == 0 ? 0 : (double)predictions.Where((p, i) => p == labels[i]).Count() / labels.Length;
}
