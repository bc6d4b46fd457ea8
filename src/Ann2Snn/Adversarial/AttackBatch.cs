namespace Ann2Snn.Adversarial;

/// <summary>
/// One batch attacked: the adversarial images (as the data set gives them), the ANN's predictions on the clean and the
/// adversarial images, and for the sign-flip attack each image's neurons of the layer that fired on the clean image and how
/// many of them the attack silenced.
/// </summary>
public sealed record AttackBatch(float[] Adversarial, int[] CleanPredictions, int[] Predictions, int[] Active, int[] Silenced);
