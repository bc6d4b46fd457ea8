using Ann2Snn.Snn;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// The operators' functions written out plainly, in double precision, as the reference the simulators' operator layers
/// are checked against (softmax over the last axis, LayerNorm over trailing axes, the exact GELU through an independent
/// erf series, the broadcast batched product).
/// </summary>
internal static class OperatorReference
{
    public static double[] Apply(OperatorLayer layer, double[] a, double[]? b = null)
    {
        switch (layer.Operator)
        {
            case OperatorKind.Softmax:
                {
                    int d = layer.Shape[^1];
                    var y = new double[a.Length];
                    for (int r = 0; r < a.Length; r += d)
                    {
                        double max = a.Skip(r).Take(d).Max(), sum = 0;
                        for (int i = 0; i < d; i++) sum += y[r + i] = Math.Exp(a[r + i] - max);
                        for (int i = 0; i < d; i++) y[r + i] /= sum;
                    }
                    return y;
                }
            case OperatorKind.LayerNorm:
                {
                    int d = layer.NormalizedSize;
                    var y = new double[a.Length];
                    for (int r = 0; r < a.Length; r += d)
                    {
                        double mean = a.Skip(r).Take(d).Average();
                        double variance = a.Skip(r).Take(d).Sum(v => (v - mean) * (v - mean)) / d;
                        for (int i = 0; i < d; i++)
                        {
                            y[r + i] = layer.Gamma![i] * (a[r + i] - mean) / Math.Sqrt(variance + layer.Epsilon) + layer.Beta![i];
                        }
                    }
                    return y;
                }
            case OperatorKind.Gelu:
                return a.Select(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2)))).ToArray();
            default:
                return MatMul(layer, a, b!);
        }
    }

    /// <summary>erf by its Maclaurin series (|x| ≤ 3) or its asymptotic complement: independent of the library's fit.</summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        if (z > 5) return Math.Sign(x);
        double sum = 0, term = z;
        for (int n = 0; n < 200; n++)
        {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
            if (Math.Abs(term) < 1e-17) break;
        }
        return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * sum;
    }

    private static double[] MatMul(OperatorLayer layer, double[] a, double[] b)
    {
        var (sa, sb, so) = (layer.Operands[0].Shape, layer.Operands[1].Shape, layer.Shape);
        int m = sa[^2], k = sa[^1], n = sb[^1], rank = so.Rank, batches = so.Size / (m * n);
        var y = new double[so.Size];
        for (int g = 0; g < batches; g++)
        {
            // The output batch's index per leading axis, then each operand's (1 where it broadcasts).
            var index = new int[rank - 2];
            for (int axis = rank - 3, rest = g; axis >= 0; axis--)
            {
                index[axis] = rest % so[axis];
                rest /= so[axis];
            }
            int ga = Flat(sa, index, rank), gb = Flat(sb, index, rank);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[ga * m * k + i * k + p] * b[gb * k * n + p * n + j];
                    y[g * m * n + i * n + j] = s;
                }
            }
        }
        return y;
    }

    private static int Flat(Ann2Snn.Tensors.Shape s, int[] index, int rank)
    {
        int flat = 0;
        for (int axis = 0; axis < rank - 2; axis++)
        {
            int at = axis - (rank - s.Rank);
            if (at < 0) continue;
            flat = flat * s[at] + (s[at] == 1 ? 0 : index[axis]);
        }
        return flat;
    }
}
