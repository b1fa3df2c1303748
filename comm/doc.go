// Package comm is the communicator data-parallel training runs over: ranks
// that each hold a copy of the parameters, sample their own points, and
// sum their gradients every step.
//
// A Comm has a rank, a size, and three collectives: AllreduceSum, Bcast and
// Barrier. Sums are deterministic: every implementation adds the ranks'
// contributions in rank order (0, 1, ..., n-1), so every rank holds the
// same bits and a rerun with the same number of ranks repeats them.
//
// Implementations: Single (one rank, collectives are no-ops), InProcess
// (goroutines as ranks, for tests), and MPI through OpenMPI when the binary
// is built with -tags mpi (cgo; `apt-get install libopenmpi-dev`). World
// returns the communicator of the processes started by mpirun or srun; a
// binary built without -tags mpi that is started as one of several ranks
// gets ErrNoMPI, so a multi-rank launch never trains N independent copies.
package comm
