using System.Globalization;

namespace Ann2Snn.Evaluation;

/// <summary>
/// Part <see cref="Index"/> of <see cref="Count"/> equal parts of a list (the images of an evaluation, the configurations of
/// a sweep): items <c>⌊i·N/n⌋ … ⌊(i+1)·N/n⌋ − 1</c> of N, so the parts are contiguous, differ in size by at most one, and
/// together hold every item exactly once, in order.
/// </summary>
public readonly record struct Shard
{
    /// <summary>Environment variables <see cref="FromEnvironment"/> reads: Slurm's job array, then a Kubernetes Indexed Job.</summary>
    public const string SlurmIndex = "SLURM_ARRAY_TASK_ID", SlurmMin = "SLURM_ARRAY_TASK_MIN", SlurmCount = "SLURM_ARRAY_TASK_COUNT",
        KubernetesIndex = "JOB_COMPLETION_INDEX", KubernetesCount = "JOB_COMPLETIONS";

    /// <param name="index">the part, 0-based.</param>
    /// <param name="count">the number of parts.</param>
    /// <param name="option">the option that gave them, for the message.</param>
    /// <exception cref="InvalidOptionException">n = 0 or i ∉ 0..n−1, naming <paramref name="option"/>.</exception>
    public Shard(int index, int count, string option = "shard")
    {
        if (count <= 0) ThrowHelper.InvalidOption(option, $"'{index}/{count}': the number of shards n must be positive");
        if (index < 0 || index >= count)
        {
            ThrowHelper.InvalidOption(option, $"'{index}/{count}': the shard index i must lie in 0..{count - 1} (i < n)");
        }
        Index = index;
        Count = count;
    }

    /// <summary>The part, 0-based.</summary>
    public int Index { get; }

    /// <summary>The number of parts.</summary>
    public int Count { get; }

    /// <summary>The first item of this part and how many it holds, out of <paramref name="total"/> items.</summary>
    public (int Start, int Length) Range(int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        int start = (int)((long)Index * total / Count), end = (int)((long)(Index + 1) * total / Count);
        return (start, end - start);
    }

    /// <summary>The items of this part, in order.</summary>
    public IReadOnlyList<T> Of<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        (int start, int length) = Range(items.Count);
        return [.. items.Skip(start).Take(length)];
    }

    /// <summary>"i/n".</summary>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// Parses "i/n" (0 ≤ i &lt; n); <c>auto</c> reads the scheduler's variables through <paramref name="variable"/>
    /// (<see cref="FromEnvironment"/>). Anything else throws <see cref="InvalidOptionException"/> naming <paramref name="option"/>.
    /// </summary>
    public static Shard Parse(string text, Func<string, string?> variable, string option = "shard")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(variable);
        if (text.Trim() == "auto") return FromEnvironment(variable, option);
        string[] parts = text.Split('/');
        if (parts.Length != 2 || !TryInt(parts[0], out int i) || !TryInt(parts[1], out int n))
        {
            return Bad(option, $"'{ThrowHelper.Printable(text)}' is not i/n (e.g. 0/4) or auto");
        }
        return new Shard(i, n, option);
    }

    /// <summary>
    /// The shard a scheduler gave this process: Slurm's <c>SLURM_ARRAY_TASK_ID</c> (less <c>SLURM_ARRAY_TASK_MIN</c>) of
    /// <c>SLURM_ARRAY_TASK_COUNT</c>, else Kubernetes' <c>JOB_COMPLETION_INDEX</c> of <c>JOB_COMPLETIONS</c> (set by the Job's
    /// manifest to its <c>completions</c>). Throws <see cref="InvalidOptionException"/> when neither is set or a value is bad.
    /// </summary>
    public static Shard FromEnvironment(Func<string, string?> variable, string option = "shard")
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable(SlurmIndex) is { } id)
        {
            int min = variable(SlurmMin) is { } m ? Number(m, SlurmMin, option) : 0;
            string count = variable(SlurmCount) ?? Bad<string>(option, $"auto: {SlurmIndex} is set but {SlurmCount} is not");
            return new Shard(Number(id, SlurmIndex, option) - min, Number(count, SlurmCount, option), option);
        }
        if (variable(KubernetesIndex) is { } index)
        {
            string count = variable(KubernetesCount)
                ?? Bad<string>(option, $"auto: {KubernetesIndex} is set but {KubernetesCount} is not (set it to the Job's completions)");
            return new Shard(Number(index, KubernetesIndex, option), Number(count, KubernetesCount, option), option);
        }
        return Bad(option, $"auto: neither {SlurmIndex} (a Slurm job array) nor {KubernetesIndex} (a Kubernetes Indexed Job) is set");
    }

    private static int Number(string value, string name, string option) =>
        TryInt(value, out int n) ? n : Bad<int>(option, $"auto: {name}='{ThrowHelper.Printable(value)}' is not a whole number");

    private static bool TryInt(string s, out int value) =>
        int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static Shard Bad(string option, string message) => Bad<Shard>(option, message);

    private static T Bad<T>(string option, string message)
    {
        ThrowHelper.InvalidOption(option, message);
        return default!;
    }
}
