using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn eval MODEL --data mnist --timesteps 256</c>: ANN accuracy, SNN accuracy against T, spikes and synaptic operations.
/// </summary>
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
