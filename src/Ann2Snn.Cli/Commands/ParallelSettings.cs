using System.ComponentModel;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>Options of commands that run work on several threads.</summary>
public class ParallelSettings : GlobalSettings
{
    [CommandOption("--threads <N>")]
    [Description("Worker threads (default: all cores).")]
    public int Threads { get; init; }

    public override Spectre.Console.ValidationResult Validate() =>
        Threads < 0 ? Spectre.Console.ValidationResult.Error($"option '--threads': {Threads} must not be negative") : base.Validate();
}
