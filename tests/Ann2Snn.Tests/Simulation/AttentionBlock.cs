using Ann2Snn.Neurons;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Tests.Simulation;

/// <summary>
/// A single-head attention block built by hand, as an ANN written out in double precision and as the spiking network of
/// spike-equivalent operators that computes it: x → LayerNorm → h → Dense q, k, v (per token) → q·kᵀ/√d → softmax → p·v →
/// o → Dense readout. Every tensor between operators is carried by signed IF neurons (θ = 1, V(0) = θ/2) at the scale λ
/// of its largest magnitude over the images, as a converter normalises a CNN: a population carries y/λ, and its readers
/// multiply by λ. The populations have a negative branch of gain 1 (<see cref="NeuronLayer.NegativeGain"/>): their net
/// counts follow negative values too, the identity rather than a ReLU.
/// </summary>
internal sealed class AttentionBlock
{
    public const int Tokens = 4, Dim = 6, Classes = 3;

    private readonly double[,] _wq, _wk, _wv, _wout;
    private readonly double[] _bq, _bk, _bv, _bout;
    private readonly float[] _gamma, _beta;

    public AttentionBlock(int seed)
    {
        var rng = new Random(seed);
        double[,] W(int rows, int cols, double scale)
        {
            var w = new double[rows, cols];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++) w[i, j] = (rng.NextDouble() * 2 - 1) * scale;
            }
            return w;
        }
        double[] B(int n) => [.. Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 0.4 - 0.2)];
        (_wq, _wk, _wv) = (W(Dim, Dim, 0.8), W(Dim, Dim, 0.8), W(Dim, Dim, 0.6));
        (_bq, _bk, _bv) = (B(Dim), B(Dim), B(Dim));
        _wout = W(Classes, Tokens * Dim, 0.5);
        _bout = B(Classes);
        _gamma = [.. Enumerable.Range(0, Dim).Select(_ => (float)(0.5 + rng.NextDouble()))];
        _beta = [.. Enumerable.Range(0, Dim).Select(_ => (float)(rng.NextDouble() * 0.4 - 0.2))];
    }

    public static readonly Shape InputShape = new(Tokens, Dim);

    private static readonly float[] Identity = [1f];

    /// <summary>The ANN on one image: every intermediate tensor by name, and the logits ("y").</summary>
    public Dictionary<string, double[]> Forward(ReadOnlySpan<float> image)
    {
        double[] x = [.. image.ToArray().Select(v => (double)v)];
        var ln = OperatorLayer.LayerNorm("ln", Operand(InputShape, 0), _gamma, _beta, 1e-5f);
        double[] h = OperatorReference.Apply(ln, x);
        double[] q = PerToken(h, _wq, _bq), k = PerToken(h, _wk, _bk), v = PerToken(h, _wv, _bv);
        var s = new double[Tokens * Tokens];
        for (int i = 0; i < Tokens; i++)
        {
            for (int j = 0; j < Tokens; j++)
            {
                for (int c = 0; c < Dim; c++) s[i * Tokens + j] += q[i * Dim + c] * k[j * Dim + c] / Math.Sqrt(Dim);
            }
        }
        double[] p = OperatorReference.Apply(OperatorLayer.Softmax("p", Operand(new Shape(Tokens, Tokens), 0)), s);
        var o = new double[Tokens * Dim];
        for (int i = 0; i < Tokens; i++)
        {
            for (int c = 0; c < Dim; c++)
            {
                for (int j = 0; j < Tokens; j++) o[i * Dim + c] += p[i * Tokens + j] * v[j * Dim + c];
            }
        }
        var y = new double[Classes];
        for (int r = 0; r < Classes; r++)
        {
            y[r] = _bout[r];
            for (int i = 0; i < Tokens * Dim; i++) y[r] += _wout[r, i] * o[i];
        }
        return new() { ["x"] = x, ["h"] = h, ["q"] = q, ["k"] = k, ["v"] = v, ["s"] = s, ["p"] = p, ["o"] = o, ["y"] = y };
    }

    private static double[] PerToken(double[] h, double[,] w, double[] b)
    {
        var y = new double[Tokens * Dim];
        for (int t = 0; t < Tokens; t++)
        {
            for (int i = 0; i < Dim; i++)
            {
                y[t * Dim + i] = b[i];
                for (int j = 0; j < Dim; j++) y[t * Dim + i] += w[i, j] * h[t * Dim + j];
            }
        }
        return y;
    }

    private static Operand Operand(Shape shape, int source, float gain = 1f) =>
        new(shape, [new Projection(source, [new ScaleOp(shape, [gain])])]);

    /// <summary>The spiking network, with each tensor's λ the largest magnitude it takes on <paramref name="images"/>.</summary>
    public SpikingNetwork Spiking(float[] images, int count)
    {
        int size = InputShape.Size;
        var forwards = Enumerable.Range(0, count).Select(b => Forward(images.AsSpan(b * size, size))).ToArray();
        float L(string name) => (float)forwards.Max(f => f[name].Max(Math.Abs));
        float lx = L("x"), lh = L("h"), lq = L("q"), lk = L("k"), lv = L("v"), ls = L("s"), lp = L("p"), lo = L("o");
        NeuronParameters signed = NeuronParameters.IntegrateAndFire(1f, initialFraction: 0.5f) with { SignedSpikes = true };
        Shape x = InputShape, tokens = new(Tokens, Tokens), flat = new(Tokens * Dim);
        NeuronLayer Population(string name, Shape shape, int source, float gain, float[]? bias = null) =>
            new(name, shape, signed, [new Projection(source, [new ScaleOp(shape, [gain])])], bias ?? new float[shape.Size], Identity);
        NeuronLayer Linear(string name, double[,] w, double[] b, float lambdaIn, float lambdaOut)
        {
            // Per token: a block-diagonal [L·d × L·d] dense map of λin·W/λout; the bias b/λout per token.
            var weight = new float[Tokens * Dim * Tokens * Dim];
            var bias = new float[Tokens * Dim];
            for (int t = 0; t < Tokens; t++)
            {
                for (int i = 0; i < Dim; i++)
                {
                    bias[t * Dim + i] = (float)(b[i] / lambdaOut);
                    int row = (t * Dim + i) * Tokens * Dim + t * Dim;
                    for (int j = 0; j < Dim; j++) weight[row + j] = (float)(w[i, j] * lambdaIn / lambdaOut);
                }
            }
            return new(name, x, signed, [new Projection(2, [new ReshapeOp(x, flat),
                new DenseOp(flat, new FloatTensor([Tokens * Dim, Tokens * Dim], weight)), new ReshapeOp(flat, x)])], bias, Identity);
        }
        // kᵀ: a permutation [d·L × L·d] scaled by λk.
        var transpose = new float[Tokens * Dim * Tokens * Dim];
        for (int t = 0; t < Tokens; t++)
        {
            for (int c = 0; c < Dim; c++) transpose[(c * Tokens + t) * Tokens * Dim + t * Dim + c] = lk;
        }
        Shape kt = new(Dim, Tokens);
        var readout = new float[Classes * Tokens * Dim];
        for (int r = 0; r < Classes; r++)
        {
            for (int i = 0; i < Tokens * Dim; i++) readout[r * Tokens * Dim + i] = (float)(_wout[r, i] * lo);
        }
        var layers = new List<SpikingLayer>
        {
            Population("x", x, -1, 1f / lx),                                                            // 0
            OperatorLayer.LayerNorm("ln", Operand(x, 0, lx), _gamma, _beta, 1e-5f),                       // 1
            Population("h", x, 1, 1f / lh),                                                              // 2
            Linear("q", _wq, _bq, lh, lq),                                                               // 3
            Linear("k", _wk, _bk, lh, lk),                                                               // 4
            Linear("v", _wv, _bv, lh, lv),                                                               // 5
            OperatorLayer.MatMul("qk", Operand(x, 3, lq / MathF.Sqrt(Dim)), new Operand(kt, [new Projection(4,
                [new ReshapeOp(x, flat), new DenseOp(flat, new FloatTensor([Tokens * Dim, Tokens * Dim], transpose)),
                    new ReshapeOp(flat, kt)])])),                                                      // 6
            Population("s", tokens, 6, 1f / ls),                                                         // 7
            OperatorLayer.Softmax("softmax", Operand(tokens, 7, ls)),                                    // 8
            Population("p", tokens, 8, 1f / lp),                                                         // 9
            OperatorLayer.MatMul("pv", Operand(tokens, 9, lp), Operand(x, 5, lv)),                       // 10
            Population("o", x, 10, 1f / lo),                                                             // 11
            new ReadoutLayer("y", new Shape(Classes), [new Projection(11, [new ReshapeOp(x, flat),
                new DenseOp(flat, new FloatTensor([Classes, Tokens * Dim], readout))])], [.. _bout.Select(v => (float)v)]),
        };
        return new SpikingNetwork("attention", InputShape, layers);
    }

    /// <summary>Images with values in [−1, 1].</summary>
    public static float[] Images(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count * InputShape.Size).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
    }
}
