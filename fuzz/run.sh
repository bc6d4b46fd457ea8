#!/usr/bin/env bash
# Fuzzes the loaders with AFL++ and SharpFuzz, one target at a time, for a bounded time each.
#
#   fuzz/run.sh [TARGET[,TARGET…]|all] [SECONDS]
#                                        build, instrument, fuzz each TARGET (default all) for SECONDS (default 60)
#                                        FUZZ_EXECS=N also stops a target after about N executions
#   fuzz/run.sh replay TARGET PATH...    run saved inputs (files or folders) through the harness, one line each
#   fuzz/run.sh build                    only build and instrument (fuzz/out/bin)
#   fuzz/run.sh seeds                    rebuild the .snn and snn-manifest seeds from fuzz/corpus/onnx/mnist_*.onnx
#
# Targets: onnx idx npy npz snn snn-manifest (fuzz/Ann2Snn.Fuzz/Targets.cs). Results go to fuzz/out/ (ignored by git):
# fuzz/out/findings/TARGET/default/{crashes,hangs,queue,fuzzer_stats}. Each target's summary line gives executions,
# average executions per second, wall time, queue size, crashes and hangs; any crash or hang is replayed and the
# script exits 1. Installs what is missing: afl++ (Debian's package, needs root) and the sharpfuzz tool (NuGet,
# into fuzz/out/tools).
set -euo pipefail
CALLER=$PWD
cd "$(dirname "$0")"
FUZZ=$PWD
OUT=$FUZZ/out
BIN=$OUT/bin
TOOLS=$OUT/tools
ALL_TARGETS=(onnx idx npy npz snn snn-manifest)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

build() {
  if ! command -v afl-fuzz >/dev/null 2>&1; then
    echo "fuzz: installing afl++ from Debian's packages" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  fi
  if [ ! -x "$TOOLS/sharpfuzz" ]; then
    echo "fuzz: installing SharpFuzz.CommandLine 2.3.0 into $TOOLS" >&2
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$TOOLS" >/dev/null
  fi
  # A fresh publish every time: sharpfuzz refuses an assembly it has already instrumented.
  rm -rf "$BIN"
  dotnet publish Ann2Snn.Fuzz/Ann2Snn.Fuzz.csproj -c Release -o "$BIN" --nologo -v quiet
  # Our two assemblies, and OnnxSharp's generated protobuf classes (their branches give the fuzzer the ONNX
  # message structure). Google.Protobuf and the framework (zip, gzip, JSON) stay uninstrumented.
  for dll in Ann2Snn.dll Ann2Snn.Onnx.dll OnnxSharp.dll; do
    "$TOOLS/sharpfuzz" "$BIN/$dll" >/dev/null
  done
}

stat() { sed -nE "s/^$1 *: *([^ ]*).*/\1/p" "$2"; }

