namespace Ann2Snn.Adversarial;

/// <summary>How an adversarial perturbation is crafted on the ANN (see <see cref="Attacker"/>).</summary>
public enum AttackMethod
{
    /// <summary>Fast gradient sign method (Goodfellow et al. 2015): one L∞ step of ε along the sign of the loss gradient.</summary>
    Fgsm,

    /// <summary>Projected gradient descent in the L∞ ball (Madry et al. 2018): sign steps of α, projected back into the ε-box.</summary>
    Pgd,

    /// <summary>Projected gradient descent in the L2 ball: steps of α along the normalized gradient, projected onto the ε-sphere.</summary>
    PgdL2,

    /// <summary>
    /// The sign-flip attack: L∞ sign steps that push the pre-activations of a hidden layer's active neurons below zero, so that
    /// neurons which fired on the clean image fall silent (a ReLU network's spiking twin then stops their spikes altogether).
    /// </summary>
    SignFlip,
}
