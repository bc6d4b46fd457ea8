using Ann2Snn.Simulation;

namespace Ann2Snn.Analysis;

/// <summary>
/// How many steps a run needs before each image's answer stops changing: the distribution of
/// <see cref="SimulationResult.StableFrom"/> (1 = the first step's prediction was already final).
/// </summary>
public sealed class AccuracyLatency
{
    private readonly int[] _sorted;

    private AccuracyLatency(int timesteps, int[] sorted, IReadOnlyList<LatencyBin> histogram)
    {
        Timesteps = timesteps;
        _sorted = sorted;
        Histogram = histogram;
    }

    public int Timesteps { get; }
    public int Images => _sorted.Length;

    /// <summary>Median stable-from step.</summary>
    public int P50 => Percentile(50);
    public int P90 => Percentile(90);
    public int P99 => Percentile(99);

    /// <summary>Mean stable-from step.</summary>
    public double Mean => _sorted.Length == 0 ? 0 : _sorted.Average();

    /// <summary>Bins by powers of two: [1,1], [2,3], [4,7], … up to T; every bin up to the one holding T is listed, empty or not.</summary>
    public IReadOnlyList<LatencyBin> Histogram { get; }

    /// <summary>The distribution of <paramref name="result"/>'s per-image stable-from steps.</summary>
    public static AccuracyLatency Of(SimulationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Of(result.StableFrom, result.Timesteps);
    }

    /// <summary>The distribution of stable-from steps (each in 1..<paramref name="timesteps"/>).</summary>
    public static AccuracyLatency Of(IReadOnlyList<int> stableFrom, int timesteps)
    {
        ArgumentNullException.ThrowIfNull(stableFrom);
        if (timesteps < 1) ThrowHelper.InvalidOption("timesteps", $"must be at least 1, got {timesteps}");
        int[] sorted = [.. stableFrom];
        Array.Sort(sorted);
        if (sorted.Length > 0 && (sorted[0] < 1 || sorted[^1] > timesteps))
        {
            throw new ArgumentOutOfRangeException(nameof(stableFrom), $"stable-from steps must lie in 1..{timesteps}");
        }
        var bins = new List<LatencyBin>();
        int at = 0;
        for (int from = 1; from <= timesteps; from *= 2)
        {
            int to = Math.Min(timesteps, 2 * from - 1), count = 0;
            while (at < sorted.Length && sorted[at] <= to)
            {
                count++;
                at++;
            }
            bins.Add(new LatencyBin(from, to, count));
            if (from > timesteps / 2) break;
        }
        return new AccuracyLatency(timesteps, sorted, bins);
    }

    /// <summary>
    /// The smallest step s such that at least <paramref name="percent"/> % of the images are stable from s or earlier
    /// (nearest-rank); 0 when there are no images.
    /// </summary>
    public int Percentile(double percent)
    {
        if (!(percent > 0 && percent <= 100)) ThrowHelper.InvalidOption("percent", $"must lie in (0, 100], got {percent}");
        if (_sorted.Length == 0) return 0;
        int rank = (int)Math.Ceiling(percent / 100 * _sorted.Length);
        return _sorted[Math.Clamp(rank, 1, _sorted.Length) - 1];
    }
}
