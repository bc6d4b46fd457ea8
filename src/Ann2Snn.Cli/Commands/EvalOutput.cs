using System.Globalization;
using Ann2Snn.Analysis;
using Ann2Snn.Conversion;
using Ann2Snn.Evaluation;
using Ann2Snn.Snn;
using Spectre.Console;

namespace Ann2Snn.Cli.Commands;

/// <summary>An <see cref="EvaluationResult"/> as eval's JSON object or its tables.</summary>
internal static class EvalOutput
{
    /// <summary>
    /// eval's JSON object. The values that count images (<see cref="Counts"/>) are computed from the result's totals, as merge
    /// computes them from the added totals of shards, so that the two agree bit for bit.
    /// </summary>
    public static object Json(EvaluationResult r, string? reportPath)
    {
        IReadOnlyDictionary<string, object?> c = Counts(r.Totals, r.Request.EnergyProfiles);
        SequencePresentation? sequence = SequencePresentation.Read(r.Network);
        return new
        {
            model = r.Model,
            data = r.Data,
            images = c["images"],
            timesteps = r.Simulation.Timesteps,
            sequence_length = sequence?.Length,
            window_per_element = sequence?.Window,
            recurrent_burst = RecurrentBurst(r.Network),
            input = InputEncodingMetadata.Name(r.Simulation.Input),
            backend = r.Simulator.Name,
            pilot_rate = r.PilotRate,
            optimized_for = r.Network.Metadata.TryGetValue(WindowTuning.WindowKey, out string? window)
                ? int.Parse(window, CultureInfo.InvariantCulture)
                : (int?)null,
            tuning = r.Conversion?.Choices,
            input_adaptation = InputNotes.Adaptation(r.Input),
            preprocessing = InputNotes.Json(r.Input.Preprocessing),
            ann_accuracy = c["ann_accuracy"],
            warnings = c["warnings"],
            rate_warnings = SlowRates(r).ToArray(),
            dt = r.Network.Layers.OfType<NeuronLayer>().Select(l => (float?)l.Neuron.Dt).FirstOrDefault(),
            synapse = Simulation.SynapseMetadata.Name(r.Simulation.Synapse),
            report = reportPath,
            snn_accuracy = c["snn_accuracy"],
            spikes_per_image = c["spikes_per_image"],
            synaptic_events_per_image = c["synaptic_events_per_image"],
            macs_per_image = c["macs_per_image"],
            latency = c["latency"],
            energy = c["energy"],
            layers = c["layers"],
        };
    }

    /// <summary>The keys of eval's JSON whose values count images, and their values, from <paramref name="t"/>.</summary>
    public static IReadOnlyDictionary<string, object?> Counts(EvaluationTotals t, IReadOnlyList<EnergyProfile>? profiles = null)
    {
        AccuracyLatency latency = t.Latency();
        return new Dictionary<string, object?>
        {
            ["images"] = t.Images,
            ["ann_accuracy"] = t.AnnAccuracy,
            ["warnings"] = InputNotes.Warnings(t.AnnAccuracy),
            ["snn_accuracy"] = t.Accuracy().ToDictionary(a => a.Timesteps.ToString(CultureInfo.InvariantCulture), a => a.Snn),
            ["spikes_per_image"] = t.SpikesPerImage,
            ["synaptic_events_per_image"] = t.SynapticEventsPerImage,
            ["macs_per_image"] = t.MacsPerImage,
            ["latency"] = new { p50 = latency.P50, p90 = latency.P90, p99 = latency.P99, mean = latency.Mean },
            ["energy"] = t.EnergyEstimates(profiles)?.Select(e => new
            {
                profile = e.Profile.Name,
                snn_joules_per_image = e.SnnJoules,
                ann_joules_per_image = e.AnnJoules,
                ann_over_snn = e.Ratio,
                snn_mac_share = e.MacShare,
            }).ToArray(),
            ["layers"] = t.Activity().Select(l => new
            {
                name = l.Name,
                kind = l.Kind,
                neurons = l.Neurons,
                spikes_per_image = l.SpikesPerImage,
                rate = l.Rate,
                synaptic_events_per_image = l.SynapticEventsPerImage,
                macs_per_image = l.MacsPerImage,
            }).ToArray(),
        };
    }

    /// <summary>The burst limit of the network's recurrent populations (those reading themselves); null without one.</summary>
    private static int? RecurrentBurst(SpikingNetwork network) =>
        network.Layers.Select((l, i) => (Layer: l, Index: i))
            .Where(x => x.Layer is NeuronLayer && SpikingNetwork.ProjectionsOf(x.Layer).Any(p => p.Source == x.Index))
            .Select(x => (int?)((NeuronLayer)x.Layer).Neuron.BurstLimit)
            .Max();

