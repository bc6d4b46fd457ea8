using Ann2Snn.Evaluation;
using Spectre.Console;

namespace Ann2Snn.Cli;

/// <summary>Progress bars around a long library call (counts in images); silent with --json or when output is redirected.</summary>
internal static class Progress
{
    public static T Run<T>(IAnsiConsole console, bool quiet, string title, int total, Func<IProgress<int>, T> work)
    {
        if (quiet || !console.Profile.Capabilities.Interactive)
        {
            return work(new Progress<int>(_ => { }));
        }
        return Show(console, ctx =>
        {
            ProgressTask task = ctx.AddTask(Markup.Escape(title), maxValue: Math.Max(1, total));
            T result = work(new SynchronousProgress<int>(v => task.Value = v));
            task.Value = task.MaxValue;
            return result;
        });
    }

    /// <summary>One bar per stage of an evaluation, each hidden once the next begins.</summary>
    public static T RunStages<T>(IAnsiConsole console, bool quiet, Func<IProgress<EvaluationProgress>?, T> work)
    {
        if (quiet || !console.Profile.Capabilities.Interactive) return work(null);
        return Show(console, ctx =>
        {
            ProgressTask? task = null;
            EvaluationStage? stage = null;
            T result = work(new SynchronousProgress<EvaluationProgress>(p =>
            {
                if (task is null || p.Stage != stage)
                {
                    if (task is not null) task.Value = task.MaxValue;
                    task = ctx.AddTask(Markup.Escape(p.Description), maxValue: Math.Max(1, p.Total));
                    stage = p.Stage;
                }
                task.Value = p.Done;
            }));
            if (task is not null) task.Value = task.MaxValue;
            return result;
        });
    }

    private static T Show<T>(IAnsiConsole console, Func<ProgressContext, T> work)
    {
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(),
                new SpinnerColumn())
            .Start(ctx => result = work(ctx));
        return result;
    }

    /// <summary>Reports on the caller's thread (System.Progress posts to the thread pool, which would reorder updates).</summary>
    private sealed class SynchronousProgress<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }
}
