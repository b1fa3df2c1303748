#!/usr/bin/env bash
# Runs the MPI tests under a real OpenMPI: package comm's test binary built
# with -tags mpi, started by mpirun as 2 and 3 ranks, then data-parallel
# training through the CLI (below). Prints SKIP and exits 0 when OpenMPI
# (libopenmpi-dev, openmpi-bin) is missing. From the root.
set -euo pipefail
if ! command -v mpirun >/dev/null 2>&1 || ! pkg-config --exists ompi 2>/dev/null; then
  echo "SKIP MPI test: OpenMPI missing (apt-get install -y libopenmpi-dev openmpi-bin)"
  exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CGO_ENABLED=1 go test -c -tags mpi -o "$T/comm.test" ./comm
for np in 2 3; do
  out=$(mpirun --allow-run-as-root --oversubscribe -np "$np" "$T/comm.test" -test.run 'TestMPIWorld' -test.v 2>&1) || {
    echo "FAIL MPI test with $np ranks:"; echo "$out"; exit 1; }
  got=$(grep -c "AllreduceSum and Bcast exact" <<<"$out" || true)
  [ "$got" = "$np" ] || { echo "FAIL MPI test: $got of $np ranks passed:"; echo "$out"; exit 1; }
  echo "ok    MPI collectives exact on $np ranks (mpirun, OpenMPI $(mpirun --version | head -1 | awk '{print $NF}'))"
done

# Data-parallel training through the CLI (SPEC §7) on a real spec: one rank
# under mpirun is bit-identical to a plain run; 2 ranks train, a rerun is
# bit-identical, a cut run resumed under 2 ranks ends where the whole run
# does, Ctrl-C (SIGINT to mpirun) leaves a checkpoint that resumes, and a
# binary built without MPI refuses 2 ranks with exit 2.
CGO_ENABLED=1 go build -tags mpi -o "$T/pinntrain" ./cmd/pinntrain
CGO_ENABLED=0 go build -o "$T/pinntrain-nompi" ./cmd/pinntrain
MPIRUN="mpirun --allow-run-as-root --oversubscribe"
SETS=(--set training.steps=30 --set training.then.steps=10 --set 'model.layers=[16, 16]'
      --set equations.0.points=200 --set training.checkpoint_every=10 --set evaluation.every=10
      --set evaluation.points=400 --quiet)
spec=configs/heat1d.yaml
fail() { echo "FAIL MPI training: $*"; exit 1; }
same() { cmp -s "$1/prediction.csv" "$2/prediction.csv" || fail "$3: prediction.csv of $1 and $2 differ"; }
field() { sed -n "s/.*\"$2\": *\([^,}]*\).*/\1/p" "$1/summary.json" | head -1; }

"$T/pinntrain" train "$spec" --out "$T/plain" "${SETS[@]}" >/dev/null || fail "plain run"
$MPIRUN -np 1 "$T/pinntrain" train "$spec" --out "$T/one" "${SETS[@]}" >/dev/null || fail "1 rank"
same "$T/plain" "$T/one" "1 rank under mpirun vs a plain run"
echo "ok    1 rank under mpirun is bit-identical to a plain run"

$MPIRUN -np 2 "$T/pinntrain" train "$spec" --out "$T/two" "${SETS[@]}" >/dev/null || fail "2 ranks"
[ "$(field "$T/two" ranks)" = 2 ] || fail "summary.json ranks is $(field "$T/two" ranks), want 2"
[ "$(field "$T/two" status)" = '"completed"' ] || fail "status $(field "$T/two" status)"
$MPIRUN -np 2 "$T/pinntrain" train "$spec" --out "$T/two-again" "${SETS[@]}" >/dev/null || fail "2 ranks, rerun"
same "$T/two" "$T/two-again" "a rerun on 2 ranks"
if cmp -s "$T/plain/prediction.csv" "$T/two/prediction.csv"; then fail "2 ranks trained exactly as one"; fi
echo "ok    2 ranks: summary ranks 2, loss $(field "$T/two" loss) (1 rank $(field "$T/plain" loss)); rerun bit-identical"

$MPIRUN -np 2 "$T/pinntrain" train "$spec" --out "$T/cut" "${SETS[@]}" --steps 15 >/dev/null || fail "cut run"
[ "$(field "$T/cut" status)" = '"stopped"' ] || fail "cut run status $(field "$T/cut" status)"
$MPIRUN -np 2 "$T/pinntrain" resume "$T/cut" --quiet >/dev/null || fail "resume on 2 ranks"
same "$T/two" "$T/cut" "cut at 15 and resumed on 2 ranks"
rc=0; "$T/pinntrain" resume "$T/cut" --steps 60 --quiet >/dev/null 2>"$T/err" || rc=$?
[ "$rc" = 2 ] || fail "one rank resuming a 2-rank checkpoint: exit $rc, want 2 ($(cat "$T/err"))"
echo "ok    cut at step 15 and resumed on 2 ranks: bit-identical; 1 rank refused (exit 2)"

# Ctrl-C: a long run, SIGINT to mpirun once the first checkpoint is there
$MPIRUN -np 2 "$T/pinntrain" train "$spec" --out "$T/int" "${SETS[@]}" --set training.steps=100000 \
  --set training.checkpoint_every=50 >/dev/null 2>"$T/int.err" &
pid=$!
for _ in $(seq 1 600); do [ -f "$T/int/checkpoint.npz" ] && break; sleep 0.1; done
sleep 1
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
st=$(field "$T/int" status); steps=$(field "$T/int" steps)
[ "$st" = '"interrupted"' ] || fail "after SIGINT: status $st (exit $rc): $(cat "$T/int.err")"
$MPIRUN -np 2 "$T/pinntrain" resume "$T/int" --steps $((steps + 5)) --quiet >/dev/null || fail "resume after SIGINT"
[ "$(field "$T/int" steps)" = $((steps + 5)) ] || fail "resumed to step $(field "$T/int" steps), want $((steps + 5))"
echo "ok    SIGINT to mpirun at step $steps: exit $rc, status interrupted, checkpoint resumed to step $((steps + 5))"

rc=0; $MPIRUN -np 2 "$T/pinntrain-nompi" train "$spec" --out "$T/nompi" "${SETS[@]}" >/dev/null 2>"$T/err" || rc=$?
[ "$rc" != 0 ] || fail "a binary without MPI trained on 2 ranks"
grep -q "built without MPI support" "$T/err" || fail "no clear error without MPI: $(cat "$T/err")"
echo "ok    a binary without MPI refuses 2 ranks (exit $rc under mpirun: $(head -1 "$T/err" | cut -c1-80)...)"