    public static void Print(IAnsiConsole console, EvaluationResult r, string? reportPath)
    {
        string name = Markup.Escape(Path.GetFileName(r.Model));
        int layerCount = r.Network.Layers.Count;
        console.MarkupLine(r.Conversion is not { } converted
            ? $"[bold]{name}[/]: {layerCount} spiking layers"
            : $"[bold]{name}[/] → {layerCount} spiking layers; passes: {Markup.Escape(Passes(converted.PassesApplied))}");
        foreach (string choice in r.Conversion?.Choices ?? []) console.MarkupLine($"[dim]tuned: {Markup.Escape(choice)}[/]");
        string pilot = r.PilotRate is double rate ? $" (auto: pilot rate {rate:F3} spikes/neuron/step)" : "";
        string input = InputEncodingMetadata.Name(r.Simulation.Input);
        console.MarkupLine($"accuracy on {Markup.Escape(r.Data)}, {r.Images:N0} images, {input} input, {r.Simulator.Name} backend{pilot}");
        InputNotes.PrintAdaptation(console, r.Input);
        if (SequencePresentation.Read(r.Network) is { } sequence)
        {
            console.MarkupLine($"sequence: {sequence.Length} elements, each presented for a window of W steps (W = T below; a run is "
                + $"{sequence.Length}·W steps); recurrent synapses delayed by one window; membranes at a window's start: "
                + sequence.Start.ToString().ToLowerInvariant()
                + (RecurrentBurst(r.Network) is { } burst && burst > 1
                    ? $"; recurrent neurons fire graded spikes, up to {burst} a step (W·{burst} levels per element)"
                    : ""));
        }
        if (!r.Input.Preprocessing.IsDefault)
        {
            console.MarkupLine($"[dim]input preprocessing: {Markup.Escape(r.Input.Preprocessing.ToString())}[/]");
        }
        console.Write(AccuracyTable(r));
        console.Write(ActivityTable(r));
        console.MarkupLine($"latency to a stable answer: median {r.Latency.P50} steps, 90 % by {r.Latency.P90}, 99 % by {r.Latency.P99}");
        if (r.Graph is not null && r.Energy is not null)
        {
            string macs = r.Snn.TotalMacsPerImage > 0 ? $" and {r.Snn.TotalMacsPerImage:N0} operator MACs" : "";
            console.MarkupLine($"ANN: {r.Graph.TotalMacs:N0} MACs per image; "
                + $"SNN: {r.Snn.TotalSynapticEventsPerImage:N0} synaptic events{macs} per image over T={r.Simulation.Timesteps}");
            console.MarkupLine("energy per image: E_SNN = E_s × synaptic events (+ E_MAC × the analog first layer's and the operators' "
                + "MACs), E_ANN = MACs × E_MAC");
            console.Write(EnergyTable(r.Energy));
        }
        InputNotes.PrintWarnings(console, r.AnnAccuracy);
        foreach (string warning in SlowRates(r)) console.MarkupLine($"[yellow]warning: {Markup.Escape(warning)}[/]");
        if (reportPath is not null) console.MarkupLine($"report: [link]{Markup.Escape(reportPath)}[/]");
    }

    /// <summary>
    /// With weight-only normalization (--norm model), λ is a bound no activation comes near, so rates are low: one warning naming
    /// each population whose neurons fire less than once on average in the whole window (rate·T &lt; 1), where the count cannot
    /// have converged to the activation.
    /// </summary>
    internal static IEnumerable<string> SlowRates(EvaluationResult r)
    {
        if (r.ConversionOptions?.Normalization != Conversion.NormalizationKind.Model) yield break;
        int t = r.Simulation.Timesteps;
        PopulationActivity[] slow = [.. r.Layers.Where(l => !l.IsReadout && l.Kind == "neurons" && l.Rate * t < 1)];
        if (slow.Length == 0) yield break;
        PopulationActivity worst = slow.MinBy(l => l.Rate)!;
        yield return $"--norm model: {slow.Length} of {r.Layers.Count(l => l.Kind == "neurons" && !l.IsReadout)} populations fire "
            + $"less than once per neuron in T = {t} (lowest: '{worst.Name}', {worst.Rate * t:G3} spikes per neuron, rate "
            + $"{worst.Rate:G3} per step): too slow to converge within T; use a data-based --norm (p99.9) or a longer T";
    }

