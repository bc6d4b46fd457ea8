namespace Ann2Snn.Training;

/// <summary>
/// One epoch: mean training loss and accuracy (running, as the network changed during the epoch), accuracy and loss on the
/// test images after it (NaN without test images), its training wall time (the test evaluation excluded), and the mean
/// loss of each successive slice of its batches (a loss curve).
/// </summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    double Seconds, IReadOnlyList<double> LossCurve);
