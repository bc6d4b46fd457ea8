#!/bin/bash
# Training throughput of `ann2snn finetune` against the PyTorch BPTT reference (bench/training/torch_bptt.py) on the same
# converted network, T and batch, same cores: interleaved rounds, medians. Images/s of training (forward, backward, update).
# Usage: bench/training/speed.sh NET.snn [T] [ROUNDS] [OUR_IMAGES] [TORCH_IMAGES]   (ANN2SNN_DATA points at data/)
set -euo pipefail
net=$1; T=${2:-4}; rounds=${3:-3}; ours_n=${4:-640}; torch_n=${5:-320}
data=${ANN2SNN_DATA:-data}/mnist
cli=${ANN2SNN_CLI:-dotnet src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli.dll}
out=$(mktemp -d)
ours=(); torch=()
for r in $(seq "$rounds"); do
  $cli finetune "$net" --data mnist --limit "$ours_n" --test-limit 1 -T "$T" --batch 64 --threads 2 --json -o "$out/t.snn" > "$out/o.json"
  ours+=("$(python3 -c "import json; d=json.load(open('$out/o.json')); print(d['train_images'] / d['epochs'][0]['seconds'])")")
  torch+=("$(/usr/bin/python3 "$(dirname "$0")/torch_bptt.py" "$net" "$data" --timesteps "$T" --images "$torch_n" --json \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['images_per_second'])")")
  echo "round $r: ours ${ours[-1]} images/s, torch ${torch[-1]} images/s"
done
python3 - "${ours[*]}" "${torch[*]}" <<'PY'
import statistics, sys
o = [float(v) for v in sys.argv[1].split()]; t = [float(v) for v in sys.argv[2].split()]
print(f"median: ours {statistics.median(o):.1f} images/s, PyTorch {statistics.median(t):.1f} images/s, "
      f"ratio {statistics.median(o) / statistics.median(t):.2f}x")
PY
rm -rf "$out"
