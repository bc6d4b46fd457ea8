#!/usr/bin/env bash
# Development check, not part of the tests: loads .nir files with the reference reader (the `nir` Python package,
# github.com/neuromorphs/NIR) and runs its type check, as the issue's held-back check does. With no arguments it exports
# every zoo model (converted with the default options) and the two reference samples' round trips, and checks them all.
# Needs /usr/bin/python3 with h5py and numpy (Debian: apt-get install python3-h5py) and a checkout of the NIR sources:
#   NIR_SRC=/path/to/NIR scripts/check-nir.sh [FILE.nir ...]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${NIR_SRC:?set NIR_SRC to a checkout of github.com/neuromorphs/NIR (the folder holding nir/)}"
cli="${ANN2SNN_CLI:-src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli.dll}"
[ -f "$cli" ] || dotnet build src/Ann2Snn.Cli -c Release >/dev/null
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  for model in models/*.onnx; do
    name="$(basename "$model" .onnx)"
    data=mnist
    case "$name" in fmnist_*) data=fashion-mnist ;; esac
    if dotnet "$cli" export "$model" --calib "$data" --calib-images 200 --format nir -o "$out/$name.nir" >/dev/null 2>"$out/err"; then
      files+=("$out/$name.nir")
    else
      echo "REFUSED $name: $(cat "$out/err")"
    fi
  done
  for sample in tests/Ann2Snn.Tests/Nir/Fixtures/*.nir; do
    name="$(basename "$sample" .nir)"
    dotnet "$cli" import "$sample" -o "$out/$name.snn" >/dev/null
    dotnet "$cli" export "$out/$name.snn" --format nir -o "$out/$name-again.nir" >/dev/null
    files+=("$out/$name-again.nir")
  done
fi
PYTHONPATH="$NIR_SRC" /usr/bin/python3 - "${files[@]}" <<'PY'
import sys
import nir
failed = 0
for path in sys.argv[1:]:
    try:
        graph = nir.read(path)  # builds the NIRGraph: type inference and type check (nir >= 1.0.6)
        print(f"ok    {path}: {len(graph.nodes)} nodes, {len(graph.edges)} edges")
    except Exception as e:  # noqa: BLE001 - report every file
        failed += 1
        print(f"FAIL  {path}: {type(e).__name__}: {e}")
sys.exit(1 if failed else 0)
PY
