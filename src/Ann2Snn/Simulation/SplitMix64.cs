namespace Ann2Snn.Simulation;

/// <summary>A small, fast, seedable generator (SplitMix64), one stream per image.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 bits.</summary>
    public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));
}
