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
restored="${NUGET_PACKAGES:-$HOME/.nuget/packages}" # where the solution's restore put its packages
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
# The JSON checked with the shell alone (CI machines need not have Python): 500 images, ANN and best SNN accuracy > 95 %.
json="$(tr -d ' \n\r\t' <"$work/demo.json")"
images="$(grep -oE '"images":[0-9]+' <<<"$json" | head -n 1 | cut -d: -f2)"
ann="$(grep -oE '"ann_accuracy":[0-9.eE+-]+' <<<"$json" | head -n 1 | cut -d: -f2)"
snn="$(grep -oE '"snn_accuracy":\{[^}]*\}' <<<"$json" | head -n 1 | grep -oE ':[0-9.eE+-]+' | tr -d : | sort -g | tail -n 1)"
[ "$images" = 500 ] || fail "the demo evaluated '$images' images, expected 500"
awk -v a="$ann" -v s="$snn" 'BEGIN { exit !(a > 0.95 && s > 0.95) }' || fail "demo accuracy: ANN '$ann', best SNN '$snn'"
echo "package test: demo from an empty folder: ANN $ann, best SNN $snn on $images images"
[ -f reports/demo/index.html ] || fail "the demo wrote no report in the working folder"

# The samples against the packages: a fresh package folder (nothing stale), the solution's restored packages as a fallback
# for everything that is not ours (no download), the local feed for ours.
cp -r "$root/samples" "$work/samples"
for project in "$work"/samples/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  cd "$(dirname "$project")"
  dotnet run -c Release -p:Ann2SnnVersion="$version" -p:RestoreAdditionalProjectSources="$feed" \
    -p:RestoreFallbackFolders="$restored" -- "$root/models/mnist_lenet_bn.onnx" "$work/report-$name" \
    >"$work/$name.log" 2>&1 || { cat "$work/$name.log"; fail "sample $name"; }
  sed "s/^/package test: sample $name: /" "$work/$name.log" | tail -n 8
done
echo "package test: PASSED"
