using Ann2Snn.Analysis;
using Ann2Snn.Simulation;

namespace Ann2Snn.Evaluation;

/// <summary>
/// The counts of an evaluation that add up over disjoint ranges of its images, and what fixes their meaning: correct answers
/// of the SNN at each reported T and of the ANN, spikes per layer and of the input, how many images became stable at each
/// step, out of <see cref="Images"/> images starting at <see cref="FirstImage"/> of <see cref="TotalImages"/>. Everything an
/// <see cref="EvaluationResult"/> reports per image (accuracy, activity, latency, energy) is computed from these counts by the
/// methods below, so the totals of the shards of a run, added by <see cref="Merge"/>, give the whole run's numbers bit for bit.
/// </summary>
public sealed record EvaluationTotals
{
    /// <summary>Index of the first image counted, in the whole (limited) test set.</summary>
    public required int FirstImage { get; init; }

    /// <summary>Images counted.</summary>
    public required int Images { get; init; }

    /// <summary>Images of the whole (limited) test set the shards divide.</summary>
    public required int TotalImages { get; init; }

    /// <summary>Steps simulated per image.</summary>
    public required int Timesteps { get; init; }

    /// <summary>The T values reported, ascending.</summary>
    public required IReadOnlyList<int> Steps { get; init; }

    /// <summary>Images the SNN classified correctly after each of <see cref="Steps"/>.</summary>
    public required IReadOnlyList<long> SnnCorrect { get; init; }

    /// <summary>Images the ANN classified correctly; null without an ANN.</summary>
    public int? AnnCorrect { get; init; }

    /// <summary>Each layer of the spiking network, in order, with its spikes.</summary>
    public required IReadOnlyList<LayerTotals> Layers { get; init; }

    /// <summary>Input spikes (0 for analog input).</summary>
    public required long InputSpikes { get; init; }

    /// <summary>Mean synapses one input spike reaches.</summary>
    public required double InputFanOut { get; init; }

    /// <summary>Spikes of the bias neurons (<see cref="SimulationResult.BiasSpikes"/>; 0 with bias currents).</summary>
    public long BiasSpikes { get; init; }

    /// <summary>Synaptic events of the bias neurons (<see cref="SimulationResult.BiasEvents"/>).</summary>
    public long BiasEvents { get; init; }

    /// <summary>
    /// Images per stable-from step t (1..T; see <see cref="SimulationResult.StableFrom"/>), the steps with none left out.
    /// </summary>
    public required IReadOnlyDictionary<int, int> StableFrom { get; init; }

    /// <summary>The networks' part of the energy estimates; null without an ANN.</summary>
    public EnergyBasis? Energy { get; init; }

    /// <summary>
    /// The totals of one simulation (and the ANN's evaluation on the same images, if any). A sequence network reports windows per
    /// element: <paramref name="correct"/> then gives the images right after each of <paramref name="steps"/> (one run per window;
    /// <paramref name="snn"/> is the longest), instead of the counts of <paramref name="snn"/> at those steps.
    /// </summary>
    public static EvaluationTotals Of(SimulationResult snn, IReadOnlyList<int> steps, IReadOnlyList<LayerTotals> layers, int? annCorrect,
        EnergyBasis? energy, int firstImage, int totalImages, IReadOnlyList<long>? correct = null)
    {
        ArgumentNullException.ThrowIfNull(snn);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(layers);
        return new EvaluationTotals
        {
            FirstImage = firstImage,
            Images = snn.Images,
            TotalImages = totalImages,
            Timesteps = snn.Timesteps,
            Steps = [.. steps],
            SnnCorrect = correct is null ? [.. steps.Select(t => snn.CorrectAt[t - 1])] : [.. correct],
            AnnCorrect = annCorrect,
            Layers = [.. layers],
            InputSpikes = snn.InputSpikes,
            InputFanOut = snn.InputFanOut,
            BiasSpikes = snn.BiasSpikes,
            BiasEvents = snn.BiasEvents,
            StableFrom = snn.StableFrom.GroupBy(t => t).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            Energy = energy,
        };
    }

    /// <summary>The ANN's accuracy, a fraction (null without an ANN).</summary>
    public double? AnnAccuracy => AnnCorrect is int c ? Images == 0 ? 0 : (double)c / Images : null;

    /// <summary>SNN (and ANN) accuracy at each of <see cref="Steps"/>.</summary>
    public IReadOnlyList<StepAccuracy> Accuracy() =>
        [.. Steps.Select((t, i) => new StepAccuracy(t, Images == 0 ? 0 : (double)SnnCorrect[i] / Images, AnnAccuracy))];

