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

        [CommandOption("--shard <I/N>")]
        [Description("Evaluate only shard i of n of the test images (0 ≤ i < n; auto: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT "
            + "or JOB_COMPLETION_INDEX/JOB_COMPLETIONS). --json then carries what 'ann2snn merge' needs to add the shards up into "
            + "the whole run's result, bit for bit.")]
        public string? Shard { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Shard is not null && Report is not null
                ? Spectre.Console.ValidationResult.Error("option '--report': a shard writes no report; give it to 'ann2snn merge'")
                : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        settings.Shard is { } shard
            ? EvalRunner.Run(console, settings.Model, settings, cancellationToken,
                Ann2Snn.Evaluation.Shard.Parse(shard, Environment.GetEnvironmentVariable, "--shard"))
            : EvalRunner.Run(console, settings.Model, settings, cancellationToken);
}
