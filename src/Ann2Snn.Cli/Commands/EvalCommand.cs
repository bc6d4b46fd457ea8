using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Ann2Snn.Analysis;
using Ann2Snn.Ann;
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Graph;
using Ann2Snn.Onnx;
using Ann2Snn.Reports;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>Simulation options on the command line.</summary>
public class EvalSettings : ConversionSettings
{
    [CommandOption("-T|--timesteps <T>")]
    [Description("Observation window T in steps (default 256).")]
    public int Timesteps { get; init; } = 256;

    [CommandOption("--at <LIST>")]
    [Description("Comma-separated T values to report (default: every power of two up to T, and T).")]
    public string? At { get; init; }


    [CommandOption("--seed <SEED>")]
    [Description("Seed of the Poisson input (default 1).")]
    public int Seed { get; init; } = 1;

    [CommandOption("--bias <MODE>")]
    [Description("current (constant background current) | neuron (a bias neuron firing at --bias-rate).")]
    public string Bias { get; init; } = "current";

    [CommandOption("--bias-rate <RATE>")]
    [Description("Bias neuron rate in spikes per step (default 0.5).")]
    public float BiasRate { get; init; } = 0.5f;

    [CommandOption("--synapse <MODEL>")]
    [Description("delta | exp (exponential current synapse with --tau-syn).")]
    public string Synapse { get; init; } = "delta";

    [CommandOption("--ttfs-window <W>")]
    [Description("Steps per layer window of the time-to-first-spike code (default 32); T = (depth + 1)·W.")]
    public int TtfsWindow { get; init; } = 32;

    [CommandOption("--backend <NAME>")]
    [Description("Simulator: dense (time-stepped) | layered (dense, one layer at a time over all steps) | event (event-driven, cost ∝ synaptic events) | ttfs | auto (default; ttfs for --input ttfs).")]
    public string Backend { get; init; } = "auto";

    [CommandOption("--ann <MODEL>")]
    [Description("With a .snn network: the ONNX model it came from, for the ANN accuracy beside it.")]
    public string? Ann { get; init; }

    [CommandOption("--report <DIR>")]
    [Description("Write a report (index.html with plots, report.json, CSV tables, manifest.json) into DIR.")]
    public string? Report { get; init; }

    /// <summary>Where the report goes when --report is not given (null: no report).</summary>
    protected virtual string? DefaultReport => null;

    /// <summary>The report folder: --report, or the command's default.</summary>
    public string? ReportDir => Report ?? DefaultReport;

    [CommandOption("--tau-syn <STEPS>")]
    [Description("Synaptic time constant in steps (default 5).")]
    public float TauSyn { get; init; } = 5f;

    public SimulationOptions ToSimulationOptions() => new()
    {
        Timesteps = Timesteps,
        Input = InputEncodingOption() ?? InputEncoding.Analog,
        TtfsWindow = TtfsWindow,
        Seed = Seed,
        Bias = Bias switch { "current" => BiasMode.Current, "neuron" => BiasMode.Neuron, _ => Bad<BiasMode>("--bias", Bias, "current, neuron") },
        BiasNeuronRate = BiasRate,
        Synapse = Synapse switch { "delta" => SynapseModel.Delta, "exp" => SynapseModel.Exponential, _ => Bad<SynapseModel>("--synapse", Synapse, "delta, exp") },
        TauSyn = TauSyn,
        MaxDegreeOfParallelism = Threads,
    };

    /// <summary>The T values to report: the list given, or every power of two below T and T itself.</summary>
    public int[] ReportSteps()
    {
        if (Timesteps <= 0) Bad<int>("--timesteps", Timesteps.ToString(CultureInfo.InvariantCulture), "positive integers");
        if (At is null)
        {
            var steps = new List<int>();
            for (int t = 1; t < Timesteps; t *= 2) steps.Add(t);
            steps.Add(Timesteps);
            return steps.ToArray();
        }
        var list = new List<int>();
        foreach (string part in At.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int t) || t < 1 || t > Timesteps)
            {
                Bad<int>("--at", part, $"integers in 1..{Timesteps} (--timesteps)");
            }
            list.Add(t);
        }
        if (list.Count == 0) Bad<int>("--at", At, "a comma-separated list of steps");
        return list.Distinct().Order().ToArray();
    }
}

