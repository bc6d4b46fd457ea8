using System.ComponentModel;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("Print the full detail of unexpected errors.")]
    public bool Verbose { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object instead of tables.")]
    public bool Json { get; init; }
}
