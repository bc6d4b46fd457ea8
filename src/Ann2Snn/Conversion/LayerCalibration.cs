namespace Ann2Snn.Conversion;

/// <summary>Layer-wise calibration of a converted network on calibration images, at the window it is tuned for.</summary>
public enum LayerCalibration
{
    /// <summary>None: the network as normalization made it.</summary>
    None,

    /// <summary>
    /// Biases only (Li et al. 2021, "light"): layer by layer, each neuron's mean output over the window is matched to the
    /// ANN's mean activation by a constant current.
    /// </summary>
    Light,

    /// <summary>
    /// Thresholds and biases ("advanced"): layer by layer, λ is scaled by the factor that minimizes the squared error of
    /// the network's outputs against the ANN's logits, then the biases are corrected as in <see cref="Light"/>.
    /// </summary>
    Advanced,
}