    /// <summary>Activity per layer (<see cref="PopulationActivity.Of(LayerTotals, int, int)"/>).</summary>
    public IReadOnlyList<PopulationActivity> Activity() => [.. Layers.Select(l => PopulationActivity.Of(l, Images, Timesteps))];

    /// <summary>Spikes of every layer per image.</summary>
    public double SpikesPerImage => SimulationResult.SpikesPerImageOf([.. Layers.Select(l => l.Spikes), BiasSpikes], Images);

    /// <summary>Synaptic events of every layer and of the input per image.</summary>
    public double SynapticEventsPerImage => SimulationResult.TotalEventsPerImage(
        [.. Layers.Select(l => l.Spikes)], [.. Layers.Select(l => l.FanOut)], InputSpikes, InputFanOut, Images)
        + SimulationResult.EventsPerImage(BiasEvents, 1, Images);

    /// <summary>MACs of every operator layer per image (<see cref="LayerTotals.MacsPerImage"/>).</summary>
    public double MacsPerImage => Layers.Sum(l => l.MacsPerImage(Images));

    /// <summary>The distribution of stable-from steps.</summary>
    public AccuracyLatency Latency() =>
        AccuracyLatency.Of([.. StableFrom.OrderBy(p => p.Key).SelectMany(p => Enumerable.Repeat(p.Key, p.Value))], Timesteps);

    /// <summary>The name the bias neurons' events go by in the energy estimates' layers.</summary>
    public const string BiasNeurons = "bias neurons";

    /// <summary>Energy per image under each of <paramref name="profiles"/> (default: the built-in ones); null without an ANN.</summary>
    public IReadOnlyList<EnergyEstimate>? EnergyEstimates(IReadOnlyList<EnergyProfile>? profiles = null)
    {
        if (Energy is not { } basis) return null;
        double? input = InputSpikes == 0 ? null : SimulationResult.EventsPerImage(InputSpikes, InputFanOut, Images);
        (string, double, double)[] layers =
            [.. Layers.Select(l => (l.Name, SimulationResult.EventsPerImage(l.Spikes, l.FanOut, Images), l.MacsPerImage(Images)))];
        if (BiasEvents > 0) layers = [.. layers, (BiasNeurons, SimulationResult.EventsPerImage(BiasEvents, 1, Images), 0.0)];
        return [.. (profiles ?? EnergyProfile.BuiltIn).Select(p => EnergyEstimate.For(basis, Timesteps, input, layers, p))];
    }

    /// <summary>
    /// The totals of the whole run from those of its shards (any order): the counts added. Throws
    /// <see cref="InvalidDatasetException"/> naming the parts (by <paramref name="names"/>, e.g. their files) when they are not
    /// of the same run (T, reported steps, layers, fan-outs, networks, ANN or not), overlap, or leave images out.
    /// </summary>
    public static EvaluationTotals Merge(IReadOnlyList<EvaluationTotals> parts, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(names);
        if (parts.Count == 0) ThrowHelper.InvalidDataset("merge: nothing to merge");
        if (names.Count != parts.Count) throw new ArgumentException("one name per part", nameof(names));
        int[] order = [.. Enumerable.Range(0, parts.Count).OrderBy(i => parts[i].FirstImage)];
        EvaluationTotals first = parts[order[0]];
        int next = 0;
        foreach (int i in order)
        {
            EvaluationTotals p = parts[i];
            string name = names[i];
            if (Difference(first, p) is { } what)
            {
                ThrowHelper.InvalidDataset($"{name} and {names[order[0]]} are not shards of the same evaluation: {what}");
            }
            if (p.FirstImage != next)
            {
                ThrowHelper.InvalidDataset(p.FirstImage < next
                    ? $"{name}: images {p.FirstImage}.. were counted already (overlapping shards)"
                    : $"{name}: images {next}..{p.FirstImage - 1} of {first.TotalImages} are in no shard");
            }
            next = p.FirstImage + p.Images;
        }
        if (next != first.TotalImages)
        {
            ThrowHelper.InvalidDataset(
                $"{names[order[^1]]}: images {next}..{first.TotalImages - 1} of {first.TotalImages} are in no shard");
        }
        EvaluationTotals[] sorted = [.. order.Select(i => parts[i])];
        var stable = new SortedDictionary<int, int>();
        foreach ((int t, int n) in sorted.SelectMany(p => p.StableFrom)) stable[t] = stable.GetValueOrDefault(t) + n;
        return first with
        {
            FirstImage = 0,
            Images = sorted.Sum(p => p.Images),
            SnnCorrect = [.. first.Steps.Select((_, k) => sorted.Sum(p => p.SnnCorrect[k]))],
            AnnCorrect = first.AnnCorrect is null ? null : sorted.Sum(p => p.AnnCorrect!.Value),
            Layers = [.. first.Layers.Select((l, k) => l with
            {
                Spikes = sorted.Sum(p => p.Layers[k].Spikes),
                OperatorMacs = sorted.Sum(p => p.Layers[k].OperatorMacs),
                OperatorOutputs = sorted.Sum(p => p.Layers[k].OperatorOutputs),
            })],
            InputSpikes = sorted.Sum(p => p.InputSpikes),
            BiasSpikes = sorted.Sum(p => p.BiasSpikes),
            BiasEvents = sorted.Sum(p => p.BiasEvents),
            StableFrom = stable.ToDictionary(),
        };
    }

