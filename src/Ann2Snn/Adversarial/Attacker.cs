using System.Numerics.Tensors;
using Ann2Snn.Ann;
using Ann2Snn.Graph;

namespace Ann2Snn.Adversarial;

/// <summary>
/// Crafts adversarial images on the ANN with its reverse-mode gradients (<see cref="AnnGradients"/>), in the images' own
/// units (through an <see cref="InputFrontEnd"/>), every image clamped to the valid range:
/// <list type="bullet">
/// <item>FGSM: u′ = clamp(u + ε·sign ∇ᵤL).</item>
/// <item>PGD (L∞): uₖ₊₁ = clamp(Π∞(uₖ + α·sign ∇L(uₖ))), Π∞ the clip to [u − ε, u + ε].</item>
/// <item>PGD (L2): uₖ₊₁ = clamp(Π₂(uₖ + α·∇L/‖∇L‖₂)), Π₂ scaling δ = u′ − u down to ‖δ‖₂ ≤ ε (no step where ∇L = 0).</item>
/// <item>Sign flip: as PGD L∞, descending Σ z over the hidden layer's pre-activations z that were positive on the clean image.</item>
/// </list>
/// L is <see cref="AttackOptions.Loss"/> on the logits; sign(0) = 0. Thread-safe; the work of a batch runs in parallel.
/// </summary>
public sealed class Attacker
{
    private readonly AnnGradients _gradients;
    private readonly InputFrontEnd _frontEnd;
    private readonly AnnExecutor _logits;

    public Attacker(AnnGradients gradients, InputFrontEnd frontEnd, AnnExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(frontEnd);
        if (!frontEnd.ModelShape.Equals(gradients.Graph.Input.OutputShape))
        {
            throw new ArgumentException($"the front end gives {frontEnd.ModelShape}, the model takes {gradients.Graph.Input.OutputShape}");
        }
        _gradients = gradients;
        _frontEnd = frontEnd;
        _logits = new AnnExecutor(new ModelGraph(gradients.Graph.Input, gradients.Logits, gradients.Graph.Name), options);
    }

    /// <summary>
    /// The ReLU whose neurons the sign-flip attack silences: the one named <paramref name="layer"/>, or the last before the logits.
    /// </summary>
    /// <exception cref="InvalidOptionException">no such ReLU node.</exception>
    public Node SignFlipLayer(string? layer)
    {
        ModelGraph graph = _gradients.Graph;
        int logits = graph.IndexOf(_gradients.Logits);
        Node[] relus = [.. graph.Nodes.Take(logits).Where(n => n is ReluNode)];
        if (layer is null)
        {
            return relus.Length > 0 ? relus[^1]
                : throw new InvalidOptionException($"option 'layer': model '{graph.Name}' has no ReLU before its logits to silence");
        }
        return relus.FirstOrDefault(n => n.Name == layer) ?? throw new InvalidOptionException(
            $"option 'layer': '{layer}' is not a ReLU node of model '{graph.Name}'; its ReLUs: "
            + string.Join(", ", relus.Select(n => n.Name)));
    }

    /// <summary>
    /// Attacks <paramref name="labels"/>.Length images <paramref name="clean"/> (scaled, the data set's layout);
    /// <paramref name="firstIndex"/> is the first image's index in the data set (it keys the random start).
    /// </summary>
    public AttackBatch Run(float[] clean, int[] labels, int firstIndex, AttackOptions options)
    {
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int n = labels.Length, size = _frontEnd.DataShape.Size;
        if (clean.Length != n * size) throw new ArgumentException($"{clean.Length} values for {n} images of {size}", nameof(clean));
        int[] cleanPredictions = Predict(clean, n);
        float[] u = (float[])clean.Clone();
        Node? layer = null;
        bool[]? active = null;
        if (options.Method == AttackMethod.SignFlip)
        {
            layer = SignFlipLayer(options.Layer).Inputs[0];
            active = PositiveAt(layer, clean, n);
        }
        if (options.Epsilon > 0)
        {
            if (options.RandomStart) RandomStart(u, clean, n, firstIndex, options);
            for (int step = 0; step < options.EffectiveSteps; step++) Step(u, clean, labels, options, layer, active);
        }
        int[] predictions = Predict(u, n);
        int[] activeCount = new int[n], silenced = new int[n];
        if (layer is not null)
        {
            bool[] after = PositiveAt(layer, u, n);
            int units = layer.OutputShape.Size;
            for (int s = 0; s < n; s++)
            {
                for (int k = s * units; k < (s + 1) * units; k++)
                {
                    if (!active![k]) continue;
                    activeCount[s]++;
                    if (!after[k]) silenced[s]++;
                }
            }
        }
        return new AttackBatch(u, cleanPredictions, predictions, activeCount, silenced);
    }

