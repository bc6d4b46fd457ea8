#!/usr/bin/env bash
# Usage: bench/attack/run_reference.sh ["MODEL:METHOD[:LIMIT] ..." ...]   (each quoted argument: a chain run in order)
# Runs the PyTorch attack references of issue 13 on the full test sets (10,000 images), one after another, at low
# priority, each writing bench/attack/results/<model>_<method>.json (rewritten after each eps) and a .log with its
# command and wall time. Slow on 2 shared cores: PGD-20 is 20 forward+backward passes per image and eps.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=bench/attack/results
mkdir -p "$out"
run() {
  local model="$1" method="$2" limit="$3" start end
  local name="${model}_${method}${limit:+_$limit}"
  local cmd=(/usr/bin/python3 bench/attack/torch_attack.py "models/$model.onnx" --method "$method" --eps 0.02,0.05,0.1
             --steps 20 --threads 2 ${limit:+--limit "$limit"} --out "$out/$name.json")
  start=$(date +%s)
  { echo "\$ nice -n 10 ${cmd[*]}"; nice -n 10 "${cmd[@]}"; } > "$out/$name.log" 2>&1
  end=$(date +%s)
  echo "wall: $((end - start)) s (started $(date -u -d @"$start" +%FT%TZ))" >> "$out/$name.log"
}
# Jobs MODEL:METHOD[:LIMIT] (LIMIT: the first N test images; results then go to MODEL_METHOD_LIMIT.json).
for job in "${@:-mnist_lenet_bn:fgsm fmnist_vgg:fgsm mnist_lenet_bn:pgd fmnist_vgg:pgd}"; do
  for j in $job; do
    IFS=: read -r model method limit <<< "$j"
    run "$model" "$method" "$limit"
  done
done
