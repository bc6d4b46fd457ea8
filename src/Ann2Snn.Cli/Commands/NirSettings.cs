using System.ComponentModel;
using System.Globalization;
using Ann2Snn.Export;
using Ann2Snn.Nir;
using Ann2Snn.Simulation;
using Ann2Snn.Snn;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// What export and check share: the network (a .snn file, or an ONNX model converted with the conversion options), the NIR
/// time step and synapse, and the chip to check against.
/// </summary>
public class NirSettings : ConversionSettings
{
    [CommandArgument(0, "<NET>")]
    [Description("A converted network (.snn) or an ONNX model (converted with the conversion options).")]
    public string Net { get; init; } = "";

    [CommandOption("--dt <SECONDS>")]
    [Description("Seconds per simulation step in the NIR file (time constants are in seconds; default 1e-4, as snnTorch and Lava).")]
    public string Dt { get; init; } = "1e-4";

    [CommandOption("--synapse <MODEL>")]
    [Description("delta (default) | exponential: LIF populations become CubaLIF nodes with τs = --tau-syn steps.")]
    public string Synapse { get; init; } = "delta";

    [CommandOption("--tau-syn <STEPS>")]
    [Description("Synaptic time constant in steps for --synapse exponential (default 5).")]
    public float TauSyn { get; init; } = 5f;

    [CommandOption("--target <CHIP>")]
    [Description("Check the network against a chip's published limits: loihi2 | spinnaker2 | speck | xylo | generic.")]
    public string? Target { get; init; }

    public NirExportOptions ExportOptions()
    {
        if (!double.TryParse(Dt, NumberStyles.Float, CultureInfo.InvariantCulture, out double dt) || !(dt > 0) || !double.IsFinite(dt))
        {
            throw new InvalidOptionException($"option '--dt': '{ThrowHelper.Printable(Dt, 40)}' is not a positive number of seconds");
        }
        var options = new NirExportOptions
        {
            Dt = dt,
            Synapse = Synapse switch
            {
                "delta" => SynapseModel.Delta,
                "exponential" => SynapseModel.Exponential,
                _ => Bad<SynapseModel>("--synapse", Synapse, "delta, exponential"),
            },
            TauSyn = TauSyn,
        };
        try
        {
            options.Validate();
        }
        catch (InvalidOptionException e)
        {
            throw new InvalidOptionException(e.Message.Replace("option '", "option '--", StringComparison.Ordinal));
        }
        return options;
    }

    public HardwareTarget? TargetOption() => Target is null ? null : HardwareTargets.Find(Target);

    /// <summary>The network: loaded from a .snn file (quantized when --weight-bits is given), or converted from an ONNX model.</summary>
    public SpikingNetwork Load(IAnsiConsole console)
    {
        if (!Net.EndsWith(SnnFile.Extension, StringComparison.OrdinalIgnoreCase))
        {
            return ConvertCommand.Convert(console, this, Net).Network;
        }
        SpikingNetwork network = SnnFile.Load(Net);
        return WeightBitsOption() is { } bits ? WeightQuantization.Quantize(network, bits, WeightScaleOption()) : network;
    }
}
