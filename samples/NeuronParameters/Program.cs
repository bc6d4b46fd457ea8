// Custom neuron parameters: the same network converted to integrate-and-fire neurons (reset by subtraction, the default)
// and to leaky integrate-and-fire neurons with a finite membrane time constant and reset to zero, evaluated side by side.
// Usage: dotnet run -- [MODEL.onnx]   (default: the repository's models/mnist_lenet_bn.onnx)
using Ann2Snn.Conversion;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Neurons;
using Ann2Snn.Onnx;
using Ann2Snn.Simulation;

string model = Samples.Model(args);
IDataset test = DatasetResolver.Open("mnist", DatasetSplit.Test), train = DatasetResolver.Open("mnist", DatasetSplit.Train);
var conversions = new (string Name, ConversionOptions Options)[]
{
    ("IF, reset by subtraction", new ConversionOptions()),
    ("LIF, τm = 200 steps, reset to zero", new ConversionOptions
    {
        Neuron = NeuronModels.Lif,
        TauMem = 200f,
        Reset = ResetMode.ToZero,
    }),
    ("IF, λ at 80 % of f_max, 1-step refractory period", new ConversionOptions { RateFraction = 0.8f, RefractorySteps = 1 }),
};
foreach (var (name, options) in conversions)
{
    EvaluationResult r = Evaluator.Run(new EvaluationRequest
    {
        ModelPath = model,
        GraphLoader = path => OnnxImporter.Load(path),
        Data = test,
        Calibration = train,
        Conversion = options,
        Simulation = new SimulationOptions { Timesteps = 64 },
        Steps = [16, 64],
        Limit = 300,
    });
    string snn = string.Join(", ", r.Accuracy.Select(a => $"T={a.Timesteps}: {a.Snn:P1}"));
    Console.WriteLine($"{name,-50} ANN {r.AnnAccuracy:P1}  SNN {snn}");
}
