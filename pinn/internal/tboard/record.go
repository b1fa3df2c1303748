package tboard

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Errors returned (wrapped, with path and byte offset) by [ReadScalars].
var (
	// ErrTruncated: the file ends inside a record, as after a kill mid-write.
	ErrTruncated = errors.New("truncated record")
	// ErrCorrupt: a CRC does not match or an event cannot be decoded.
	ErrCorrupt = errors.New("corrupt record")
)

const (
	headerLen = 8 + 4 // length, masked CRC of length
	footerLen = 4     // masked CRC of data
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC32C is the TFRecord checksum. The mask exists (per TensorFlow)
// because CRCs of data that itself embeds CRCs are weak; it is part of the
// format, so readers reject unmasked values.
func maskedCRC32C(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return ((c >> 15) | (c << 17)) + 0xa282ead8
}

// appendRecord appends data framed as one TFRecord to dst.
func appendRecord(dst, data []byte) []byte {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(data)))
	dst = append(dst, n[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, maskedCRC32C(n[:]))
	dst = append(dst, data...)
	return binary.LittleEndian.AppendUint32(dst, maskedCRC32C(data))
}

// scanRecords reads the TFRecords of r, which is size bytes long, calling
// fn with each record's offset and data (valid only during the call).
// It returns the offset just past the last whole, checked record, so a
// caller can cut a torn tail there. Knowing size up front lets a corrupt
// length be caught before it is used to allocate.
func scanRecords(r io.Reader, size int64, fn func(off int64, data []byte) error) (int64, error) {
	br := bufio.NewReader(r)
	var hdr [headerLen]byte
	var buf []byte
	var off int64
	for off < size {
		left := size - off
		if left < headerLen {
			return off, fmt.Errorf("record at offset %d: %d of %d header bytes: %w", off, left, headerLen, ErrTruncated)
		}
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return off, fmt.Errorf("record at offset %d: %w", off, err)
		}
		if got, want := binary.LittleEndian.Uint32(hdr[8:]), maskedCRC32C(hdr[:8]); got != want {
			return off, fmt.Errorf("record at offset %d: length CRC %#08x, want %#08x: %w", off, got, want, ErrCorrupt)
		}
		n := binary.LittleEndian.Uint64(hdr[:8])
		if avail := left - headerLen; avail < footerLen || n > uint64(avail-footerLen) {
			return off, fmt.Errorf("record at offset %d: %d data bytes + CRC, only %d bytes left: %w", off, n, avail, ErrTruncated)
		}
		if uint64(cap(buf)) < n+footerLen {
			buf = make([]byte, n+footerLen)
		}
		buf = buf[:n+footerLen]
		if _, err := io.ReadFull(br, buf); err != nil {
			return off, fmt.Errorf("record at offset %d: %w", off, err)
		}
		data := buf[:n]
		if got, want := binary.LittleEndian.Uint32(buf[n:]), maskedCRC32C(data); got != want {
			return off, fmt.Errorf("record at offset %d: data CRC %#08x, want %#08x: %w", off, got, want, ErrCorrupt)
		}
		if err := fn(off, data); err != nil {
			return off, fmt.Errorf("record at offset %d: %w", off, err)
		}
		off += headerLen + int64(n) + footerLen
	}
	return off, nil
}
