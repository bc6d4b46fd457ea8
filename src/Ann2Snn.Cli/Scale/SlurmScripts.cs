using System.Globalization;
using System.Text;

namespace Ann2Snn.Cli.Scale;

/// <summary>
/// The two batch scripts a sweep submits to Slurm: a job array whose task k runs <c>ann2snn sweep SPEC --out DIR --shard auto</c>
/// (part k of the sweep's units, from <c>SLURM_ARRAY_TASK_ID</c>), and a merge job that starts once every task has succeeded
/// (<c>--dependency=afterok</c>) and writes <c>DIR/merged.json</c> and the report <c>DIR/report/</c>.
/// </summary>
internal sealed record SlurmScripts(string Array, string Merge, int Tasks)
{
    public const string ArrayFile = "sweep.sbatch", MergeFile = "merge.sbatch", LogsFolder = "logs";

    /// <summary>Largest array written (Slurm's default MaxArraySize is 1001): more units than this share tasks.</summary>
    public const int MaxTasks = 1000;

    /// <param name="command">how the nodes run ann2snn (e.g. <c>/opt/ann2snn/ann2snn</c> or <c>dotnet /path/Ann2Snn.Cli.dll</c>).</param>
    /// <param name="spec">the spec, absolute.</param>
    /// <param name="outDir">the output folder, absolute (shared by the nodes).</param>
    /// <param name="units">the sweep's units; one task each, up to <see cref="MaxTasks"/>.</param>
    /// <param name="partition">--partition, or null for the cluster's default.</param>
    /// <param name="time">--time, or null for the partition's default.</param>
    /// <param name="cpus">--cpus-per-task (and the runs' --threads), or null for one CPU per task.</param>
    public static SlurmScripts For(string command, string spec, string outDir, int units, string? partition, string? time, int? cpus)
    {
        int tasks = Math.Clamp(units, 1, MaxTasks);
        string logs = Path.Combine(outDir, LogsFolder);
        string threads = cpus is int c ? $" --threads {c.ToString(CultureInfo.InvariantCulture)}" : "";
        string array = Script("ann2snn-sweep", $"{logs}/sweep-%A_%a.out", partition, time, cpus,
            $"#SBATCH --array=0-{tasks - 1}",
            $"exec {command} sweep {Quote(spec)} --out {Quote(outDir)} --shard auto --json{threads}");
        string merge = Script("ann2snn-merge", $"{logs}/merge-%j.out", partition, time, null, null,
            $"exec {command} merge {Quote(outDir)} -o {Quote(Path.Combine(outDir, "merged.json"))} "
            + $"--report {Quote(Path.Combine(outDir, "report"))} --json");
        return new SlurmScripts(array, merge, tasks);
    }

    private static string Script(string name, string output, string? partition, string? time, int? cpus, string? extra, string run)
    {
        var sb = new StringBuilder("#!/bin/bash\n");
        sb.Append("#SBATCH --job-name=").Append(name).Append('\n');
        sb.Append("#SBATCH --output=").Append(output).Append('\n');
        if (extra is not null) sb.Append(extra).Append('\n');
        if (partition is not null) sb.Append("#SBATCH --partition=").Append(partition).Append('\n');
        if (time is not null) sb.Append("#SBATCH --time=").Append(time).Append('\n');
        if (cpus is int c) sb.Append("#SBATCH --cpus-per-task=").Append(c.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("set -euo pipefail\n").Append(run).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// How this process was started, to run the same ann2snn on the nodes: the program itself, or <c>dotnet</c> with the
    /// CLI's assembly.
    /// </summary>
    public static string ThisCommand()
    {
        string process = Environment.ProcessPath ?? "ann2snn";
        string assembly = typeof(SlurmScripts).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && assembly.Length > 0
            ? $"{Quote(process)} {Quote(assembly)}"
            : Quote(process);
    }

    /// <summary><paramref name="s"/> as one word of a bash command line (single-quoted when it needs to be).</summary>
    public static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
