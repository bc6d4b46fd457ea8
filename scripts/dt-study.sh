#!/usr/bin/env bash
# The accuracy cost of the simulation step Δt on a whole network (M6; docs/conversion.md, "The step Δt"): the LeNet of the
# zoo is converted once per Δt (--dt, in units of the neurons' time constant τ; weights and λ do not depend on it) and run
# for the same duration of 32 τ, i.e. T = 32/Δt steps, on the first LIMIT test images, with the default normalization
# (p99.9, no window tuning: --optimize-for none) and analog input. Prints one TSV line per Δt: the ANN accuracy, the SNN
# accuracy after 4, 8, 16 and 32 τ, the spikes per image over 32 τ and the steps run.
# Usage: scripts/dt-study.sh [LIMIT] [MODEL] > dt.tsv   (LIMIT default 1000, MODEL default models/mnist_lenet_bn.onnx)
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-1000}"
model="${2:-models/mnist_lenet_bn.onnx}"
cli="${ANN2SNN_CLI:-src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli.dll}"
[ -f "$cli" ] || dotnet build src/Ann2Snn.Cli -c Release >/dev/null
printf 'dt\tsteps\tann\tsnn_4tau\tsnn_8tau\tsnn_16tau\tsnn_32tau\tspikes_per_image\n'
for dt in 1 0.5 0.25 0.125 0.0625; do
  at="$(python3 -c "import sys; dt=float(sys.argv[1]); print(','.join(str(round(d/dt)) for d in (4, 8, 16, 32)))" "$dt")"
  dotnet "$cli" eval "$model" --data mnist --limit "$limit" --dt "$dt" --duration 32 --at "$at" --optimize-for none --json \
    | python3 -c "
import json, sys
d = json.load(sys.stdin)
s, dt = d['snn_accuracy'], float(sys.argv[1])
acc = [s[str(round(t / dt))] for t in (4, 8, 16, 32)]
print('\t'.join([sys.argv[1], str(d['timesteps']), f\"{d['ann_accuracy']:.4f}\"] + [f'{a:.4f}' for a in acc]
                + [f\"{d['spikes_per_image']:.0f}\"]))
" "$dt"
done