    /// <summary>The passes a conversion applied, each once, or "none needed".</summary>
    private static string Passes(IReadOnlyList<string> applied) =>
        applied.Count == 0 ? "none needed" : string.Join(", ", applied.Distinct());

    private static Table AccuracyTable(EvaluationResult r)
    {
        var table = new Table().Border(TableBorder.Rounded);
        int elements = SequencePresentation.Read(r.Network)?.Length ?? 0;
        table.AddColumn(new TableColumn(elements > 0 ? "W" : "T").RightAligned());
        if (elements > 0) table.AddColumn(new TableColumn("steps").RightAligned());
        table.AddColumn(new TableColumn("SNN").RightAligned());
        table.AddColumn(new TableColumn("ANN").RightAligned());
        table.AddColumn(new TableColumn("SNN − ANN").RightAligned());
        foreach (StepAccuracy a in r.Accuracy)
        {
            string t = a.Timesteps.ToString(CultureInfo.InvariantCulture), snn = $"{100 * a.Snn:F2} %";
            string[] steps = elements > 0 ? [(elements * a.Timesteps).ToString("N0", CultureInfo.InvariantCulture)] : [];
            if (a.Ann is not double ann || a.Difference is not double difference)
            {
                table.AddRow([t, .. steps, snn, "—", "—"]);
                continue;
            }
            double d = 100 * difference;
            string color = d >= -0.1 ? "green" : d >= -1 ? "yellow" : "red";
            table.AddRow([t, .. steps, snn, $"{100 * ann:F2} %", $"[{color}]{d:+0.00;-0.00;0.00} pp[/]"]);
        }
        return table;
    }

    private static Table ActivityTable(EvaluationResult r)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"activity per image over T={r.Simulation.Timesteps}");
        table.AddColumn("layer");
        table.AddColumn("kind");
        table.AddColumn(new TableColumn("neurons").RightAligned());
        table.AddColumn(new TableColumn("λ").RightAligned());
        table.AddColumn(new TableColumn("spikes").RightAligned());
        table.AddColumn(new TableColumn("rate").RightAligned());
        table.AddColumn(new TableColumn("synaptic events").RightAligned());
        // Operator layers compute on accumulated values every step: their work is MACs, not events (shown when there are any).
        bool macs = r.Layers.Any(l => l.MacsPerImage > 0);
        if (macs) table.AddColumn(new TableColumn("MACs").RightAligned());
        foreach (PopulationActivity l in r.Layers)
        {
            bool op = l.Kind == "operator";
            string[] row =
            [
                Markup.Escape(l.Name),
                l.Kind,
                l.Neurons.ToString("N0"),
                l.Lambda is float lambda ? lambda.ToString("G4", CultureInfo.InvariantCulture) : "",
                l.IsReadout || op ? "" : l.SpikesPerImage.ToString("N0"),
                l.IsReadout || op ? "" : l.Rate.ToString("P2"),
                l.IsReadout || op ? "" : l.SynapticEventsPerImage.ToString("N0"),
            ];
            table.AddRow(macs ? [.. row, op ? l.MacsPerImage.ToString("N0") : ""] : row);
        }
        table.AddEmptyRow();
        string[] total = ["[bold]total[/]", "", "", "", $"[bold]{r.Snn.SpikesPerImage:N0}[/]", "",
            $"[bold]{r.Snn.TotalSynapticEventsPerImage:N0}[/]"];
        table.AddRow(macs ? [.. total, $"[bold]{r.Snn.TotalMacsPerImage:N0}[/]"] : total);
        return table;
    }

    private static Table EnergyTable(IEnumerable<EnergyEstimate> energy)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("profile");
        table.AddColumn(new TableColumn("SNN").RightAligned());
        table.AddColumn(new TableColumn("ANN").RightAligned());
        table.AddColumn(new TableColumn("ANN / SNN").RightAligned());
        table.AddColumn(new TableColumn("SNN share in MACs").RightAligned());
        foreach (EnergyEstimate e in energy)
        {
            string ratio = e.Ratio.ToString("F2", CultureInfo.InvariantCulture);
            table.AddRow(Markup.Escape(e.Profile.Name), Joules(e.SnnJoules), Joules(e.AnnJoules), ratio, e.MacShare.ToString("P1"));
        }
        return table;
    }

    private static string Joules(double j) => j >= 1e-3 ? $"{j * 1e3:F2} mJ" : j >= 1e-6 ? $"{j * 1e6:F2} µJ" : $"{j * 1e9:F2} nJ";
}
