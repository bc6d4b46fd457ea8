using Ann2Snn.Data;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>Options of commands that run an ANN over a labelled data set: the set, and how many images at a time.</summary>
public class DataSettings : DataSourceSettings, IImageRange
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
