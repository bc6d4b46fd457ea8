namespace Ann2Snn.Ann;

/// <summary>
/// The loss of one sample as a function of a node's values: returns the loss and writes its gradient with respect to
/// <paramref name="values"/> into <paramref name="gradient"/> (zeroed before the call). <paramref name="sample"/> is the
/// sample's index in the batch.
/// </summary>
public delegate float GradientSeed(int sample, ReadOnlySpan<float> values, Span<float> gradient);
