using Ann2Snn.Snn;
using Ann2Snn.Training;

namespace Ann2Snn.Evaluation;

/// <summary>
/// The fine-tuned network, the test accuracy before the run (conversion only, or the random initialization) and the record of
/// every epoch (those of a resumed run's earlier epochs included), the epoch the run resumed after (0 for a new run), the wall
/// time of this run and the process's peak memory.
/// </summary>
public sealed record FineTuneResult(SpikingNetwork Network, double TestAccuracyBefore, double TestLossBefore,
    IReadOnlyList<EpochRecord> Epochs, int ResumedAfter, double Seconds, long PeakMemoryBytes, int TrainImages, int TestImages);
