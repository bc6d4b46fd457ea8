#!/usr/bin/env bash
# Forward + backward (the input gradient of the cross-entropy, one attack step) images/s of ann2snn and of PyTorch on the
# same models, batch sizes and 2 threads, in interleaved rounds so both see the same machine load; prints each round and the
# medians. Needs Debian's PyTorch (see README.md here). Usage: bench/attack/speed.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
models="models/mnist_lenet_bn.onnx models/fmnist_vgg.onnx"
dotnet build bench/Ann2Snn.Bench -c Release -v q -nologo >/dev/null
bench=$(find bench/Ann2Snn.Bench/bin/Release -name Ann2Snn.Bench.dll | head -n 1)
out=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  dotnet "$bench" --quick --gradients $models --reps 5 --threads 2 | grep 'forward+backward' >> "$out/ours.txt"
  /usr/bin/python3 bench/attack/torch_speed.py --rounds 1 --out "$out/torch-$r.json" >/dev/null
  echo "round $r done" >&2
done
/usr/bin/python3 - "$out" "$rounds" <<'PY'
import json, re, statistics, sys, pathlib
out, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
ours = {}
for line in (out / "ours.txt").read_text().splitlines():
    m = re.match(r"(\S+) batch (\d+), .*forward\+backward ([\d,]+) images/s", line)
    ours.setdefault((m[1], int(m[2])), []).append(float(m[3].replace(",", "")))
torch = {}
for r in range(1, rounds + 1):
    for row in json.loads((out / f"torch-{r}.json").read_text())["results"]:
        torch.setdefault((row["model"], row["batch"]), []).append(row["median_images_per_s"])
print(f"{'model':16} {'batch':>5} {'ann2snn img/s':>14} {'PyTorch img/s':>14} {'ratio':>6}")
for key in sorted(ours):
    a, t = statistics.median(ours[key]), statistics.median(torch.get(key, [float('nan')]))
    print(f"{key[0]:16} {key[1]:5d} {a:14,.0f} {t:14,.0f} {a / t:6.2f}")
PY
