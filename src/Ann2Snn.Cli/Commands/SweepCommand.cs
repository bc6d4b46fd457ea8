using System.ComponentModel;
using System.Diagnostics;
using Ann2Snn.Cli.Scale;
using Ann2Snn.Evaluation;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Ann2Snn.Cli.Commands;

/// <summary>
/// <c>ann2snn sweep SPEC --out DIR</c>: every configuration of a sweep spec (<see cref="SweepSpec"/>), one result file each,
/// skipping those already done; <c>--shard i/n</c> runs part of them, <c>--slurm</c> hands them to a Slurm job array.
/// </summary>
public sealed class SweepCommand(IAnsiConsole console) : Command<SweepCommand.Settings>
{
    public sealed class Settings : ParallelSettings
    {
        [CommandArgument(0, "<SPEC>")]
        [Description("The sweep spec (sweep.json): models, data, options to combine (any option of eval/convert), seeds, shards.")]
        public string Spec { get; init; } = "";

        [CommandOption("--out <DIR>")]
        [Description("Output folder: results/ (one file per configuration and image shard), and with --slurm the scripts and logs/.")]
        public string Out { get; init; } = "";

        [CommandOption("--shard <I/N>")]
        [Description("Run only part i of n of the sweep's runs (0 ≤ i < n); auto: from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or "
            + "JOB_COMPLETION_INDEX/JOB_COMPLETIONS.")]
        public string? Shard { get; init; }

        [CommandOption("--slurm")]
        [Description("Write a Slurm job array (one task per run) and a merge job that waits for it, and submit both with sbatch.")]
        public bool Slurm { get; init; }

        [CommandOption("--partition <P>")]
        [Description("With --slurm: the partition.")]
        public string? Partition { get; init; }

        [CommandOption("--time <T>")]
        [Description("With --slurm: the time limit of each task (e.g. 01:00:00).")]
        public string? Time { get; init; }

        [CommandOption("--cpus-per-task <C>")]
        [Description("With --slurm: CPUs per task (each run uses them as its --threads).")]
        public int? CpusPerTask { get; init; }

        [CommandOption("--dry-run")]
        [Description("With --slurm: write and print the scripts, submit nothing.")]
        public bool DryRun { get; init; }

        [CommandOption("--command <CMD>")]
        [Description("With --slurm: how the nodes run ann2snn (default: as this process was started).")]
        public string? Command { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("option '--out': required (the sweep's output folder)");
            bool slurmOnly = Partition is not null || Time is not null || Command is not null || CpusPerTask is not null || DryRun;
            if (!Slurm && slurmOnly)
            {
                return ValidationResult.Error(
                    "options '--partition', '--time', '--cpus-per-task', '--command' and '--dry-run' need --slurm");
            }
            if (Slurm && Shard is not null) return ValidationResult.Error("option '--shard': the Slurm array gives each task its shard");
            if (CpusPerTask is <= 0) return ValidationResult.Error($"option '--cpus-per-task': {CpusPerTask} must be positive");
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SweepSpec spec = SweepSpec.Read(settings.Spec, settings.Threads);
        if (settings.Slurm) return Submit(settings, spec);
        Shard? part = settings.Shard is { } s ? Shard.Parse(s, Environment.GetEnvironmentVariable, "--shard") : null;
        SweepRunner.Outcome o = SweepRunner.Run(console, settings.Json, spec, settings.Out, part, cancellationToken);
        string results = Path.Combine(settings.Out, SweepRunner.ResultsFolder);
        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                spec = settings.Spec,
                configurations = spec.Configurations.Count,
                shards = spec.Shards,
                runs = o.Units,
                shard = part?.ToString(),
                this_shard = o.Mine,
                ran = o.Ran,
                already_done = o.Skipped,
                results,
            });
            return CliApp.ExitOk;
        }
        console.MarkupLine($"sweep: {spec.Configurations.Count} configurations × {spec.Shards} image shards = {o.Units} runs"
            + (part is { } p ? $"; shard {p} takes {o.Mine}" : "") + $"; ran {o.Ran}, {o.Skipped} already done");
        console.MarkupLine($"results in [bold]{Markup.Escape(results)}[/]; combine them with "
            + $"[bold]ann2snn merge {Markup.Escape(settings.Out)} -o {Markup.Escape(Path.Combine(settings.Out, "merged.json"))} "
            + $"--report {Markup.Escape(Path.Combine(settings.Out, "report"))}[/]");
        return CliApp.ExitOk;
    }

    /// <summary>Writes the array and merge scripts into --out, and submits them with sbatch unless --dry-run or it is missing.</summary>
    private int Submit(Settings settings, SweepSpec spec)
    {
        string outDir = Path.GetFullPath(settings.Out);
        Directory.CreateDirectory(Path.Combine(outDir, SlurmScripts.LogsFolder));
        SlurmScripts scripts = SlurmScripts.For(settings.Command ?? SlurmScripts.ThisCommand(), Path.GetFullPath(settings.Spec), outDir,
            SweepRunner.Units(spec).Count, settings.Partition, settings.Time, settings.CpusPerTask);
        string array = Path.Combine(outDir, SlurmScripts.ArrayFile), merge = Path.Combine(outDir, SlurmScripts.MergeFile);
        ShardFile.WriteAtomically(array, scripts.Array, overwrite: true);
        ShardFile.WriteAtomically(merge, scripts.Merge, overwrite: true);
        string? sbatch = settings.DryRun ? null : FindOnPath("sbatch");
        string? arrayJob = null, mergeJob = null;
        if (sbatch is not null)
        {
            arrayJob = SubmitJob(sbatch, array);
            mergeJob = SubmitJob(sbatch, merge, $"--dependency=afterok:{arrayJob}");
        }
        if (settings.Json)
        {
            CliJson.Write(console, new
            {
                array_script = array,
                merge_script = merge,
                tasks = scripts.Tasks,
                submitted = arrayJob is not null,
                array_job = arrayJob,
                merge_job = mergeJob,
                merged = Path.Combine(outDir, "merged.json"),
            });
            return CliApp.ExitOk;
        }
        if (settings.DryRun)
        {
            console.Profile.Out.Writer.Write($"# {array}\n{scripts.Array}\n# {merge}\n{scripts.Merge}");
            console.Profile.Out.Writer.Flush();
            return CliApp.ExitOk;
        }
        console.MarkupLine(arrayJob is null
            ? $"[yellow]sbatch is not on PATH[/]: wrote {Markup.Escape(array)} and {Markup.Escape(merge)}; submit with "
                + $"[bold]sbatch {Markup.Escape(array)}[/], then [bold]sbatch --dependency=afterok:JOBID {Markup.Escape(merge)}[/]"
            : $"submitted array job {arrayJob} ({scripts.Tasks} tasks) and merge job {mergeJob}; "
                + $"the result will be {Markup.Escape(Path.Combine(outDir, "merged.json"))}");
        return CliApp.ExitOk;
    }

    /// <summary>Runs <c>sbatch --parsable [extra] script</c>; returns the job id.</summary>
    private static string SubmitJob(string sbatch, string script, string? extra = null)
    {
        var start = new ProcessStartInfo(sbatch) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--parsable");
        if (extra is not null) start.ArgumentList.Add(extra);
        start.ArgumentList.Add(script);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOptionException($"sbatch {script}: exit {process.ExitCode}: {error.ReplaceLineEndings(" ").Trim()}");
        }
        return output.Trim().Split(';')[0];
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
