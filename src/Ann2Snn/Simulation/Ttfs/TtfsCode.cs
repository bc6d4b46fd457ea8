namespace Ann2Snn.Simulation.Ttfs;

/// <summary>
/// The time-to-first-spike code of one window of W steps. A value a ∈ [0, 1] becomes the level
/// m = clamp(⌊a·W + ½⌋, 0, W) (rounded half up), sent as a single spike at offset W − m from the window's start;
/// level 0 sends nothing. A spike at offset k decodes as (W − k)/W, so a value round-trips to the nearest multiple
/// of 1/W. A TTFS neuron's clocked threshold rounds its potential the same way (see <see cref="TtfsSimulator"/>).
/// </summary>
public static class TtfsCode
{
    /// <summary>The level m ∈ 0..W of <paramref name="value"/> (NaN and values ≤ 0 give 0, values ≥ 1 give W).</summary>
    public static int Level(double value, int window) => LevelOfScaled(value * window, window);

    /// <summary>The level of a value already multiplied by W: clamp(⌊y + ½⌋, 0, W).</summary>
    public static int LevelOfScaled(double scaled, int window)
    {
        if (!(scaled >= 0.5)) return 0;
        double level = Math.Floor(scaled + 0.5);
        return level >= window ? window : (int)level;
    }

    /// <summary>The spike's offset within its window, W − m, or −1 (no spike) for level 0.</summary>
    public static int Offset(int level, int window) => level <= 0 ? -1 : window - level;

    /// <summary>The value a spike at <paramref name="offset"/> stands for: (W − k)/W, or 0 for no spike (−1).</summary>
    public static double Decode(int offset, int window) => offset < 0 ? 0 : (double)(window - offset) / window;
}
