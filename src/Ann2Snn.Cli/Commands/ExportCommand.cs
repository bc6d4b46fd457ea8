using System.ComponentModel;
using Ann2Snn.Export;
using Ann2Snn.Nir;
using Ann2Snn.Snn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn export NET.snn|MODEL.onnx --format nir -o net.nir [--target CHIP [--force]]</c>: the network as NIR (HDF5),
/// with a warning line for each thing NIR cannot say; with a target, the verdict table, and no file unless the network
/// meets the chip's limits or <c>--force</c> is given.
/// </summary>
public sealed class ExportCommand(IAnsiConsole console) : Command<ExportCommand.Settings>
{
    public sealed class Settings : NirSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("Output format: nir (the Neuromorphic Intermediate Representation, HDF5).")]
        public string Format { get; init; } = "";

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the exported network (.nir).")]
        public string Output { get; init; } = "";

        [CommandOption("--force")]
        [Description("Write the file even when the network does not meet --target's limits.")]
        public bool Force { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Output) ? Spectre.Console.ValidationResult.Error("option '--output': required (the .nir file to "
                + "write)")
            : Format != "nir" ? Spectre.Console.ValidationResult.Error($"option '--format': '{Format}' is not one of nir")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        NirExportOptions options = settings.ExportOptions();
        HardwareTarget? target = settings.TargetOption();
        SpikingNetwork network = settings.Load(console);
        ConstraintReport? report = target is null ? null : ConstraintChecker.Check(network, target, options);
        if (report is not null && !settings.Json) TargetOutput.Print(console, report);
        if (report is { Passes: false } && !settings.Force)
        {
            throw new UnsupportedOperatorException($"target '{target!.Name}': {report.AllProblems.First()}"
                + $"{(report.AllProblems.Count() > 1 ? $" (and {report.AllProblems.Count() - 1} more)" : "")}; nothing written "
                + "(--force writes it anyway)");
        }
        NirExport export = NirExporter.Export(network, options);
        NirFile.Write(export.Graph, settings.Output);
        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                net = settings.Net,
                output = settings.Output,
                format = "nir",
                dt = options.Dt,
                nodes = export.Graph.Nodes.Count,
                edges = export.Graph.Edges.Count,
                warnings = export.Warnings,
                target = report is null ? null : TargetOutput.Json(report),
            });
            return CliApp.ExitOk;
        }
        foreach (string warning in export.Warnings) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        console.MarkupLine($"wrote [bold]{Markup.Escape(settings.Output)}[/]: {export.Graph.Nodes.Count} NIR nodes, "
            + $"{export.Graph.Edges.Count} edges, dt = {options.Dt:G4} s per step");
        return CliApp.ExitOk;
    }
}
