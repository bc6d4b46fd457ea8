#!/usr/bin/env bash
# The packages as a user gets them: packs every package of the solution into a local feed, installs the `ann2snn` .NET tool
# from it into a temporary tool path (with an empty NuGet cache, so nothing stale is used), and from an empty folder runs
# `ann2snn --version` and a short demo, which must find the bundled model and data inside the tool package. Then builds and
# runs the library samples (samples/*) against the packed library packages, also from the feed.
# Exit 0 passed, 1 failed. Usage: tests/package/run.sh   (after `dotnet build Ann2Snn.slnx -c Release`)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
export NUGET_PACKAGES="$work/packages"

fail() { echo "package test: FAILED: $*" >&2; exit 1; }

dotnet pack Ann2Snn.slnx -c Release --no-build -o "$feed" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "dotnet pack"; }
version="$(ls "$feed" | sed -nE 's/^Ann2Snn\.Cli\.([0-9][^/]*)\.nupkg$/\1/p' | head -n 1)"
[ -n "$version" ] || fail "no Ann2Snn.Cli package in $feed"
for id in Ann2Snn Ann2Snn.Onnx Ann2Snn.Nir Ann2Snn.Reports Ann2Snn.Cli; do
  [ -f "$feed/$id.$version.nupkg" ] || fail "missing $id.$version.nupkg"
  [ -f "$feed/$id.$version.snupkg" ] || fail "missing the symbols package $id.$version.snupkg"
done

dotnet tool install Ann2Snn.Cli --version "$version" --tool-path "$work/tools" --add-source "$feed" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "dotnet tool install"; }

mkdir "$work/empty"
cd "$work/empty"
shown="$("$work/tools/ann2snn" --version)"
case "$shown" in "$version"*) ;; *) fail "ann2snn --version printed '$shown', expected $version…" ;; esac
echo "package test: ann2snn --version: $shown"
# No repository above this folder and no ANN2SNN_DATA: the model and the data come from the tool package.
env -u ANN2SNN_DATA "$work/tools/ann2snn" demo --limit 500 --json >"$work/demo.json" 2>"$work/demo.err" \
  || { cat "$work/demo.err"; fail "ann2snn demo --limit 500 from an empty folder"; }
python3 - "$work/demo.json" <<'PY' || fail "the demo's JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["images"] == 500, d["images"]
assert d["ann_accuracy"] > 0.95, d["ann_accuracy"]
best = max(d["snn_accuracy"].values())
assert best > 0.95, best
print(f"package test: demo from an empty folder: ANN {d['ann_accuracy']:.3f}, best SNN {best:.3f} on {d['images']} images")
PY
[ -f reports/demo/index.html ] || fail "the demo wrote no report in the working folder"

# The samples against the packages: a fresh package folder (nothing stale), the solution's restored packages as a fallback
# for everything that is not ours (no download), the local feed for ours.
cp -r "$root/samples" "$work/samples"
for project in "$work"/samples/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  cd "$(dirname "$project")"
  dotnet run -c Release -p:Ann2SnnVersion="$version" -p:RestoreAdditionalProjectSources="$feed" \
    -p:RestoreFallbackFolders="${HOME}/.nuget/packages" -- "$root/models/mnist_lenet_bn.onnx" "$work/report-$name" \
    >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; fail "sample $name"; }
  sed "s/^/package test: sample $name: /" "$work/$name.log" | tail -n 8
done
echo "package test: PASSED"