/// <summary><c>ann2snn eval MODEL --data mnist --timesteps 256</c>: ANN accuracy, SNN accuracy against T, spikes and synaptic operations.</summary>
public sealed class EvalCommand(IAnsiConsole console) : Command<EvalCommand.Settings>
{
    public sealed class Settings : EvalSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("An ONNX model (converted on the fly) or a converted network (.snn).")]
        public string Model { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        EvalRunner.Run(console, settings.Model, settings, cancellationToken);
}

/// <summary>Shared by eval and demo: load or convert, evaluate the ANN, simulate, print.</summary>
internal static class EvalRunner
{
    private static string Joules(double j) => j >= 1e-3 ? $"{j * 1e3:F2} mJ" : j >= 1e-6 ? $"{j * 1e6:F2} µJ" : $"{j * 1e9:F2} nJ";

    public static int Run(IAnsiConsole console, string model, EvalSettings settings, CancellationToken cancellationToken)
    {
        int[] report = settings.ReportSteps();
        SimulationOptions simulation = settings.ToSimulationOptions();
        simulation.Validate();
        IDataset data = settings.OpenData(DatasetSplit.Test);
        int images = settings.Count(data);

        var executorOptions = new AnnExecutorOptions { MaxDegreeOfParallelism = settings.Threads };
        ModelGraph? graph = null;
        ConversionResult? converted = null;
        SpikingNetwork network;
        if (model.EndsWith(SnnFile.Extension, StringComparison.OrdinalIgnoreCase))
        {
            network = SnnFile.Load(model);
            if (!network.InputShape.Equals(data.SampleShape))
            {
                ThrowHelper.InvalidOption("data", $"{data.Description} has samples of shape {data.SampleShape}, but network '{network.Name}' takes {network.InputShape}");
            }
            if (settings.Ann is not null) graph = OnnxImporter.Load(settings.Ann);
            // The encoding chosen at conversion time, unless --input overrides it.
            if (settings.Input is null && network.Metadata.TryGetValue(ConversionSettings.InputEncodingKey, out string? stored))
            {
                simulation = simulation with { Input = ConversionSettings.ParseInput(stored, "input_encoding (in the .snn file)") };
            }
        }
        else
        {
            graph = OnnxImporter.Load(model);
            ConversionOptions conversion = settings.ToConversionOptions();
            AnnEvaluator.CheckCompatible(graph, data);
            IDataset? calib = settings.OpenCalibration(conversion);
            converted = Progress.Run(console, settings.Json, $"calibrating on {calib?.Description ?? "weights"}", Math.Min(calib?.Count ?? 0, conversion.CalibrationImages),
                p => ConversionPipeline.Run(graph, calib, conversion, p, executorOptions));
            network = converted.Network;
        }
        AnnEvaluation? ann = graph is null ? null : Progress.Run(console, settings.Json, $"ANN on {data.Description}", images,
            p => AnnEvaluator.Evaluate(new AnnExecutor(graph, executorOptions), data, settings.BatchSize, settings.Limit, p, cancellationToken));
        if (!Simulators.Names.Contains(settings.Backend)) ConversionSettings.Bad<int>("--backend", settings.Backend, string.Join(", ", Simulators.Names));
        ISimulator simulator;
        double? pilotRate = null;
        if (simulation.Input == InputEncoding.Ttfs && settings.Backend == "auto")
        {
            simulator = new TtfsSimulator();
        }
        else if (settings.Backend == "auto")
        {
            // Choose from the firing rate measured on the first few images.
            DataBatch pilot = data.Batches(Simulators.PilotImages, Math.Min(Simulators.PilotImages, images)).First();
            (simulator, double rate) = Simulators.ChooseByPilot(network, pilot, simulation);
            pilotRate = rate;
        }
        else
        {
            simulator = Simulators.Create(settings.Backend, network);
        }
        if (simulation.Input == InputEncoding.Ttfs)
        {
            // The window, not --timesteps, sets the length of a time-to-first-spike run: report over its real length.
            long total = TtfsSimulator.TotalSteps(network, simulation.TtfsWindow);
            simulation = simulation with { Timesteps = (int)Math.Min(total, SimulationOptions.MaxTimesteps) };
            report = new EvalSettings { Timesteps = simulation.Timesteps }.ReportSteps();
        }
        SimulationResult snn = Progress.Run(console, settings.Json, $"SNN ({simulator.Name}, T={simulation.Timesteps}) on {data.Description}", images,
            p => simulator.Run(network, data.Batches(settings.BatchSize, settings.Limit), simulation, p, cancellationToken));

        var latency = AccuracyLatency.Of(snn);
        EnergyEstimate[]? energy = graph is null ? null : EnergyProfile.BuiltIn.Select(p => EnergyEstimate.For(snn, network, graph, p)).ToArray();
        string? reportPath = null;
        if (settings.ReportDir is { } reportDir)
        {
            var inputs = new ReportInputs(model, data.Description, ReportSample.Read(data, settings.BatchSize, settings.Limit), network, snn, simulation, simulator, report)
            {
                Conversion = converted,
                ConversionOptions = converted is null ? null : settings.ToConversionOptions(),
                Ann = graph,
                AnnAccuracy = ann?.Accuracy,
            };
            ReportData reportData = Progress.Run(console, settings.Json, "report (agreement, bias/variance, plots)", 0,
                _ => ReportBuilder.Build(inputs, cancellationToken));
            reportPath = ReportWriter.Write(reportData, reportDir);
        }
        if (settings.Json)
        {
            console.WriteLine(JsonSerializer.Serialize(new
            {
                model,
                data = data.Description,
                images = snn.Images,
                timesteps = simulation.Timesteps,
                input = simulation.Input.ToString().ToLowerInvariant(),
                backend = simulator.Name,
                pilot_rate = pilotRate,
                ann_accuracy = ann?.Accuracy,
                report = reportPath,
                snn_accuracy = report.ToDictionary(t => t.ToString(CultureInfo.InvariantCulture), snn.AccuracyAt),
                spikes_per_image = snn.SpikesPerImage,
                synaptic_events_per_image = snn.TotalSynapticEventsPerImage,
                latency = new { p50 = latency.P50, p90 = latency.P90, p99 = latency.P99, mean = latency.Mean },
                energy = energy?.Select(e => new
                {
                    profile = e.Profile.Name,
                    snn_joules_per_image = e.SnnJoules,
                    ann_joules_per_image = e.AnnJoules,
                    ann_over_snn = e.Ratio,
                }).ToArray(),
                layers = network.Layers.Select((l, i) => new
                {
                    name = l.Name,
                    kind = l.Kind,
                    neurons = l.Shape.Size,
                    spikes_per_image = snn.Images == 0 ? 0 : (double)snn.LayerSpikes[i] / snn.Images,
                    rate = snn.Images == 0 ? 0 : (double)snn.LayerSpikes[i] / snn.Images / l.Shape.Size / simulation.Timesteps,
                    synaptic_events_per_image = snn.SynapticEventsPerImage(i),
                }).ToArray(),
            }, CliJson.Options));
            return CliApp.ExitOk;
        }

        console.MarkupLine(converted is null
            ? $"[bold]{Markup.Escape(Path.GetFileName(model))}[/]: {network.Layers.Count} spiking layers"
            : $"[bold]{Markup.Escape(Path.GetFileName(model))}[/] → {network.Layers.Count} spiking layers; passes: {Markup.Escape(converted.PassesApplied.Count == 0 ? "none needed" : string.Join(", ", converted.PassesApplied.Distinct()))}");
        console.MarkupLine($"accuracy on {Markup.Escape(data.Description)}, {snn.Images:N0} images, {simulation.Input.ToString().ToLowerInvariant()} input, {simulator.Name} backend{(pilotRate is double r ? $" (auto: pilot rate {r:F3} spikes/neuron/step)" : "")}");
        var accuracy = new Table().Border(TableBorder.Rounded);
        accuracy.AddColumn(new TableColumn("T").RightAligned());
        accuracy.AddColumn(new TableColumn("SNN").RightAligned());
        accuracy.AddColumn(new TableColumn("ANN").RightAligned());
        accuracy.AddColumn(new TableColumn("SNN − ANN").RightAligned());
        foreach (int t in report)
        {
            if (ann is null)
            {
                accuracy.AddRow(t.ToString(CultureInfo.InvariantCulture), $"{100 * snn.AccuracyAt(t):F2} %", "—", "—");
                continue;
            }
            double d = 100 * (snn.AccuracyAt(t) - ann.Accuracy);
            string color = d >= -0.1 ? "green" : d >= -1 ? "yellow" : "red";
            accuracy.AddRow(t.ToString(CultureInfo.InvariantCulture), $"{100 * snn.AccuracyAt(t):F2} %", $"{100 * ann.Accuracy:F2} %", $"[{color}]{d:+0.00;-0.00;0.00} pp[/]");
        }
        console.Write(accuracy);

        var layers = new Table().Border(TableBorder.Rounded).Title($"activity per image over T={simulation.Timesteps}");
        layers.AddColumn("layer");
        layers.AddColumn("kind");
        layers.AddColumn(new TableColumn("neurons").RightAligned());
        layers.AddColumn(new TableColumn("λ").RightAligned());
        layers.AddColumn(new TableColumn("spikes").RightAligned());
        layers.AddColumn(new TableColumn("rate").RightAligned());
        layers.AddColumn(new TableColumn("synaptic events").RightAligned());
        for (int i = 0; i < network.Layers.Count; i++)
        {
            SpikingLayer l = network.Layers[i];
            ConvertedLayer? info = converted?.Layers.FirstOrDefault(c => c.Name == l.Name);
            double spikes = snn.Images == 0 ? 0 : (double)snn.LayerSpikes[i] / snn.Images;
            layers.AddRow(
                Markup.Escape(l.Name),
                l.Kind,
                l.Shape.Size.ToString("N0"),
                info is null || float.IsNaN(info.Scale) || l is ReadoutLayer ? "" : info.Scale.ToString("G4", CultureInfo.InvariantCulture),
                l is ReadoutLayer ? "" : spikes.ToString("N0"),
                l is ReadoutLayer ? "" : (spikes / l.Shape.Size / simulation.Timesteps).ToString("P2"),
                l is ReadoutLayer ? "" : snn.SynapticEventsPerImage(i).ToString("N0"));
        }
        layers.AddEmptyRow();
        layers.AddRow("[bold]total[/]", "", "", "", $"[bold]{snn.SpikesPerImage:N0}[/]", "", $"[bold]{snn.TotalSynapticEventsPerImage:N0}[/]");
        console.Write(layers);
        console.MarkupLine($"latency to a stable answer: median {latency.P50} steps, 90 % by {latency.P90}, 99 % by {latency.P99}");
        if (graph is not null && energy is not null)
        {
            console.MarkupLine($"ANN: {graph.TotalMacs:N0} MACs per image; SNN: {snn.TotalSynapticEventsPerImage:N0} synaptic events per image over T={simulation.Timesteps}");
            console.MarkupLine("energy per image: E_SNN = E_s × synaptic events (+ the analog first layer's MACs), E_ANN = MACs × E_MAC");
            var joules = new Table().Border(TableBorder.Rounded);
            joules.AddColumn("profile");
            joules.AddColumn(new TableColumn("SNN").RightAligned());
            joules.AddColumn(new TableColumn("ANN").RightAligned());
            joules.AddColumn(new TableColumn("ANN / SNN").RightAligned());
            foreach (EnergyEstimate e in energy)
            {
                joules.AddRow(Markup.Escape(e.Profile.Name), Joules(e.SnnJoules), Joules(e.AnnJoules), e.Ratio.ToString("F2", CultureInfo.InvariantCulture));
            }
            console.Write(joules);
        }
        if (reportPath is not null) console.MarkupLine($"report: [link]{Markup.Escape(reportPath)}[/]");
        return CliApp.ExitOk;
    }
}
