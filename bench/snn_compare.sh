#!/usr/bin/env bash
# Usage: bench/snn_compare.sh MODEL DATA T IMAGES   (e.g. models/mnist_lenet_bn.onnx mnist 32 1000)
# Builds the CLI once, times `ann2snn bench` (dense, layered and event backends, interleaved rounds) and the PyTorch reference
# (bench/torch_reference.py, /usr/bin/python3, 2 threads) on the same converted network and test images.
set -euo pipefail
MODEL=${1:?model}; DATA=${2:?data (mnist|fashion-mnist)}; T=${3:-32}; IMAGES=${4:-1000}
BATCH=${BATCH:-256}; THREADS=${THREADS:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NET=${NET:-/tmp/x.snn}
dotnet build "$ROOT/src/Ann2Snn.Cli" -c Release -v q -nologo >/dev/null
CLI="$ROOT/src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli"
OURS=$("$CLI" bench "$MODEL" --data "$DATA" --timesteps "$T" --images "$IMAGES" --batch "$BATCH" --threads "$THREADS" --save "$NET" --json)
REF=$(/usr/bin/python3 "$ROOT/bench/torch_reference.py" "$NET" "$ROOT/data/$DATA" --timesteps "$T" --images "$IMAGES" --batch "$BATCH" --threads "$THREADS" --json)
/usr/bin/python3 - "$OURS" "$REF" <<'PY'
import json, sys
ours, ref = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{ours['model']} on {ours['data']}: {ours['images']} images, T={ours['timesteps']}, batch {ours['batch']}, {ours['threads']} threads, medians of {ours['repetitions']}")
for b in ours["backends"]:
    print(f"  ann2snn {b['backend']:5s}: {b['images_per_second']:8.1f} images/s  {b['synaptic_events_per_second']:.3e} events/s  "
          f"{b['ns_per_synaptic_event']:.2f} ns/event  accuracy {100 * b['accuracy']:.2f} %")
print(f"  PyTorch {ref['torch']}: {ref['images_per_second']:8.1f} images/s  accuracy {100 * ref['accuracy']:.2f} %")
best = max(ours["backends"], key=lambda b: b["images_per_second"])
print(f"  ours ({best['backend']}) / PyTorch: {best['images_per_second'] / ref['images_per_second']:.2f}x")
nan = float("nan")
print(f"  event/dense: {ours.get('event_over_dense') or nan:.2f}x;  event/layered: {ours.get('event_over_layered') or nan:.2f}x;  "
      f"layered/dense: {ours.get('layered_over_dense') or nan:.2f}x  (medians of per-round ratios)")
agree = all(round(b["accuracy"] * ours["images"]) == round(ref["accuracy"] * ref["images"]) for b in ours["backends"])
print("  accuracies agree" if agree else "  ACCURACIES DIFFER")
sys.exit(0 if agree else 1)
PY
