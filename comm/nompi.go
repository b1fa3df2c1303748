//go:build !mpi

package comm

// Finalize ends MPI; without MPI support there is nothing to end.
func Finalize() error { return nil }
