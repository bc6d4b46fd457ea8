namespace Ann2Snn.Training;

/// <summary>Where a run stands after a batch: running loss and accuracy over the epoch so far, and speed.</summary>
public readonly record struct FineTuneProgress(int Epoch, int Epochs, int Batch, int Batches, int Images, int EpochImages,
    double Loss, double Accuracy, double ImagesPerSecond);