    /// <summary>
    /// Throws <see cref="InvalidDatasetException"/> naming <paramref name="name"/> (e.g. the file they were read from) and the
    /// first count that cannot be: missing, negative, beyond the images, T or the steps, or not adding up.
    /// </summary>
    public void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        void Check(bool ok, string what)
        {
            if (!ok) ThrowHelper.InvalidDataset($"{name}: {what}");
        }
        Check(Images > 0 && FirstImage >= 0 && (long)FirstImage + Images <= TotalImages,
            $"images {FirstImage}..{(long)FirstImage + Images - 1} are not a range of the {TotalImages} images");
        Check(Timesteps is > 0 and <= SimulationOptions.MaxTimesteps, $"T = {Timesteps} is outside 1..{SimulationOptions.MaxTimesteps}");
        Check(Steps is { Count: > 0 } && Steps.All(t => t >= 1 && t <= Timesteps) && Steps.Zip(Steps.Skip(1)).All(p => p.First < p.Second),
            $"the steps are not ascending values in 1..{Timesteps}");
        Check(SnnCorrect is not null && SnnCorrect.Count == Steps.Count && SnnCorrect.All(c => c >= 0 && c <= Images),
            "the SNN's correct answers are not one count in 0..images per step");
        Check(AnnCorrect is null or >= 0 && AnnCorrect <= Images, $"the ANN's {AnnCorrect} correct answers are not in 0..{Images}");
        Check(Layers is not null && Layers.All(l => l is not null && l.Name is not null && l.Kind is not null && l.Neurons > 0
            && l.Spikes >= 0 && l.OperatorMacs >= 0 && l.OperatorOutputs >= 0 && double.IsFinite(l.FanOut) && l.FanOut >= 0),
            "a layer is missing, empty, or has negative counts");
        Check(InputSpikes >= 0 && double.IsFinite(InputFanOut) && InputFanOut >= 0, "the input's spikes or fan-out are negative");
        Check(BiasSpikes >= 0 && BiasEvents >= 0, "the bias neurons' spikes or events are negative");
        Check(StableFrom is not null && StableFrom.All(p => p.Key >= 1 && p.Key <= Timesteps && p.Value > 0)
            && StableFrom.Sum(p => (long)p.Value) == Images, $"the stable-from counts do not place each of the {Images} images in 1..T");
        Check(Energy is null || (Energy.AnalogInputMacs >= 0 && Energy.Neurons >= 0 && Energy.AnnMacs >= 0 && Energy.AnnOutputs >= 0),
            "the energy basis holds negative counts");
    }

    /// <summary>What makes <paramref name="b"/> part of another run than <paramref name="a"/>, or null.</summary>
    private static string? Difference(EvaluationTotals a, EvaluationTotals b)
    {
        if (a.TotalImages != b.TotalImages) return $"{a.TotalImages} against {b.TotalImages} images in all";
        if (a.Timesteps != b.Timesteps) return $"T = {a.Timesteps} against {b.Timesteps}";
        if (!a.Steps.SequenceEqual(b.Steps)) return $"steps {string.Join(",", a.Steps)} against {string.Join(",", b.Steps)}";
        if (b.SnnCorrect.Count != b.Steps.Count) return "a count of correct answers per step is missing";
        if ((a.AnnCorrect is null) != (b.AnnCorrect is null)) return "one has an ANN accuracy, the other none";
        if (a.Layers.Count != b.Layers.Count) return $"{a.Layers.Count} against {b.Layers.Count} layers";
        for (int l = 0; l < a.Layers.Count; l++)
        {
            if (!a.Layers[l].SameLayer(b.Layers[l])) return $"layer {l} is '{a.Layers[l].Name}' against '{b.Layers[l].Name}' or differs";
        }
        if (a.InputFanOut != b.InputFanOut) return "the input's fan-out differs";
        if (a.Energy != b.Energy) return "the networks' MACs or neuron counts differ";
        return null;
    }
}