fuzz_one() {
  local target=$1 seconds=$2
  local findings=$OUT/findings/$target
  local -a extra=()
  [ -f "$FUZZ/dict/$target.dict" ] && extra+=(-x "$FUZZ/dict/$target.dict")
  [ -n "${FUZZ_EXECS:-}" ] && extra+=(-E "$FUZZ_EXECS")
  rm -rf "$findings"
  mkdir -p "$findings"
  # The data targets write each input to files: on tmpfs when there is one.
  local scratch
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    scratch=$(mktemp -d "/dev/shm/ann2snn-fuzz-$target.XXXXXX")
  else
    mkdir -p "$OUT/tmp"
    scratch=$(mktemp -d "$OUT/tmp/$target.XXXXXX")
  fi
  echo "fuzz: $target for ${seconds}s${FUZZ_EXECS:+ or ${FUZZ_EXECS} executions}: afl-fuzz -i corpus/$target -o out/findings/$target -t 2000 -m none -V $seconds ${extra[*]} -- dotnet out/bin/Ann2Snn.Fuzz.dll $target"
  # -t 2000: an input that takes 2 s is a hang (they take well under a millisecond). -m none: .NET reserves far
  # more address space than it uses; memory is bounded instead by the harness (64 MiB allocated per input, else a
  # finding) and by the GC's hard limit (1 GiB, else OutOfMemoryException, a crash).
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_FORKSRV_INIT_TMOUT=60000 AFL_NO_AFFINITY=1 \
  DOTNET_GCHeapHardLimit=0x40000000 FUZZ_TMP="$scratch" \
    afl-fuzz -i "$FUZZ/corpus/$target" -o "$findings" -t 2000 -m none -V "$seconds" "${extra[@]}" \
      -- dotnet "$BIN/Ann2Snn.Fuzz.dll" "$target" >"$findings/afl.log" 2>&1 || {
        echo "fuzz: afl-fuzz failed on $target; the end of $findings/afl.log:" >&2
        tail -n 30 "$findings/afl.log" >&2
        rm -rf "$scratch"
        return 1
      }
  rm -rf "$scratch"
  local stats=$findings/default/fuzzer_stats
  local execs runtime crashes hangs queue
  execs=$(stat execs_done "$stats")
  runtime=$(stat run_time "$stats")
  crashes=$(stat saved_crashes "$stats")
  hangs=$(stat saved_hangs "$stats")
  queue=$(stat corpus_count "$stats")
  printf '%-13s executions %10d  exec/s %7.0f  time %5ds  queue %4d  crashes %d  hangs %d\n' \
    "$target" "$execs" "$(echo "$execs / ($runtime + 0.001)" | bc -l)" "$runtime" "$queue" "$crashes" "$hangs" | tee -a "$OUT/summary.txt"
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    dotnet "$BIN/Ann2Snn.Fuzz.dll" "$target" "$findings/default/crashes" "$findings/default/hangs" | grep -v '^refused\|^loaded' || true
    return 1
  fi
}

case "${1:-all}" in
  replay)
    shift
    [ -f "$BIN/Ann2Snn.Fuzz.dll" ] || build
    cd "$CALLER"
    exec dotnet "$BIN/Ann2Snn.Fuzz.dll" "$@"
    ;;
  build)
    build
    ;;
  seeds)
    dotnet build ../src/Ann2Snn.Cli -c Release --nologo -v quiet
    build
    cli=../src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli
    calib=(--calib mnist --calib-images 64)
    rm -rf corpus/snn corpus/snn-manifest
    mkdir -p corpus/snn corpus/snn-manifest
    "$cli" convert corpus/onnx/mnist_conv_avg.onnx "${calib[@]}" -o corpus/snn/conv_avg.snn >/dev/null
    "$cli" convert corpus/onnx/mnist_conv_max_res.onnx "${calib[@]}" --maxpool wta -o corpus/snn/max_res_wta.snn >/dev/null
    "$cli" convert corpus/onnx/mnist_conv_max_res.onnx "${calib[@]}" --maxpool gate --neuron lif --tau-mem 20 --reset zero \
      --refractory 2 --v-init 0.5 -o corpus/snn/max_res_gate_lif.snn >/dev/null
    "$cli" convert corpus/onnx/mnist_mlp.onnx "${calib[@]}" --readout count --scaling thresholds --norm max -o corpus/snn/mlp_count.snn >/dev/null
    "$cli" convert corpus/onnx/mnist_mlp.onnx "${calib[@]}" --signed on --norm channel -o corpus/snn/mlp_signed.snn >/dev/null
    for f in corpus/snn/*.snn; do
      dotnet "$BIN/Ann2Snn.Fuzz.dll" --manifest-seed "$f" "corpus/snn-manifest/$(basename "$f" .snn).bin"
    done
    ls -l corpus/snn corpus/snn-manifest
    ;;
  *)
    target=${1:-all}
    seconds=${2:-60}
    if [ "$target" = all ]; then targets=("${ALL_TARGETS[@]}"); else IFS=, read -r -a targets <<<"$target"; fi
    for t in "${targets[@]}"; do
      [ -d "corpus/$t" ] || { echo "fuzz: unknown target '$t'; targets: ${ALL_TARGETS[*]}" >&2; exit 2; }
    done
    build
    status=0
    for t in "${targets[@]}"; do
      fuzz_one "$t" "$seconds" || status=1
    done
    exit $status
    ;;
esac
