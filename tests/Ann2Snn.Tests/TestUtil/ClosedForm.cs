using Ann2Snn.Graph;

namespace Ann2Snn.Tests.TestUtil;

/// <summary>
/// Float64 references for the activations, softmax, argmax and reductions, written from their formulas with plain
/// loops over multi-indices (nothing shared with the kernels under test).
/// </summary>
internal static class ClosedForm
{
    /// <summary>f(x) of <paramref name="kind"/>; PRelu takes its slope as <paramref name="alpha"/>.</summary>
    public static double Activation(ActivationKind kind, double x, double alpha = 0, double beta = 0) => kind switch
    {
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.LeakyRelu or ActivationKind.PRelu => x >= 0 ? x : alpha * x,
        ActivationKind.Elu => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        ActivationKind.HardSigmoid => Math.Max(0, Math.Min(1, alpha * x + beta)),
        ActivationKind.HardSwish => x * Math.Max(0, Math.Min(1, x / 6 + 0.5)),
        ActivationKind.Floor => Math.Floor(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The node's function applied to one sample (PRelu's slopes broadcast as 1, per channel or per element).</summary>
    public static double[] Activation(ActivationNode node, float[] x)
    {
        int size = x.Length, plane = size / node.OutputShape.Channels;
        return [.. x.Select((v, i) => Activation(node.Kind, v,
            node.Slope is { } s ? s[s.Length == 1 ? 0 : s.Length == size ? i : i / plane] : node.Alpha, node.Beta))];
    }

    /// <summary>Softmax (or log-softmax) of one sample of <paramref name="dims"/> over axes first..last.</summary>
    public static double[] Softmax(float[] x, int[] dims, int first, int last, bool log)
    {
        var y = new double[x.Length];
        foreach (int[] slice in Slices(dims, first, last, x.Length))
        {
            double max = slice.Max(i => (double)x[i]);
            double sum = slice.Sum(i => Math.Exp(x[i] - max));
            foreach (int i in slice) y[i] = log ? x[i] - max - Math.Log(sum) : Math.Exp(x[i] - max) / sum;
        }
        return y;
    }

    /// <summary>Index along <paramref name="axis"/> of each slice's maximum (first or last of ties; the first NaN wins).</summary>
    public static double[] ArgMax(float[] x, int[] dims, int axis, bool last)
    {
        var result = new List<double>();
        foreach (int[] slice in Slices(dims, axis, axis, x.Length))
        {
            int best = 0;
            for (int j = 1; j < slice.Length; j++)
            {
                if (float.IsNaN(x[slice[best]])) break;
                if (float.IsNaN(x[slice[j]]) || x[slice[j]] > x[slice[best]] || (last && x[slice[j]] == x[slice[best]])) best = j;
            }
            result.Add(best);
        }
        return [.. result];
    }

    /// <summary>The reduction of one sample over <paramref name="axes"/>, output in the kept axes' row-major order.</summary>
    public static double[] Reduce(float[] x, int[] dims, ReduceKind kind, int[] axes)
    {
        int[] keptDims = [.. dims.Select((d, a) => axes.Contains(a) ? 1 : d)];
        int outputs = keptDims.Aggregate(1, (p, d) => p * d);
        var acc = new double[outputs];
        var count = new int[outputs];
        if (kind == ReduceKind.Prod) Array.Fill(acc, 1);
        for (int i = 0; i < x.Length; i++)
        {
            int[] index = Unravel(i, dims);
            foreach (int a in axes) index[a] = 0;
            int o = Ravel(index, keptDims);
            double v = x[i];
            acc[o] = kind switch
            {
                ReduceKind.Prod => acc[o] * v,
                ReduceKind.SumSquare => acc[o] + v * v,
                _ => acc[o] + v,
            };
            count[o]++;
        }
        return kind == ReduceKind.Mean ? [.. acc.Select((s, o) => s / count[o])] : acc;
    }

    /// <summary>The flat indices of each slice along axes first..last, slices in row-major order of the other axes.</summary>
    private static IEnumerable<int[]> Slices(int[] dims, int first, int last, int size)
    {
        var groups = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < size; i++)
        {
            int[] index = Unravel(i, dims);
            for (int a = first; a <= last; a++) index[a] = 0;
            int key = Ravel(index, dims);
            if (!groups.TryGetValue(key, out List<int>? list)) groups[key] = list = [];
            list.Add(i);
        }
        return groups.Values.Select(l => l.ToArray());
    }

    private static int[] Unravel(int flat, int[] dims)
    {
        var index = new int[dims.Length];
        for (int a = dims.Length - 1; a >= 0; a--)
        {
            index[a] = flat % dims[a];
            flat /= dims[a];
        }
        return index;
    }

    private static int Ravel(int[] index, int[] dims)
    {
        int flat = 0;
        for (int a = 0; a < dims.Length; a++) flat = flat * dims[a] + index[a];
        return flat;
    }
}
