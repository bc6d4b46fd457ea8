using Ann2Snn.Export;
using Ann2Snn.Nir;
using Ann2Snn.Snn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn check NET.snn|MODEL.onnx --target CHIP</c>: the per-layer verdict table against a chip's published limits;
/// exit 0 when the network meets them, 2 when it does not.
/// </summary>
public sealed class CheckCommand(IAnsiConsole console) : Command<NirSettings>
{
    public override int Execute(CommandContext context, NirSettings settings, CancellationToken cancellationToken)
    {
        HardwareTarget target = settings.TargetOption() ?? throw new InvalidOptionException(
            $"option '--target': required; one of {string.Join(", ", HardwareTargets.Names)}");
        NirExportOptions options = settings.ExportOptions();
        SpikingNetwork network = settings.Load(console);
        ConstraintReport report = ConstraintChecker.Check(network, target, options);
        if (settings.Json) CliJson.Write(console, TargetOutput.Json(report));
        else TargetOutput.Print(console, report);
        return report.Passes ? CliApp.ExitOk : CliApp.ExitBadInput;
    }
}
