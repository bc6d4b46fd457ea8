namespace Ann2Snn.Nir;

/// <summary>
/// The metadata ann2snn writes beside the NIR fields, for what NIR cannot say. Receivers ignore metadata (NIR_FORMAT.md
/// §2); <see cref="NirImporter"/> reads these keys back, so a round trip .snn → NIR → .snn is exact.
/// </summary>
internal static class NirKeys
{
    // Graph
    public const string Source = "source";
    public const string Dt = "dt";
    public const string NetworkName = "ann2snn_name";
    public const string NetworkMetadata = "ann2snn_metadata_";
    public const string CannotSay = "ann2snn_not_expressible";

    // Neuron, readout and max-pool nodes
    public const string LayerName = "ann2snn_layer";
    public const string Reset = "ann2snn_reset";
    public const string FiresAt = "ann2snn_fires_at";
    public const string InitialFraction = "ann2snn_initial_fraction";
    public const string Refractory = "ann2snn_refractory_steps";
    public const string Signed = "ann2snn_signed_spikes";
    public const string NegativeGain = "ann2snn_negative_gain";
    public const string Burst = "ann2snn_burst_limit";
    public const string Dynamics = "ann2snn_neuron";
    public const string Circuit = "ann2snn_circuit";
    public const string WtaCircuit = "maxpool_winner_take_all";

    // Op nodes standing in for an op NIR has no node for
    public const string Op = "ann2snn_op";
}
