namespace Ann2Snn.Conversion;

/// <summary>
/// Percentiles of a stream of non-negative values in bounded memory: <see cref="Bins"/> equal bins over [0, range),
/// where the range doubles (merging bin pairs) whenever a larger value arrives. Zeros are counted apart, and
/// percentiles are taken over the positive values only (a silent neuron says nothing about the scale).
/// The error of a percentile is at most one bin width, range / <see cref="Bins"/>, i.e. ≤ 2·max / Bins.
/// </summary>
public sealed class StreamingHistogram
{
    public const int Bins = 4096;
    private readonly long[] _counts = new long[Bins];
    private float _range;

    public long Positive { get; private set; }
    public long Zeros { get; private set; }
    public float Max { get; private set; }

    public void Add(ReadOnlySpan<float> values)
    {
        foreach (float x in values) Add(x);
    }

    public void Add(float x)
    {
        if (!(x > 0f))
        {
            Zeros++; // non-positive and NaN both count as silent
            return;
        }
        if (x > Max) Max = x;
        // powers of two, so histograms merge bin-exactly
        if (_range == 0f) _range = MathF.Max(MathF.Pow(2f, MathF.Ceiling(MathF.Log2(x)) + 1f), 1e-30f);
        while (x >= _range) Grow();
        int bin = (int)(x / _range * Bins);
        _counts[Math.Min(bin, Bins - 1)]++;
        Positive++;
    }

    /// <summary>
    /// The p-th percentile (0 &lt; p ≤ 100) of the positive values, linearly interpolated inside a bin; 0 if none; p = 100 gives
    /// the exact max.
    /// </summary>
    public float Percentile(double p)
    {
        if (!(p > 0 && p <= 100)) throw new InvalidOptionException($"option 'percentile': {p} is outside (0, 100]");
        if (Positive == 0) return 0f;
        if (p >= 100) return Max;
        double target = p / 100.0 * Positive;
        double width = _range / Bins;
        long seen = 0;
        for (int i = 0; i < Bins; i++)
        {
            long c = _counts[i];
            if (seen + c >= target && c > 0)
            {
                double within = (target - seen) / c;
                return (float)Math.Min(Max, (i + within) * width);
            }
            seen += c;
        }
        return Max;
    }

    /// <summary>
    /// The scale λ that minimizes the expected squared error E[(x − q(x))²] over the positive values of the quantizer a
    /// population of rate-coded neurons applies in a window of <paramref name="levels"/> spike slots:
    /// q(x) = Δ·min(L, ⌊x/Δ + φ⌋) with Δ = λ/L and φ = <paramref name="phase"/> (the initial membrane as a fraction of the
    /// threshold: 0.5 rounds). A small λ clips the large values, a large one leaves coarse steps; the optimum balances the two
    /// for this L (Banner et al. 2019 choose clipping for low-bit quantization the same way). Searched on a geometric grid
    /// of 160 candidates between max/64 and max, then refined around the best; values are taken at their bin's centre.
    /// Returns 0 when there is no positive value.
    /// </summary>
    public float QuantizationOptimum(int levels, double phase = 0.5)
    {
        if (levels <= 0) throw new InvalidOptionException($"option 'levels': {levels} must be positive");
        if (Positive == 0) return 0f;
        var values = new List<(double X, long N)>();
        double width = _range / Bins;
        for (int i = 0; i < Bins; i++)
        {
            if (_counts[i] != 0) values.Add((Math.Min(Max, (i + 0.5) * width), _counts[i]));
        }
        double Error(double lambda)
        {
            double step = lambda / levels, sum = 0;
            foreach (var (x, n) in values)
            {
                double q = step * Math.Min(levels, Math.Floor(x / step + phase));
                sum += n * (x - q) * (x - q);
            }
            return sum;
        }
        const int Grid = 160;
        double lo = Math.Log(Max / 64.0), hi = Math.Log(Max), best = Max, bestError = Error(Max);
        for (int k = 0; k < Grid; k++)
        {
            double lambda = Math.Exp(lo + (hi - lo) * k / (Grid - 1));
            double e = Error(lambda);
            if (e < bestError) (best, bestError) = (lambda, e);
        }
        // Refine: the error is piecewise smooth in λ; a finer grid within one coarse step each side.
        double ratio = Math.Exp((hi - lo) / (Grid - 1));
        for (int k = -20; k <= 20; k++)
        {
            double lambda = best * Math.Pow(ratio, k / 20.0);
            if (lambda > Max) continue;
            double e = Error(lambda);
            if (e < bestError) (best, bestError) = (lambda, e);
        }
        return (float)best;
    }

    /// <summary>Adds another histogram's counts (for per-thread partial histograms).</summary>
    public void Merge(StreamingHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Positive == 0)
        {
            Zeros += other.Zeros;
            return;
        }
        if (_range == 0f) _range = other._range;
        while (_range < other._range) Grow();
        // other's range is this range / 2^k: map each of its bins onto ours.
        int shrink = (int)Math.Round(_range / other._range);
        for (int i = 0; i < Bins; i++)
        {
            if (other._counts[i] != 0) _counts[i / shrink] += other._counts[i];
        }
        Positive += other.Positive;
        Zeros += other.Zeros;
        Max = Math.Max(Max, other.Max);
    }

    private void Grow()
    {
        for (int i = 0; i < Bins / 2; i++) _counts[i] = _counts[2 * i] + _counts[2 * i + 1];
        Array.Clear(_counts, Bins / 2, Bins / 2);
        _range *= 2f;
    }
}
