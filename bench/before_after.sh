#!/usr/bin/env bash
# Side-by-side speed of two builds of the CLI on the same networks, in interleaved rounds (the machine is shared and
# noisy: only medians of ratios taken within a round are quoted).
#   bench/before_after.sh BEFORE_DIR AFTER_DIR ROUNDS IMAGES NET.snn:DATA [NET.snn:DATA ...]
# BEFORE_DIR and AFTER_DIR hold a built Ann2Snn.Cli.dll (copy src/Ann2Snn.Cli/bin/Release/net10.0 before a change).
# Prints, per network and backend, the median images/s of each build and the median of the per-round ratios after/before.
set -euo pipefail
before=$1 after=$2 rounds=$3 images=$4; shift 4
out=$(mktemp -d)
for r in $(seq 1 "$rounds"); do
  for spec in "$@"; do
    net=${spec%%:*} data=${spec#*:} tag=$(basename "$net" .snn)
    # Alternate which build goes first, so a drift in load within a round favours neither.
    if (( r % 2 )); then order="before after"; else order="after before"; fi
    for side in $order; do
      dir=$before; [ "$side" = after ] && dir=$after
      dotnet "$dir/Ann2Snn.Cli.dll" bench "$net" --data "$data" -T 32 --images "$images" --repetitions 1 --json \
        >"$out/$tag.$side.$r.json"
    done
  done
done
python3 - "$out" "$rounds" "$@" <<'PY'
import json, statistics, sys, os
out, rounds, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"{'network':<22}{'backend':<10}{'before img/s':>14}{'after img/s':>14}{'after/before':>14}")
for spec in specs:
    tag = os.path.basename(spec.split(':')[0]).removesuffix('.snn')
    rate = lambda side, r: {b['backend']: b['images_per_second'] for b in json.load(open(f"{out}/{tag}.{side}.{r}.json"))['backends']}
    rows = [(rate('before', r), rate('after', r)) for r in range(1, rounds + 1)]
    for backend in rows[0][0]:
        b = statistics.median(x[0][backend] for x in rows)
        a = statistics.median(x[1][backend] for x in rows)
        ratio = statistics.median(x[1][backend] / x[0][backend] for x in rows)
        print(f"{tag:<22}{backend:<10}{b:>14.1f}{a:>14.1f}{ratio:>14.3f}")
PY
rm -rf "$out"
