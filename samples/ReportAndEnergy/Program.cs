// Energy and the report: evaluate, print the energy per image under each built-in hardware profile against the ANN's, and
// write the HTML report (plots, every number as JSON and CSV) that `ann2snn eval --report` writes.
// Usage: dotnet run -- [MODEL.onnx] [REPORT-FOLDER]   (defaults: the repository's models/mnist_lenet_bn.onnx, ./report)
using Ann2Snn.Analysis;
using Ann2Snn.Data;
using Ann2Snn.Evaluation;
using Ann2Snn.Onnx;
using Ann2Snn.Reports;
using Ann2Snn.Simulation;

string model = Samples.Model(args);
string folder = args.Length > 1 ? args[1] : "report";
EvaluationResult result = Evaluator.Run(new EvaluationRequest
{
    ModelPath = model,
    GraphLoader = path => OnnxImporter.Load(path),
    Data = DatasetResolver.Open("mnist", DatasetSplit.Test),
    Calibration = DatasetResolver.Open("mnist", DatasetSplit.Train),
    Simulation = new SimulationOptions { Timesteps = 32 },
    Limit = 200,
});

Console.WriteLine($"SNN at T = 32: {result.Accuracy[^1].Snn:P1} (ANN {result.AnnAccuracy:P1}), "
    + $"{result.Totals.SynapticEventsPerImage:N0} synaptic events per image");
foreach (EnergyEstimate e in result.Energy ?? [])
{
    Console.WriteLine($"{e.Profile.Name,-14} SNN {e.SnnJoules * 1e6,8:F3} µJ  ANN {e.AnnJoules * 1e6,8:F3} µJ  ANN/SNN {e.Ratio:F2}×");
}

string index = ReportWriter.Write(ReportBuilder.Build(ReportInputs.From(result)), folder);
Console.WriteLine($"report: {index}");
if (!File.Exists(index)) throw new InvalidOperationException("no report written");
