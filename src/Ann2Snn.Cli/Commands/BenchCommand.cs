using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn bench MODEL --data mnist --timesteps 32</c>: converts once, then times each simulator backend on the same
/// images: a warm-up run of each, then <see cref="Settings.Repetitions"/> rounds in which every backend runs once, in turn,
/// so that a change in the machine's load falls on all backends alike; the median run of each is reported.
/// </summary>
public sealed class BenchCommand(IAnsiConsole console) : Command<BenchCommand.Settings>
{
    /// <summary>Default timed rounds; the median is reported.</summary>
    public const int DefaultRepetitions = 5;

    /// <summary>Images of the warm-up run.</summary>
    public const int WarmupImages = 256;

    public sealed class Settings : RunSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("An ONNX model (converted once with the default options) or a converted network (.snn).")]
        public string Model { get; init; } = "";

        [CommandOption("-T|--timesteps <T>")]
        [Description("Steps per image (default 32).")]
        public int Timesteps { get; init; } = 32;

        [CommandOption("--images <N>")]
        [Description("Test images per timed run (default 1000).")]
        public int Images { get; init; } = 1000;

        [CommandOption("--backends <LIST>")]
        [Description("Comma-separated backends to time (default dense,layered,event).")]
        public string Backends { get; init; } = "dense,layered,event";

        [CommandOption("--repetitions <N>")]
        [Description("Timed rounds (each runs every backend once, interleaved); the median is reported (default 5).")]
        public int Repetitions { get; init; } = DefaultRepetitions;

        [CommandOption("--save <NET.snn>")]
        [Description("Also write the converted network (for the PyTorch reference in bench/).")]
        public string? Save { get; init; }

        public override ValidationResult Validate()
        {
            if (Timesteps <= 0) return ValidationResult.Error($"option '--timesteps': {Timesteps} must be positive");
            if (Images <= 0) return ValidationResult.Error($"option '--images': {Images} must be positive");
            if (Repetitions is <= 0 or > 1000) return ValidationResult.Error($"option '--repetitions': {Repetitions} must be in 1..1000");
            return base.Validate();
        }
    }

    private sealed record Measurement(string Backend, double Seconds, int Images, double Accuracy, double EventsPerImage,
        double SpikesPerImage, double SamePredictions, double LayerSpikeDeviation)
    {
        public double ImagesPerSecond => Images / Seconds;
        public double EventsPerSecond => EventsPerImage * Images / Seconds;
        public double NsPerEvent => EventsPerImage <= 0 ? double.NaN : Seconds * 1e9 / (EventsPerImage * Images);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string[] backends = settings.Backends.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string b in backends)
        {
            if (!Simulators.RateCoded.Contains(b)) ConversionSettings.Bad<int>("--backends", b, string.Join(", ", Simulators.RateCoded));
        }
        if (backends.Length == 0) ConversionSettings.Bad<int>("--backends", settings.Backends, string.Join(", ", Simulators.RateCoded));
        var simulation = new SimulationOptions
        {
            Timesteps = settings.Timesteps,
            Input = settings.InputEncodingOption() ?? InputEncoding.Analog,
            MaxDegreeOfParallelism = settings.Threads
        };
        simulation.Validate();
        InputPreprocessing preprocessing = settings.Preprocessing();
        IDataset test = settings.OpenData(DatasetSplit.Test);
        int images = Math.Min(test.Count, Math.Min(settings.Images, settings.Limit ?? int.MaxValue));

        SpikingNetwork network;
        PreprocessedDataset data;
        if (settings.Model.EndsWith(SnnFile.Extension, StringComparison.OrdinalIgnoreCase))
        {
            network = SnnFile.Load(settings.Model);
            data = PreprocessedDataset.For(test, preprocessing.Over(PreprocessingMetadata.Read(network)), network.InputShape,
                $"network '{network.Name}'");
        }
        else
        {
            ModelGraph graph = OnnxImporter.Load(settings.Model);
            ConversionOptions conversion = settings.ToConversionOptions();
            data = AnnEvaluator.Prepare(graph, test, preprocessing);
            IDataset? calib = settings.OpenCalibration(conversion) is { } c ? AnnEvaluator.Prepare(graph, c, preprocessing, "calib") : null;
            network = ConversionPipeline.Run(graph, calib, conversion, null,
                new AnnExecutorOptions { MaxDegreeOfParallelism = settings.Threads }).Network;
            network = PreprocessingMetadata.Write(network, preprocessing);
        }
        if (SynapseMetadata.Read(network) is { } stored)
        {
            simulation = simulation with { Synapse = stored.Model, TauSyn = stored.TauSyn ?? simulation.TauSyn };
        }
        simulation = settings.WithSynapse(simulation);
        if (settings.Save is not null) SnnFile.Save(network, settings.Save);

        // Load the images once, so that reading and decoding stay out of the timed runs.
        List<DataBatch> batches = data.Batches(settings.BatchSize, images).ToList();
        // Enough work for the JIT to reach its optimized code in every hot loop before the timed runs.
        List<DataBatch> warmup = data.Batches(settings.BatchSize, Math.Min(WarmupImages, images)).ToList();
        ISimulator[] simulators = backends.Select(name => Simulators.Create(name, network)).ToArray();
        foreach (ISimulator simulator in simulators) simulator.Run(network, warmup, simulation, null, cancellationToken);
        var runs = simulators.Select(_ => new List<(double Seconds, SimulationResult Result)>()).ToArray();
        for (int r = 0; r < settings.Repetitions; r++)
        {
            for (int k = 0; k < simulators.Length; k++)
            {
                long start = Stopwatch.GetTimestamp();
                SimulationResult result = simulators[k].Run(network, batches, simulation, null, cancellationToken);
                runs[k].Add((Stopwatch.GetElapsedTime(start).TotalSeconds, result));
            }
        }
        var results = new List<Measurement>();
        for (int k = 0; k < simulators.Length; k++)
        {
            var (seconds, median) = runs[k].OrderBy(x => x.Seconds).ElementAt(settings.Repetitions / 2);
            // Agreement with the first backend (the reference when dense comes first): identical predictions, and the
            // largest relative difference in a layer's spike count.
            SimulationResult first = runs[0][0].Result;
            double same = median.Predictions.Zip(first.Predictions).Count(p => p.First == p.Second)
                / (double)Math.Max(1, median.Predictions.Count);
            double deviation = median.LayerSpikes.Zip(first.LayerSpikes)
                .Max(p => p.Second == 0 ? (p.First == 0 ? 0 : 1) : Math.Abs(p.First - p.Second) / (double)p.Second);
            results.Add(new Measurement(simulators[k].Name, seconds, median.Images, median.AccuracyAt(settings.Timesteps),
                median.TotalSynapticEventsPerImage, median.SpikesPerImage, same, deviation));
        }
        // The speed-up is the median over rounds of the ratio within a round: the two runs of a round share the machine's load.
        double? SpeedUp(string fast, string slow)
        {
            int f = Array.FindIndex(simulators, x => x.Name == fast), s = Array.FindIndex(simulators, x => x.Name == slow);
            return f < 0 || s < 0 ? null
                : Enumerable.Range(0, settings.Repetitions).Select(r => runs[s][r].Seconds / runs[f][r].Seconds).Order()
                    .ElementAt(settings.Repetitions / 2);
        }
        double? speedup = SpeedUp("event", "dense"), overLayered = SpeedUp("event", "layered"),
            layeredOverDense = SpeedUp("layered", "dense");

        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                model = settings.Model,
                data = data.Description,
                images,
                timesteps = settings.Timesteps,
                batch = settings.BatchSize,
                threads = settings.Threads == 0 ? Environment.ProcessorCount : settings.Threads,
                repetitions = settings.Repetitions,
                input_adaptation = InputNotes.Adaptation(data),
                backends = results.Select(m => new
                {
                    backend = m.Backend,
                    seconds = m.Seconds,
                    images_per_second = m.ImagesPerSecond,
                    synaptic_events_per_image = m.EventsPerImage,
                    synaptic_events_per_second = m.EventsPerSecond,
                    ns_per_synaptic_event = double.IsNaN(m.NsPerEvent) ? (double?)null : m.NsPerEvent,
                    spikes_per_image = m.SpikesPerImage,
                    accuracy = m.Accuracy,
                    same_predictions_as_first = m.SamePredictions,
                    max_layer_spike_deviation_from_first = m.LayerSpikeDeviation,
                }).ToArray(),
                event_over_dense = speedup,
                event_over_layered = overLayered,
                layered_over_dense = layeredOverDense,
            });
            return CliApp.ExitOk;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{Markup.Escape(Path.GetFileName(settings.Model))} on {Markup.Escape(data.Description)}: {images:N0} images, "
                + $"T={settings.Timesteps}, median of {settings.Repetitions} interleaved rounds");
        table.AddColumn("backend");
        foreach (string h in new[] { "images/s", "synaptic events/s", "ns/event", "events/image", "accuracy",
            $"same predictions as {results[0].Backend}", "max layer spike Δ" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }
        foreach (Measurement m in results)
        {
            table.AddRow(m.Backend, m.ImagesPerSecond.ToString("N1", CultureInfo.InvariantCulture),
                m.EventsPerSecond.ToString("E3", CultureInfo.InvariantCulture),
                double.IsNaN(m.NsPerEvent) ? "—" : m.NsPerEvent.ToString("F2", CultureInfo.InvariantCulture),
                m.EventsPerImage.ToString("N0", CultureInfo.InvariantCulture),
                $"{100 * m.Accuracy:F2} %", $"{100 * m.SamePredictions:F2} %", $"{100 * m.LayerSpikeDeviation:F3} %");
        }
        console.Write(table);
        InputNotes.PrintAdaptation(console, data);
        foreach (var (label, ratio) in new[] { ("event/dense", speedup), ("event/layered", overLayered),
            ("layered/dense", layeredOverDense) })
        {
            if (ratio is double r) console.MarkupLine($"{label}: [bold]{r:F2}×[/] (median over rounds of the ratio within a round)");
        }
        return CliApp.ExitOk;
    }
}
