using Ann2Snn.Data;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>Options of the commands that convert (or load) a network and run it over the test images.</summary>
public class RunSettings : NetworkSettings, IImageRange
{
    [CommandOption("--limit <N>")]
    [System.ComponentModel.Description(IImageRange.LimitHelp)]
    public int? Limit { get; init; }

    [CommandOption("--batch <N>")]
    [System.ComponentModel.Description(IImageRange.BatchHelp)]
    public int BatchSize { get; init; } = 256;

    public override Spectre.Console.ValidationResult Validate() => IImageRange.Check(this) ?? base.Validate();

    public int Count(IDataset data) => IImageRange.Count(this, data);
}
