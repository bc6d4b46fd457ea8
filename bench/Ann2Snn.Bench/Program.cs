using Ann2Snn.Bench;
using BenchmarkDotNet.Running;

// `--quick`: stopwatch medians, Ann2Snn vs ONNX Runtime side by side. Otherwise: BenchmarkDotNet (e.g. --filter *Gemm*).
if (args.Contains("--quick")) return Quick.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);
return 0;