    private void Step(float[] u, float[] clean, int[] labels, AttackOptions o, Node? layer, bool[]? active)
    {
        int n = labels.Length, size = _frontEnd.DataShape.Size;
        var x = new float[n * _frontEnd.ModelShape.Size];
        _frontEnd.ToModel(u, x, n);
        GradientResult r = layer is null
            ? _gradients.Loss(x, labels, n, o.Loss)
            : _gradients.Backward(x, n, layer, (s, z, g) =>
            {
                // Σ z over the neurons active on the clean image: its gradient is their mask.
                float sum = 0;
                for (int k = 0; k < z.Length; k++)
                {
                    if (!active![(s * z.Length) + k]) continue;
                    g[k] = 1f;
                    sum += z[k];
                }
                return sum;
            });
        var g = new float[n * size];
        _frontEnd.ToData(r.InputGradient, g, n);
        float alpha = o.Alpha, direction = layer is null ? 1f : -1f;
        Parallel.For(0, n, s =>
        {
            Span<float> us = u.AsSpan(s * size, size);
            ReadOnlySpan<float> cs = clean.AsSpan(s * size, size), gs = g.AsSpan(s * size, size);
            if (o.Method.IsLInfinity())
            {
                for (int i = 0; i < size; i++)
                {
                    float v = us[i] + (direction * alpha * MathF.Sign(gs[i]));
                    v = Math.Clamp(v, cs[i] - o.Epsilon, cs[i] + o.Epsilon);
                    us[i] = Math.Clamp(v, o.Min, o.Max);
                }
                return;
            }
            float norm = TensorPrimitives.Norm(gs);
            if (norm > 0)
            {
                for (int i = 0; i < size; i++) us[i] += alpha * gs[i] / norm;
            }
            ProjectL2(us, cs, o);
        });
    }

    /// <summary>δ = u − clean scaled down to ‖δ‖₂ ≤ ε, then u clamped to the valid range.</summary>
    private static void ProjectL2(Span<float> u, ReadOnlySpan<float> clean, AttackOptions o)
    {
        double sum = 0;
        for (int i = 0; i < u.Length; i++) sum += (double)(u[i] - clean[i]) * (u[i] - clean[i]);
        float norm = (float)Math.Sqrt(sum), factor = norm > o.Epsilon ? o.Epsilon / norm : 1f;
        for (int i = 0; i < u.Length; i++) u[i] = Math.Clamp(clean[i] + ((u[i] - clean[i]) * factor), o.Min, o.Max);
    }

    private static void RandomStart(float[] u, float[] clean, int n, int firstIndex, AttackOptions o)
    {
        int size = u.Length / Math.Max(1, n);
        for (int s = 0; s < n; s++)
        {
            var rng = new Random(HashCode.Combine(o.Seed, firstIndex + s));
            Span<float> us = u.AsSpan(s * size, size);
            ReadOnlySpan<float> cs = clean.AsSpan(s * size, size);
            if (o.Method.IsLInfinity())
            {
                for (int i = 0; i < size; i++) us[i] = Math.Clamp(cs[i] + (o.Epsilon * (float)((2 * rng.NextDouble()) - 1)), o.Min, o.Max);
                continue;
            }
            // A Gaussian direction with a uniform radius in [0, ε].
            for (int i = 0; i < size; i++)
            {
                double a = 1 - rng.NextDouble(), b = rng.NextDouble();
                us[i] = cs[i] + (float)(Math.Sqrt(-2 * Math.Log(a)) * Math.Cos(2 * Math.PI * b));
            }
            float norm = 0;
            for (int i = 0; i < size; i++) norm += (us[i] - cs[i]) * (us[i] - cs[i]);
            float scale = o.Epsilon * (float)rng.NextDouble() / MathF.Max(MathF.Sqrt(norm), 1e-12f);
            for (int i = 0; i < size; i++) us[i] = Math.Clamp(cs[i] + ((us[i] - cs[i]) * scale), o.Min, o.Max);
        }
    }

    /// <summary>The ANN's class for each image (the first largest logit).</summary>
    public int[] Predict(float[] u, int n)
    {
        var x = new float[n * _frontEnd.ModelShape.Size];
        _frontEnd.ToModel(u, x, n);
        float[] logits = _logits.Forward(x, n);
        int classes = _logits.OutputSize;
        return [.. Enumerable.Range(0, n).Select(s => TensorPrimitives.IndexOfMax(logits.AsSpan(s * classes, classes)))];
    }

    /// <summary>Whether each value of <paramref name="node"/> is positive, per image (n × node size).</summary>
    private bool[] PositiveAt(Node node, float[] u, int n)
    {
        var x = new float[n * _frontEnd.ModelShape.Size];
        _frontEnd.ToModel(u, x, n);
        var executor = new AnnExecutor(new ModelGraph(_gradients.Graph.Input, node, "layer"), _logits.Options);
        return [.. executor.Forward(x, n).Select(v => v > 0)];
    }
}
