#!/usr/bin/env bash
# End-to-end test of deploy/slurm/sweep.sbatch on a real one-node Slurm
# cluster started here (its own munge key and slurm.conf in a temp dir, 2
# CPUs, localhost): a 4-run sweep through `sbatch --wait`; then a fresh
# submission with one task cancelled mid-run by scancel, resubmitted, and
# checked to train only the missing run. Needs slurm-wlm and munge (Debian);
# prints SKIP and exits 0 when they are missing. Run from the project root.
set -euo pipefail
for t in munged mungekey slurmctld slurmd sbatch squeue scancel sinfo; do
  if ! command -v "$t" >/dev/null 2>&1; then
    echo "SKIP slurm end-to-end test: $t not found (apt-get install -y slurm-wlm munge)"
    exit 0
  fi
done
if [ "$(id -u)" != 0 ]; then
  echo "SKIP slurm end-to-end test: needs root to start munged and slurmd"
  exit 0
fi
root=$(pwd)
T=$(mktemp -d /tmp/gopinn-slurm.XXXXXX)
chmod 755 "$T"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$T"/log/*.log; do echo "--- $f"; tail -20 "$f"; done
  exit 1
}
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/log"
chmod 700 "$T/munge"

# munge with its own key and socket
mungekey -c -f -k "$T/munge/key" >/dev/null
munged --key-file="$T/munge/key" --socket="$T/munge/socket" --pid-file="$T/munge/pid" \
  --log-file="$T/log/munged.log" --seed-file="$T/munge/seed" --force
sleep 0.5
pids+=("$(cat "$T/munge/pid")")

host=$(hostname -s)
cat > "$T/slurm.conf" <<CONF
ClusterName=gopinn-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
SchedulerType=sched/backfill
KillWait=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"
slurmctld -D -f "$SLURM_CONF" >"$T/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$T/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then break; fi
  sleep 0.5
done
sinfo -h -o %t | grep -q idle || fail "the node did not come up: $(sinfo 2>&1)"
echo "slurm: one node up ($host, 2 CPUs)"

# the binary and a 4-run sweep whose runs take a few seconds each
CGO_ENABLED=0 go build -o "$T/pinntrain" ./cmd/pinntrain
export PINNTRAIN="$T/pinntrain"
cat > "$T/spec.yaml" <<'SPEC'
name: slurm-tiny
seed: 1
variables: {x: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_xx + pi^2*sin(pi*x)", points: 64}
conditions:
  - {name: ends, on: "x == 0 or x == 1", type: dirichlet, value: "0", points: 2}
model: {layers: [16, 16]}
training: {steps: 6000, lr: 3.0e-3, checkpoint_every: 100}
evaluation: {exact: {u: "sin(pi*x)"}, points: 50, every: 1000}
SPEC
cat > "$T/sweep.yaml" <<SW
spec: spec.yaml
grid:
  training.lr: [1.0e-3, 3.0e-3]
seeds: [0, 1]
out: $T/out
SW
n=$("$PINNTRAIN" sweep "$T/sweep.yaml" --count)
[ "$n" = 4 ] || fail "--count printed $n, want 4"
cd "$T"

# 1. the whole array, waited for
sbatch --wait --array=0-$((n-1)) --cpus-per-task=1 -o "$T/log/a-%a.log" \
  "$root/deploy/slurm/sweep.sbatch" "$T/sweep.yaml" >/dev/null || fail "sbatch --wait failed"
rows=$(tail -n +2 "$T/out/table.csv" | awk -F, '{s += $2} END {print s}')
[ "$rows" = 4 ] || fail "table.csv counts $rows completed runs, want 4: $(cat "$T/out/table.csv")"
echo "ok    array of 4: table.csv has 4 completed runs"

# 2. a fresh sweep; cancel task 1 mid-run, then resubmit
sed -i "s#^out: .*#out: $T/out2#" "$T/sweep.yaml"
job=$(sbatch --parsable --array=0-$((n-1)) --cpus-per-task=1 -o "$T/log/b-%a.log" \
  "$root/deploy/slurm/sweep.sbatch" "$T/sweep.yaml")
for _ in $(seq 200); do
  [ -f "$T/out2/runs/1/checkpoint.npz" ] && break
  sleep 0.1
done
[ -f "$T/out2/runs/1/checkpoint.npz" ] || fail "run 1 wrote no checkpoint"
scancel "${job}_1"
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 0.2
done
[ -z "$(squeue -h -j "$job")" ] || fail "array $job did not end"
status1=$(sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' "$T/out2/runs/1/summary.json" 2>/dev/null || true)
[ "$status1" != completed ] || fail "run 1 completed although cancelled"
for i in 0 2 3; do
  grep -q '"status": "completed"' "$T/out2/runs/$i/summary.json" || fail "run $i did not complete"
done
echo "ok    scancel of task 1 mid-run: run 1 ${status1:-without a summary}, runs 0, 2, 3 completed"
sbatch --wait --array=0-$((n-1)) --cpus-per-task=1 -o "$T/log/c-%a.log" \
  "$root/deploy/slurm/sweep.sbatch" "$T/sweep.yaml" >/dev/null || fail "resubmission failed"
grep -q "^run 1: resume" "$T/log/c-1.log" || fail "run 1 was not resumed: $(cat "$T/log/c-1.log")"
for i in 0 2 3; do
  grep -q "^run $i: already completed" "$T/log/c-$i.log" || fail "run $i trained again: $(cat "$T/log/c-$i.log")"
done
rows=$(tail -n +2 "$T/out2/table.csv" | awk -F, '{s += $2} END {print s}')
[ "$rows" = 4 ] || fail "after resubmission table.csv counts $rows runs"
echo "ok    resubmitted: run 1 resumed from its checkpoint, runs 0, 2, 3 skipped; 4 completed"

# 3. a 2-rank data-parallel training (deploy/slurm/train-mpi.sbatch), when
# OpenMPI and cgo can build the MPI binary
if command -v mpirun >/dev/null 2>&1 && pkg-config --exists ompi 2>/dev/null &&
  (cd "$root" && CGO_ENABLED=1 go build -tags mpi -o "$T/pinntrain-mpi" ./cmd/pinntrain); then
  sed -i 's/steps: 6000/steps: 400/' "$T/spec.yaml"
  PINNTRAIN="$T/pinntrain-mpi" sbatch --wait -n 2 -o "$T/log/mpi.log" \
    "$root/deploy/slurm/train-mpi.sbatch" "$T/spec.yaml" "$T/mpi" >/dev/null || fail "the 2-rank job failed: $(cat "$T/log/mpi.log")"
  grep -q '"ranks": 2' "$T/mpi/summary.json" || fail "2-rank job: summary.json has no \"ranks\": 2"
  grep -q '"status": "completed"' "$T/mpi/summary.json" || fail "2-rank job did not complete"
  echo "ok    2-rank job (srun -n 2 through train-mpi.sbatch): completed, summary ranks 2"
else
  echo "SKIP 2-rank Slurm job: OpenMPI (libopenmpi-dev, openmpi-bin) or cgo missing"
fi
echo "PASS slurm end-to-end"
