// Convert an ONNX network to a spiking network and evaluate both on the bundled MNIST test images, with the library's one
// entry point, Evaluator.Run. Usage: dotnet run -- [MODEL.onnx]   (default: the repository's models/mnist_lenet_bn.onnx)
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;

string model = Samples.Model(args);
var request = new EvaluationRequest
{
    ModelPath = model,
    GraphLoader = path => OnnxImporter.Load(path),        // the core reads no ONNX; the importer does
    Data = DatasetResolver.Open("mnist", DatasetSplit.Test), // bundled: found next to this program (or ANN2SNN_DATA)
    Calibration = DatasetResolver.Open("mnist", DatasetSplit.Train),
    Simulation = new SimulationOptions { Timesteps = 64 },
    Steps = [8, 16, 32, 64],
    Backend = SimulatorBackend.Event,
    Limit = 500,
};
EvaluationResult result = Evaluator.Run(request);

Console.WriteLine($"{result.Model} on {result.Images} images of {result.Data}, {result.Simulator.Name} backend");
Console.WriteLine($"ANN accuracy {result.AnnAccuracy:P2}");
foreach (StepAccuracy a in result.Accuracy)
{
    Console.WriteLine($"SNN at T = {a.Timesteps,3}: {a.Snn:P2} ({a.Difference * 100:+0.00;-0.00} pp from the ANN)");
}
if (result.Accuracy[^1].Difference is < -0.02) throw new InvalidOperationException("the SNN is more than 2 pp below the ANN at T = 64");
