using Spectre.Console;

namespace Ann2Snn.Cli;

/// <summary>A progress bar around a long library call (counts in images); silent with --json or when output is redirected.</summary>
internal static class Progress
{
    public static T Run<T>(IAnsiConsole console, bool quiet, string title, int total, Func<IProgress<int>, T> work)
    {
        if (quiet || !console.Profile.Capabilities.Interactive)
        {
            return work(new Progress<int>(_ => { }));
        }
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
                result = work(new SynchronousProgress(v => task.Value = v));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Reports on the caller's thread (System.Progress posts to the thread pool, which would reorder updates).</summary>
    private sealed class SynchronousProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
