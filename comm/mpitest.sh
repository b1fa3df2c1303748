#!/usr/bin/env bash
# Runs package comm's MPI tests under a real OpenMPI: the test binary built
# with -tags mpi, started by mpirun as 2 and 3 ranks. Prints SKIP and exits
# 0 when OpenMPI (libopenmpi-dev, openmpi-bin) is missing. From the root.
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
