using System.ComponentModel;
using Ann2Snn.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn demo</c>: the main job on the bundled default. Shows the bundled MNIST network, converts it
/// (calibrated on the bundled training images), and evaluates ANN and SNN on the 10,000 bundled test images.
/// </summary>
public sealed class DemoCommand(IAnsiConsole console) : Command<DemoCommand.Settings>
{
    public sealed class Settings : EvalSettings
    {
        [CommandOption("--model <MODEL>")]
        [Description("The network to demonstrate (default: the bundled models/mnist_lenet_bn.onnx).")]
        public string? Model { get; init; }

        /// <summary>The demo always writes a report, to reports/demo unless --report says otherwise.</summary>
        protected override string? DefaultReport => "reports/demo";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string model = settings.Model ?? BundledFiles.Model("mnist_lenet_bn.onnx");
        if (!settings.Json)
        {
            // With --json, stdout is the one JSON object alone.
            console.Write(new Rule("[bold]Ann2Snn demo[/]").LeftJustified());
            console.MarkupLine($"model [bold]{Markup.Escape(model)}[/]: {OnnxImporter.Load(model).TotalMacs:N0} MACs per image");
        }
        return EvalRunner.Run(console, model, settings, cancellationToken);
    }
}
