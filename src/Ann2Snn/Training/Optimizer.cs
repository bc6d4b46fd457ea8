using System.Numerics.Tensors;

namespace Ann2Snn.Training;

/// <summary>
/// Updates parameters in place from their gradients (see <see cref="OptimizerKind"/> for the rules, PyTorch's): weight decay
/// on weights only, then Adam or SGD with momentum. Its state (the moments, the step count) is what a checkpoint keeps.
/// </summary>
public sealed class Optimizer
{
    private readonly IReadOnlyList<TrainableParameter> _parameters;

    public Optimizer(IReadOnlyList<TrainableParameter> parameters, OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _parameters = parameters;
        Options = options;
        First = [.. parameters.Select(p => new float[p.Values.Length])];
        Second = options.Kind == OptimizerKind.Adam ? [.. parameters.Select(p => new float[p.Values.Length])] : [];
    }

    public OptimizerOptions Options { get; }

    /// <summary>Updates taken so far (t of Adam's bias correction; SGD's momentum starts at the first).</summary>
    public long Steps { get; set; }

    /// <summary>Adam's first moments m, or SGD's momentum buffers b.</summary>
    public float[][] First { get; }

    /// <summary>Adam's second moments v (empty for SGD).</summary>
    public float[][] Second { get; }

    /// <summary>
    /// η at update <paramref name="step"/> of <paramref name="total"/>: η_min + (η₀ − η_min)·(1 + cos(π·step/total))/2 with the
    /// cosine schedule, η₀ without.
    /// </summary>
    public static float LearningRate(OptimizerOptions options, long step, long total)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Cosine || total <= 0) return options.LearningRate;
        double phase = Math.Clamp((double)step / total, 0, 1);
        return (float)(options.MinLearningRate + ((options.LearningRate - options.MinLearningRate) * (1 + Math.Cos(Math.PI * phase)) / 2));
    }

    /// <summary>
    /// The global L2 norm ‖g‖ of all gradients; when it exceeds <paramref name="maxNorm"/> &gt; 0, scales every gradient by
    /// maxNorm / (‖g‖ + 10⁻⁶) (PyTorch's clip_grad_norm_). Returns the norm before clipping.
    /// </summary>
    public static float Clip(float[][] gradients, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        double sum = 0;
        foreach (float[] g in gradients) sum += TensorPrimitives.Dot(g, g);
        float norm = (float)Math.Sqrt(sum);
        if (maxNorm > 0 && norm > maxNorm)
        {
            float scale = maxNorm / (norm + 1e-6f);
            foreach (float[] g in gradients) TensorPrimitives.Multiply(g, scale, g);
        }
        return norm;
    }

    /// <summary>One update with learning rate <paramref name="learningRate"/>; the gradients are left as they were given.</summary>
    public void Step(float[][] gradients, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        Steps++;
        OptimizerOptions o = Options;
        for (int k = 0; k < _parameters.Count; k++)
        {
            float[] p = _parameters[k].Values, g = gradients[k], m = First[k];
            float decay = _parameters[k].IsWeight ? o.WeightDecay : 0f;
            if (o.Kind == OptimizerKind.Adam)
            {
                float[] v = Second[k];
                float c1 = 1f - MathF.Pow(o.Beta1, Steps), c2 = MathF.Sqrt(1f - MathF.Pow(o.Beta2, Steps));
                float stepSize = learningRate / c1;
                for (int i = 0; i < p.Length; i++)
                {
                    float gi = g[i] + (decay * p[i]);
                    m[i] = (o.Beta1 * m[i]) + ((1f - o.Beta1) * gi);
                    v[i] = (o.Beta2 * v[i]) + ((1f - o.Beta2) * gi * gi);
                    p[i] -= stepSize * m[i] / ((MathF.Sqrt(v[i]) / c2) + o.Epsilon);
                }
                continue;
            }
            for (int i = 0; i < p.Length; i++)
            {
                float gi = g[i] + (decay * p[i]);
                if (o.Momentum > 0)
                {
                    m[i] = Steps == 1 ? gi : (o.Momentum * m[i]) + gi;
                    gi = m[i];
                }
                p[i] -= learningRate * gi;
            }
        }
    }
}
