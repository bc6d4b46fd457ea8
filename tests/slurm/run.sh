#!/usr/bin/env bash
# Integration test on a real Slurm scheduler (called by .ci/run after the unit tests; needs the Release build).
#
# Installs Debian's slurm-wlm and munge when they are missing, starts munged, slurmctld and slurmd for this one machine
# (localhost, 2 CPUs, private ports, state and sockets in a temporary folder), submits a small sweep with
# `ann2snn sweep --slurm` (2 configurations x 2 image shards = a job array of 4 tasks, then the dependent merge job), waits,
# and checks that the merged result equals the same sweep run locally and merged, byte for byte. Prints the wall time of
# both. Exit 0 when it passed; skips (exit 3, with a line saying so) only when the daemons cannot be installed or started.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
cli=(dotnet "$root/src/Ann2Snn.Cli/bin/Release/net10.0/Ann2Snn.Cli.dll")
say() { echo "slurm-test: $*"; }
work=$(mktemp -d /tmp/ann2snn-slurm.XXXXXX)
keep=1 # the folder stays (with the daemons' logs) when the test fails
cleanup() {
  for f in "$work/slurmd.pid" "$work/slurmctld.pid" "$work/munge/munged.pid"; do
    if [ -f "$f" ]; then kill "$(cat "$f")" 2>/dev/null || true; fi
  done
  sleep 1
  if [ "$keep" = 1 ]; then echo "slurm-test: logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
skip() {
  say "SKIPPED: $* (the Slurm integration test did not run)"
  for log in "$work"/*.log "$work"/munge/*.log; do
    if [ -f "$log" ]; then echo "--- $log"; tail -n 5 "$log"; fi
  done
  keep=0
  exit 3
}

if [ ! -f "${cli[1]}" ]; then
  say "FAILED: ${cli[1]} is missing; build Release first"
  exit 1
fi
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  say "installing slurm-wlm and munge from Debian's packages"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge; } >"$work/apt.log" 2>&1; then
    skip "could not install slurm-wlm and munge ($(tail -n 1 "$work/apt.log"))"
  fi
fi

# munge: our own daemon, key and socket (no system service touched).
mkdir -p "$work/munge" "$work/state" "$work/spool"
chmod 700 "$work/munge"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
socket="$work/munge/munge.socket"
if ! munged --force --socket="$socket" --key-file="$work/munge/munge.key" --pid-file="$work/munge/munged.pid" \
    --log-file="$work/munge/munged.log" --seed-file="$work/munge/munged.seed" >/dev/null 2>&1; then
  skip "munged did not start"
fi

host=$(hostname -s)
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=ann2snn-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 || skip "slurmctld did not start"
slurmd -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 || skip "slurmd did not start"
for _ in $(seq 60); do
  state=$(sinfo -h -N -o '%t' 2>/dev/null | head -n 1 || true)
  [ "$state" = "idle" ] && break
  sleep 1
done
[ "${state:-}" = "idle" ] || skip "the node did not come up (state '${state:-none}')"
say "slurmctld and slurmd up: node $host, 2 CPUs"

# The sweep: the bundled MLP at T = 8 and 16, Poisson input, 400 test images in 2 shards: 4 runs, one task each.
cat >"$work/spec.json" <<SPEC
{
  "models": ["$root/models/mnist_mlp.onnx"],
  "data": "mnist",
  "options": { "timesteps": [8, 16], "limit": 400, "input": "poisson", "calib-images": 200 },
  "seeds": [3],
  "shards": 2
}
SPEC

start=$(date +%s%N)
"${cli[@]}" sweep "$work/spec.json" --out "$work/slurm" --slurm --cpus-per-task 1 --json >"$work/submit.json"
merge_job=$(sed -nE 's/.*"merge_job": "([0-9]+)".*/\1/p' "$work/submit.json")
tasks=$(sed -nE 's/.*"tasks": ([0-9]+).*/\1/p' "$work/submit.json")
[ -n "$merge_job" ] || { say "FAILED: nothing submitted"; cat "$work/submit.json"; exit 1; }
say "submitted an array of $tasks tasks and merge job $merge_job"
for _ in $(seq 900); do
  squeue -h -j "$merge_job" 2>/dev/null | grep -q . || break
  sleep 1
done
slurm_ms=$(( ($(date +%s%N) - start) / 1000000 ))

start=$(date +%s%N)
"${cli[@]}" sweep "$work/spec.json" --out "$work/local" --threads 2 --json >/dev/null
"${cli[@]}" merge "$work/local" -o "$work/local/merged.json" --json >/dev/null
local_ms=$(( ($(date +%s%N) - start) / 1000000 ))

logs=$(ls "$work/slurm/logs"/sweep-*_*.out 2>/dev/null | wc -l)
if [ "$tasks" -lt 4 ] || [ "$logs" -lt 4 ]; then
  say "FAILED: $tasks tasks submitted, $logs task logs (expected at least 4)"
  exit 1
fi
if [ ! -f "$work/slurm/merged.json" ]; then
  say "FAILED: the merge job wrote no merged.json"
  tail -n 20 "$work/slurm/logs"/*.out || true
  exit 1
fi
if ! cmp -s "$work/slurm/merged.json" "$work/local/merged.json"; then
  say "FAILED: the merged result of the Slurm array differs from the local run"
  diff "$work/slurm/merged.json" "$work/local/merged.json" | head -n 20
  exit 1
fi
[ -f "$work/slurm/report/index.html" ] || { say "FAILED: the merge job wrote no report"; exit 1; }
say "PASSED: a $tasks-task array and its merge job equal the local run byte for byte;" \
  "wall time $((slurm_ms / 1000)).$((slurm_ms % 1000 / 100)) s on Slurm (submit to merged), $((local_ms / 1000)).$((local_ms % 1000 / 100)) s locally"
keep=0
