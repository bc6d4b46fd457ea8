#!/usr/bin/env bash
# Accuracy and synaptic events of the low-latency methods at short windows, on full bundled test sets (analog input).
#   bench/lowlatency.sh CLI_DIR OUT.jsonl MODEL:DATA:T[,T…]:METHOD[,METHOD…] [...]
# CLI_DIR holds a built Ann2Snn.Cli.dll (e.g. a copy of src/Ann2Snn.Cli/bin/Release/net10.0, so that building meanwhile
# does not disturb the runs). Every (model, T, method) runs `ann2snn eval MODEL --data DATA -T T METHOD-OPTIONS --json`
# and appends one JSON line {model, data, t, method, args, ann, snn, events, seconds}. Methods:
#   plain      the long-window conversion (p99.9, no tuning)           --optimize-for none
#   fit        λ fitted per channel to T slots, nothing else          --optimize-for T --calibrate none --signed off
#   light      fit + light layer-wise calibration (biases)             --optimize-for T --calibrate light --signed off
#   advanced   fit + advanced calibration (λ factors and biases)       --optimize-for T --calibrate advanced --signed off
#   signed     fit + light calibration + signed neurons                --optimize-for T --calibrate light --signed on
#   burst2     plain with bursts of up to 2 spikes per step            --optimize-for none --burst 2
#   burst2fit  fit + light calibration with bursts of 2               --optimize-for T --calibrate light --burst 2
#   default    what `eval -T T` does (the --optimize-for T recipe for T ≤ 32)
set -euo pipefail
cli=$1 out=$2; shift 2
for spec in "$@"; do
  IFS=: read -r model data ts methods <<<"$spec"
  for t in ${ts//,/ }; do
    for m in ${methods//,/ }; do
      case $m in
        plain) args="--optimize-for none" ;;
        fit) args="--optimize-for $t --calibrate none --signed off" ;;
        light) args="--optimize-for $t --calibrate light --signed off" ;;
        advanced) args="--optimize-for $t --calibrate advanced --signed off" ;;
        signed) args="--optimize-for $t --calibrate light --signed on" ;;
        burst2) args="--optimize-for none --burst 2" ;;
        burst2fit) args="--optimize-for $t --calibrate light --burst 2" ;;
        default) args="" ;;
        *) echo "unknown method $m" >&2; exit 2 ;;
      esac
      start=$(date +%s.%N)
      # shellcheck disable=SC2086
      json=$(dotnet "$cli/Ann2Snn.Cli.dll" eval "$model" --data "$data" -T "$t" $args --json)
      end=$(date +%s.%N)
      python3 - "$model" "$data" "$t" "$m" "$args" "$start" "$end" "$json" >>"$out" <<'PY'
import json, sys
model, data, t, m, args, start, end, raw = sys.argv[1:]
d = json.loads(raw)
print(json.dumps({"model": model, "data": data, "t": int(t), "method": m, "args": args, "ann": d["ann_accuracy"],
                  "snn": d["snn_accuracy"][t], "events": d["synaptic_events_per_image"],
                  "seconds": round(float(end) - float(start), 1), "tuning": d.get("tuning")}))
PY
      tail -n 1 "$out" | cut -c1-200
    done
  done
done
