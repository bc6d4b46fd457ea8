namespace Ann2Snn.Evaluation;

/// <summary>The long stages of <see cref="Evaluator.Run"/>, in the order they run.</summary>
public enum EvaluationStage
{
    /// <summary>Calibrating and converting the ANN (counts calibration images; none for weight-only normalization).</summary>
    Conversion,

    /// <summary>The ANN's accuracy on the test images.</summary>
    Ann,

    /// <summary>The simulation of the spiking network on the test images.</summary>
    Snn,
}
