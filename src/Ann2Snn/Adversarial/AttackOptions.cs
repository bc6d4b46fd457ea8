using Ann2Snn.Ann;

namespace Ann2Snn.Adversarial;

/// <summary>
/// One attack: the method, its budget ε (in the units of the images as the data set gives them, e.g. pixels in [0, 1]), the
/// steps and step size of the iterative methods, the optional seeded random start, the loss, and the valid range of the inputs.
/// </summary>
public sealed record AttackOptions
{
    public AttackMethod Method { get; init; } = AttackMethod.Fgsm;

    /// <summary>The budget: the L∞ or L2 radius of the perturbation (0: the clean images).</summary>
    public float Epsilon { get; init; }

    /// <summary>Gradient steps of PGD and sign-flip (FGSM takes one of ε).</summary>
    public int Steps { get; init; } = 20;

    /// <summary>The step size α; null: 2.5·ε / steps (Madry et al.).</summary>
    public float? StepSize { get; init; }

    /// <summary>
    /// Start from a random point of the ε-ball (uniform in the box, or a uniform radius along a Gaussian direction for L2).
    /// </summary>
    public bool RandomStart { get; init; }

    /// <summary>Seed of the random start; each image draws from its own stream keyed by its index in the data set.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The loss the gradient methods ascend.</summary>
    public LogitLoss Loss { get; init; } = LogitLoss.CrossEntropy;

    /// <summary>The smallest valid input value; every adversarial input is clamped to [<see cref="Min"/>, <see cref="Max"/>].</summary>
    public float Min { get; init; }

    /// <summary>The largest valid input value.</summary>
    public float Max { get; init; } = 1f;

    /// <summary>The sign-flip attack's layer: a ReLU node's name; null: the last ReLU before the logits.</summary>
    public string? Layer { get; init; }

    /// <summary>The step size in effect.</summary>
    public float Alpha => Method == AttackMethod.Fgsm ? Epsilon : StepSize ?? 2.5f * Epsilon / Steps;

    /// <summary>Gradient steps in effect.</summary>
    public int EffectiveSteps => Method == AttackMethod.Fgsm ? 1 : Steps;

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the option when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Method)) ThrowHelper.InvalidOption("method", $"unknown method {(int)Method}");
        if (!(Epsilon >= 0) || !float.IsFinite(Epsilon)) ThrowHelper.InvalidOption("eps", $"{Epsilon} must be a finite number ≥ 0");
        if (Method != AttackMethod.Fgsm && Steps < 1) ThrowHelper.InvalidOption("steps", $"{Steps} must be at least 1");
        if (StepSize is { } a && !(a > 0 && float.IsFinite(a))) ThrowHelper.InvalidOption("step-size", $"{a} must be a finite number > 0");
        if (!(Min < Max) || !float.IsFinite(Min) || !float.IsFinite(Max))
        {
            ThrowHelper.InvalidOption("range", $"[{Min}, {Max}] is not a range of finite values with min < max");
        }
    }
}
