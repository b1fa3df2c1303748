// Package runio writes and reads the files of a training run directory
// (SPEC §4): NumPy .npz checkpoints, CSV tables (prediction.csv, observation
// data) and the append-only metrics.csv log.
//
// Every whole-file writer here is atomic: the bytes go to a temporary file
// in the destination directory, are fsynced, and the file is renamed over
// the destination, so a reader (or a run resumed after a crash) sees either
// the old file or the complete new one, never a prefix. The one exception is
// [CSVAppender], an append-only log; see its documentation for what it
// guarantees instead.
//
// Numbers are float64 throughout: .npz arrays are written as little-endian
// float64 in C order, and CSV numbers are formatted with
// strconv.FormatFloat(v, 'g', -1, 64), which reads back bit for bit.
package runio
