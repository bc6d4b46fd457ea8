using System.ComponentModel;
using System.Globalization;
using Ann2Snn.Nir;
using Ann2Snn.Snn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary><c>ann2snn import net.nir -o net.snn</c>: a NIR graph as a network our backends simulate.</summary>
public sealed class ImportCommand(IAnsiConsole console) : Command<ImportCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<NIR>")]
        [Description("A NIR file (HDF5), as written by nir.write, snnTorch, Norse, Sinabs, … or ann2snn export.")]
        public string Nir { get; init; } = "";

        [CommandOption("-o|--output <FILE>")]
        [Description("Where to write the network (.snn).")]
        public string Output { get; init; } = "";

        [CommandOption("--dt <SECONDS>")]
        [Description("Seconds per simulation step: time constants are divided by it (default: the file's dt metadata, else 1e-4).")]
        public string? Dt { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Output)
                ? Spectre.Console.ValidationResult.Error("option '--output': required (the .snn file to write)")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        double? dt = null;
        if (settings.Dt is { } text)
        {
            dt = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d > 0 && double.IsFinite(d)
                ? d
                : throw new InvalidOptionException($"option '--dt': '{ThrowHelper.Printable(text, 40)}' is not a positive number of "
                    + $"seconds");
        }
        NirGraph graph = NirFile.Read(settings.Nir);
        SpikingNetwork network;
        try
        {
            network = NirImporter.Import(graph, Path.GetFileNameWithoutExtension(settings.Nir), dt);
        }
        catch (Ann2SnnException e) when (e is InvalidModelException or UnsupportedOperatorException)
        {
            throw e is UnsupportedOperatorException
                ? new UnsupportedOperatorException($"{settings.Nir}: {e.Message}")
                : new InvalidModelException($"{settings.Nir}: {e.Message}", e);
        }
        SnnFile.Save(network, settings.Output);
        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                nir = settings.Nir,
                output = settings.Output,
                name = network.Name,
                input_shape = network.InputShape.ToArray(),
                layers = network.Layers.Select(l => new { name = l.Name, kind = l.Kind, shape = l.Shape.ToArray() }),
            });
            return CliApp.ExitOk;
        }
        var table = new Table().Border(TableBorder.Rounded).Title($"{Markup.Escape(settings.Nir)} → {Markup.Escape(settings.Output)}");
        table.AddColumn("layer");
        table.AddColumn("kind");
        table.AddColumn("shape");
        foreach (SpikingLayer l in network.Layers) table.AddRow(Markup.Escape(l.Name), l.Kind, Markup.Escape(l.Shape.ToString()));
        console.Write(table);
        console.MarkupLine($"input {Markup.Escape(network.InputShape.ToString())}; wrote [bold]{Markup.Escape(settings.Output)}[/]");
        return CliApp.ExitOk;
    }
}
