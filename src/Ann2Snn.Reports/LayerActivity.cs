namespace Ann2Snn.Reports;

/// <summary>
/// One spiking layer's activity per image over the whole run; <paramref name="Lambda"/> is null where unknown (readouts, loaded
/// networks); <paramref name="MacsPerImage"/> is an operator layer's work (0 for populations).
/// </summary>
public sealed record LayerActivity(string Name, string Kind, int Neurons, float? Lambda, double SpikesPerImage, double Rate,
    double SynapticEventsPerImage, double MacsPerImage = 0);
