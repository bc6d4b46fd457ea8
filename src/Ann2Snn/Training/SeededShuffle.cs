using Ann2Snn.Simulation;

namespace Ann2Snn.Training;

/// <summary>The order images are visited in each epoch: a Fisher–Yates shuffle drawn from (seed, epoch) alone.</summary>
public static class SeededShuffle
{
    /// <summary>A permutation of 0..count−1, the same for the same seed and epoch on any machine and thread count.</summary>
    public static int[] Permutation(int count, int seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var rng = new SplitMix64(((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)epoch * 0xD1B54A32D192ED03UL) ^ 0x7A11UL);
        for (int i = count - 1; i > 0; i--)
        {
            int j = (int)(rng.Next() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
