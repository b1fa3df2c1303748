// Package tboard writes TensorBoard event files holding scalar summaries,
// so a training run's losses and rates can be watched with
// `tensorboard --logdir DIR`.
//
// # What is written
//
// [Create] makes DIR/events.out.tfevents.<unix seconds>.<hostname>, the
// name TensorFlow's own writer uses (TensorBoard only loads files whose
// name contains "tfevents"). The first event carries
// file_version "brain.Event:2"; every [Writer.Scalars] call then appends
// one Event whose Summary holds one Value{tag, simple_value} per tag, tags
// in sorted order so equal inputs give equal bytes. Values are stored as
// float32 because simple_value is a proto float; NaN and ±Inf are written
// as they are, since TensorBoard plots them and hiding a diverging loss
// would be worse than showing it.
//
// Events are the protobuf messages of tensorflow/core/util/event.proto and
// tensorflow/core/framework/summary.proto (only the fields used here:
// Event.wall_time=1, step=2, file_version=3, summary=5;
// Summary.value=1; Value.tag=1, simple_value=2).
//
// # Record framing
//
// Each event is one TFRecord:
//
//	uint64 length          little-endian
//	uint32 masked CRC32C   of the 8 length bytes
//	[length]byte data      the encoded Event
//	uint32 masked CRC32C   of the data
//
// CRC32C is the Castagnoli polynomial and
// masked(c) = ((c >> 15) | (c << 17)) + 0xa282ead8 in uint32 arithmetic.
//
// # Resumed runs
//
// [Open] appends to an existing events file. It first reads every record
// and checks both CRCs. A torn last record, one cut short because the
// process was killed mid-write, is truncated away (reported by
// [Writer.Truncated]) and new events follow the last whole record. Any
// other damage (a CRC mismatch, an undecodable event) is returned as an
// error and the file is left untouched, since cutting there could throw
// away good data that follows.
//
// # Why hand-rolled
//
// There is no maintained Go TensorBoard writer; the framing and the three
// messages above are small enough to encode directly with protowire
// instead of generating (and vendoring) the TensorFlow protos.
package tboard
