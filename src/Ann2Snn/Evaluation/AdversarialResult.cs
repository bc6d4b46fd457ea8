using Ann2Snn.Adversarial;
using Ann2Snn.Snn;
using Ann2Snn.Tensors;

namespace Ann2Snn.Evaluation;

/// <summary>
/// Everything <see cref="AdversarialStudy.Run"/> measured: the clean accuracies of the ANN and of the SNN at each T, one
/// <see cref="AdversarialRow"/> per ε, example images, and (when kept) every adversarial image.
/// </summary>
public sealed record AdversarialResult
{
    public required AdversarialRequest Request { get; init; }

    /// <summary>The model's file, or the name of the network given.</summary>
    public required string Model { get; init; }

    public required string Data { get; init; }

    public required SpikingNetwork Network { get; init; }

    /// <summary>The backend that simulated the SNN.</summary>
    public required string Simulator { get; init; }

    /// <summary>The input encoding the SNN ran with.</summary>
    public required InputEncoding Input { get; init; }

    /// <summary>Images attacked.</summary>
    public required int Images { get; init; }

    /// <summary>The ANN's accuracy on the clean images.</summary>
    public required double CleanAnnAccuracy { get; init; }

    /// <summary>The SNN's accuracy on the clean images at each T, in <see cref="AdversarialRequest.Timesteps"/>' order.</summary>
    public required IReadOnlyList<double> CleanSnnAccuracy { get; init; }

    /// <summary>The T values simulated, ascending.</summary>
    public required IReadOnlyList<int> Timesteps { get; init; }

    public required IReadOnlyList<AdversarialRow> Rows { get; init; }

    /// <summary>The SNN's layer names, the order of <see cref="AdversarialTransfer.LayerSpikeChange"/>.</summary>
    public required IReadOnlyList<string> Layers { get; init; }

    /// <summary>The sign-flip attack's layer (a ReLU node), or null.</summary>
    public string? SignFlipLayer { get; init; }

    /// <summary>The images' per-sample shape (the data set's) and valid range.</summary>
    public required Shape ImageShape { get; init; }

    /// <summary>Example images as the data set gives them (scaled): the first <see cref="AdversarialRequest.Examples"/>.</summary>
    public required float[] ExampleImages { get; init; }

    public required int[] ExampleLabels { get; init; }

    /// <summary>Per ε, the examples' adversarial images.</summary>
    public required IReadOnlyList<float[]> ExampleAdversarial { get; init; }

    /// <summary>Per ε, every adversarial image (with <see cref="AdversarialRequest.KeepAdversarial"/>; else empty).</summary>
    public IReadOnlyList<float[]> Adversarial { get; init; } = [];

    /// <summary>Every image's label (with <see cref="AdversarialRequest.KeepAdversarial"/>; else empty).</summary>
    public int[] Labels { get; init; } = [];

    /// <summary>The input front end: the map from images to the model's input, for saving them in its layout.</summary>
    public required InputFrontEnd FrontEnd { get; init; }

    /// <summary>Wall-clock seconds of crafting the attacks (all ε).</summary>
    public required double AttackSeconds { get; init; }
}
