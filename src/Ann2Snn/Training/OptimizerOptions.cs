namespace Ann2Snn.Training;

/// <summary>Optimizer, learning-rate schedule and gradient clipping of a fine-tuning run.</summary>
public sealed record OptimizerOptions
{
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Peak learning rate η₀ (&gt; 0).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Cosine schedule: η(s) = η_min + (η₀ − η_min)·(1 + cos(π·s/S))/2 over the run's S steps; off: η₀ throughout.</summary>
    public bool Cosine { get; init; } = true;

    /// <summary>η_min of the cosine schedule.</summary>
    public float MinLearningRate { get; init; }

    /// <summary>Momentum μ of SGD (0 = plain SGD).</summary>
    public float Momentum { get; init; } = 0.9f;

    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>L2 weight decay λ, added to the gradient of the weights (not of biases or thresholds).</summary>
    public float WeightDecay { get; init; }

    /// <summary>Largest global L2 norm of the gradient; a longer gradient is scaled down to it (0 = no clipping).</summary>
    public float ClipNorm { get; init; }

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when a value is outside its domain.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) ThrowHelper.InvalidOption("lr",
            $"{LearningRate} must be positive and finite");
        if (!(MinLearningRate >= 0) || !(MinLearningRate <= LearningRate)) ThrowHelper.InvalidOption("min-lr",
            $"{MinLearningRate} must be in [0, lr = {LearningRate}]");
        if (!(Momentum >= 0) || !(Momentum < 1)) ThrowHelper.InvalidOption("momentum", $"{Momentum} must be in [0, 1)");
        if (!(Beta1 >= 0) || !(Beta1 < 1) || !(Beta2 >= 0) || !(Beta2 < 1)) ThrowHelper.InvalidOption("betas",
            $"β₁ = {Beta1}, β₂ = {Beta2} must be in [0, 1)");
        if (!(Epsilon > 0)) ThrowHelper.InvalidOption("eps", $"{Epsilon} must be positive");
        if (!(WeightDecay >= 0) || !float.IsFinite(WeightDecay)) ThrowHelper.InvalidOption("weight-decay",
            $"{WeightDecay} must be ≥ 0 and finite");
        if (!(ClipNorm >= 0) || !float.IsFinite(ClipNorm)) ThrowHelper.InvalidOption("clip", $"{ClipNorm} must be ≥ 0 and finite");
    }
}
