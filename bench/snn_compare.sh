#!/usr/bin/env bash
# Usage: bench/snn_compare.sh MODEL DATA T IMAGES   (e.g. models/mnist_lenet_bn.onnx mnist 32 1000)
# Builds the CLI once, converts MODEL once (saved to $NET), then runs ROUNDS rounds (default 3); each round times
# `ann2snn bench` (dense, layered and event backends, a warm-up and then the median of REPS interleaved runs, default 3)
# and then the PyTorch reference (bench/torch_reference.py, /usr/bin/python3, 2 threads, a warm-up and the median of
# REPS runs) on the same network and test images. Ratios are medians over rounds of the ratio within a round, so a
# change in the machine's load between rounds falls on both sides; images/s are medians over rounds.
set -euo pipefail
MODEL=${1:?model}; DATA=${2:?data (mnist|fashion-mnist)}; T=${3:-32}; IMAGES=${4:-1000}
BATCH=${BATCH:-256}; THREADS=${THREADS:-2}; ROUNDS=${ROUNDS:-3}; REPS=${REPS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${NET:-}" ]; then NET=$(mktemp --suffix=.snn); trap 'rm -f "$NET"' EXIT; fi
dotnet build "$ROOT/src/Ann2Snn.Cli" -c Release -v q -nologo >/dev/null
CLI="$ROOT/src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli"
"$CLI" convert "$MODEL" --calib "$DATA" --output "$NET" >/dev/null
ROUNDS_JSON=()
for ((r = 0; r < ROUNDS; r++)); do
  OURS=$("$CLI" bench "$NET" --data "$DATA" --timesteps "$T" --images "$IMAGES" --batch "$BATCH" --threads "$THREADS" --repetitions "$REPS" --json)
  REF=$(/usr/bin/python3 "$ROOT/bench/torch_reference.py" "$NET" "$ROOT/data/$DATA" --timesteps "$T" --images "$IMAGES" --batch "$BATCH" --threads "$THREADS" --repetitions "$REPS" --json)
  ROUNDS_JSON+=("{\"ours\": $OURS, \"ref\": $REF}")
done
/usr/bin/python3 - "$MODEL" "${ROUNDS_JSON[@]}" <<'PY'
import json, statistics, sys
model, rounds = sys.argv[1], [json.loads(a) for a in sys.argv[2:]]
first = rounds[0]["ours"]
med = statistics.median
print(f"{model} on {first['data']}: {first['images']} images, T={first['timesteps']}, batch {first['batch']}, {first['threads']} threads, "
      f"{len(rounds)} interleaved rounds (medians)")
names = [b["backend"] for b in first["backends"]]
def seconds(rnd, name): return next(b["seconds"] for b in rnd["ours"]["backends"] if b["backend"] == name)
for name in names:
    b = next(b for b in first["backends"] if b["backend"] == name)
    ips = med(first["images"] / seconds(r, name) for r in rounds)
    print(f"  ann2snn {name:7s}: {ips:8.1f} images/s  {ips * b['synaptic_events_per_image']:.3e} events/s  "
          f"{1e9 / (ips * b['synaptic_events_per_image']):.2f} ns/event  accuracy {100 * b['accuracy']:.2f} %")
ref = rounds[0]["ref"]
print(f"  PyTorch {ref['torch']}: {med(r['ref']['images_per_second'] for r in rounds):8.1f} images/s  accuracy {100 * ref['accuracy']:.2f} %")
def ratio(fast, slow): return med(seconds(r, slow) / seconds(r, fast) for r in rounds)
best = max(names, key=lambda n: med(1 / seconds(r, n) for r in rounds))
print(f"  ours ({best}) / PyTorch: {med(r['ref']['seconds'] / seconds(r, best) for r in rounds):.2f}x")
pairs = [(f, s) for f, s in [("event", "dense"), ("event", "layered"), ("layered", "dense")] if f in names and s in names]
print("  " + ";  ".join(f"{f}/{s}: {ratio(f, s):.2f}x" for f, s in pairs))
agree = all(round(b["accuracy"] * first["images"]) == round(ref["accuracy"] * ref["images"]) for b in first["backends"])
print("  accuracies agree" if agree else "  ACCURACIES DIFFER")
sys.exit(0 if agree else 1)
PY
