#!/usr/bin/env bash
# The accuracy cost of --weight-bits on the model zoo (docs/nir.md, "Weight quantization"): every models/*.onnx is
# converted and evaluated by `ann2snn eval` with float32 weights and with k = 8, 6, 4 bits (per-layer scale), on the
# first LIMIT test images at T = 128 steps; prints one TSV line per model and k with the ANN accuracy and the SNN
# accuracy at T = 32 and T = 128.
# Usage: scripts/weight-bits-sweep.sh [LIMIT] [SCALE] [MODEL…] > sweep.tsv   (LIMIT default 1000, SCALE layer|channel,
# MODEL a zoo name such as mnist_mlp; default every model). BITS="8 6 4" leaves out the float32 row.
set -euo pipefail
cd "$(dirname "$0")/.."
limit="${1:-1000}"
scale="${2:-layer}"
shift $(( $# < 2 ? $# : 2 ))
models=()
for name in "$@"; do models+=("models/$name.onnx"); done
[ ${#models[@]} -gt 0 ] || models=(models/*.onnx)
cli="${ANN2SNN_CLI:-src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli.dll}"
[ -f "$cli" ] || dotnet build src/Ann2Snn.Cli -c Release >/dev/null
printf 'model\tbits\tann\tsnn_T32\tsnn_T128\n'
for model in "${models[@]}"; do
  name="$(basename "$model" .onnx)"
  data=mnist
  case "$name" in fmnist_*) data=fashion-mnist ;; esac
  # The input normalization a model was trained with, as models/results.json records it.
  pre="$(python3 -c "import json,sys; print(json.load(open('models/results.json'))[sys.argv[1]].get('preprocessing') or '')" "$name")"
  for bits in ${BITS:-none 8 6 4}; do
    args=()
    [ "$bits" != none ] && args=(--weight-bits "$bits" --weight-scale "$scale")
    # shellcheck disable=SC2086
    dotnet "$cli" eval "$model" --data "$data" --limit "$limit" -T 128 $pre "${args[@]}" --json 2>/dev/null \
      | python3 -c "
import json, sys
d = json.load(sys.stdin)
s = d['snn_accuracy']
print('\t'.join([sys.argv[1], sys.argv[2], f\"{d['ann_accuracy']:.4f}\", f\"{s['32']:.4f}\", f\"{s['128']:.4f}\"]))
" "$name" "$bits"
  done
done
