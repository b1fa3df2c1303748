package tboard

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The expected hex below was computed once, independently of this
// package, by this pure-Python script (python3 3.x, no packages):
//
//	import struct
//	def crc32c(b):
//	    c = 0xFFFFFFFF
//	    for x in b:
//	        c ^= x
//	        for _ in range(8):
//	            c = (c >> 1) ^ (0x82F63B78 if c & 1 else 0)
//	    return c ^ 0xFFFFFFFF
//	def mask(c):
//	    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF
//	def record(data):
//	    n = struct.pack('<Q', len(data))
//	    return n + struct.pack('<I', mask(crc32c(n))) + data + struct.pack('<I', mask(crc32c(data)))
//	print('%08x' % crc32c(b'123456789'), '%08x' % mask(crc32c(b'123456789')), '%08x' % mask(crc32c(b'')))
//	fv = b'brain.Event:2'
//	print(record(fv).hex())
//	ev = b'\x09' + struct.pack('<d', 1700000000.5) + b'\x1a' + bytes([len(fv)]) + fv
//	print(record(ev).hex())
//	def val(tag, x):
//	    t = tag.encode()
//	    return b'\x0a' + bytes([len(t)]) + t + b'\x15' + struct.pack('<f', x)
//	summ = b''.join(b'\x0a' + bytes([len(v)]) + v for v in [val('loss', 0.25), val('lr', 0.001)])
//	ev2 = b'\x09' + struct.pack('<d', 1700000001.25) + b'\x10' + bytes([0xac, 0x02]) + b'\x2a' + bytes([len(summ)]) + summ
//	print(record(ev2).hex())
const (
	// TFRecord of the 13 bytes "brain.Event:2" alone.
	knownRaw13 = "0d00000000000000" + "3c37b834" + "627261696e2e4576656e743a32" + "ee01067c"
	// TFRecord of Event{wall_time: 1700000000.5, file_version: "brain.Event:2"}.
	knownFileVersion = "1800000000000000" + "a37f4b22" +
		"0900002040fc54d941" + "1a0d627261696e2e4576656e743a32" + "2b353110"
	// TFRecord of Event{wall_time: 1700000001.25, step: 300, summary {
	// value {tag: "loss" simple_value: 0.25} value {tag: "lr" simple_value: 0.001}}}.
	knownScalars = "2600000000000000" + "734fe300" +
		"0900005040fc54d941" + "10ac02" + "2a18" + "0a0b0a046c6f7373150000803e" + "0a090a026c72156f12833a" +
		"a8c06bc1"
)

func TestMaskedCRC32C(t *testing.T) {
	// 0xE3069283 is the standard CRC-32C check value of "123456789".
	if got := crc32.Checksum([]byte("123456789"), castagnoli); got != 0xE3069283 {
		t.Fatalf("CRC32C(123456789) = %#08x, want 0xe3069283", got)
	}
	// ((0xE3069283>>15)|(0xE3069283<<17)) + 0xa282ead8 mod 2^32.
	if got := maskedCRC32C([]byte("123456789")); got != 0xc78ab0e5 {
		t.Errorf("masked CRC32C(123456789) = %#08x, want 0xc78ab0e5", got)
	}
	// CRC32C of nothing is 0, so the mask leaves just its constant.
	if got := maskedCRC32C(nil); got != 0xa282ead8 {
		t.Errorf("masked CRC32C(empty) = %#08x, want 0xa282ead8", got)
	}
}

func TestKnownRecords(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"raw13", []byte(fileVersion), knownRaw13},
		{"file_version", encodeFileVersionEvent(1700000000.5), knownFileVersion},
		{"scalars", encodeScalarsEvent(1700000001.25, 300, map[string]float64{"lr": 0.001, "loss": 0.25}), knownScalars},
	} {
		if got := hex.EncodeToString(appendRecord(nil, tc.data)); got != tc.want {
			t.Errorf("%s record:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
	// The known bytes read back as the events they encode.
	path := filepath.Join(t.TempDir(), "known.tfevents")
	raw, _ := hex.DecodeString(knownFileVersion + knownScalars)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	evs, err := ReadScalars(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[0].FileVersion != "brain.Event:2" || evs[0].WallTime != 1700000000.5 ||
		evs[1].Step != 300 || evs[1].WallTime != 1700000001.25 ||
		evs[1].Values["loss"] != 0.25 || evs[1].Values["lr"] != float32(0.001) {
		t.Errorf("decoded %+v", evs)
	}
}

func TestRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	w, err := Create(dir)
	if err != nil {
		t.Fatal(err)
	}
	if name := filepath.Base(w.Path()); !regexp.MustCompile(`^events\.out\.tfevents\.\d{10}\..+$`).MatchString(name) {
		t.Errorf("file name %q is not events.out.tfevents.<secs>.<host>", name)
	}
	in := []struct {
		step int64
		wall float64
		vals map[string]float64
	}{
		{0, 1700000000.125, map[string]float64{"loss/total": 1.5, "loss/pde": 1.25, "lr": 1e-3}},
		{100, 1700000010.5, map[string]float64{"loss/total": 0, "loss/pde": -2.75, "lr": 1e-4, "l2": 1e-40}},
		{1 << 40, 1700000020.75, map[string]float64{"loss/total": math.NaN(), "lr": math.Inf(1)}},
	}
	for _, e := range in {
		if err := w.Scalars(e.step, e.wall, e.vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close: %v, want os.ErrClosed", err)
	}
	evs, err := ReadScalars(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1+len(in) {
		t.Fatalf("read %d events, want %d", len(evs), 1+len(in))
	}
	if evs[0].FileVersion != "brain.Event:2" || evs[0].WallTime <= 0 || evs[0].Values != nil {
		t.Errorf("first event %+v, want file_version brain.Event:2 with a wall time", evs[0])
	}
	for i, e := range in {
		got := evs[i+1]
		if got.Step != e.step || got.WallTime != e.wall || len(got.Values) != len(e.vals) {
			t.Errorf("event %d: %+v, want step %d wall %v %d tags", i, got, e.step, e.wall, len(e.vals))
		}
		for tag, v := range e.vals {
			g, ok := got.Values[tag]
			if want := float32(v); !ok || (g != want && !(math.IsNaN(float64(g)) && math.IsNaN(v))) {
				t.Errorf("event %d tag %q = %v (present %v), want %v", i, tag, g, ok, want)
			}
		}
	}
}

// writeSample writes a file of a file_version and two scalar events and
// returns its bytes and the offset where its last record starts.
func writeSample(t *testing.T) (data []byte, lastOff int64) {
	t.Helper()
	w, err := Create(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for s := int64(1); s <= 2; s++ {
		if err := w.Scalars(s, 1700000000+float64(s), map[string]float64{"loss": 1 / float64(s), "lr": 0.01}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data, err = os.ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scanRecords(bytes.NewReader(data), int64(len(data)), func(off int64, _ []byte) error {
		lastOff = off
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return data, lastOff
}

func TestTornLastRecord(t *testing.T) {
	data, lastOff := writeSample(t)
	lastLen := int64(len(data)) - lastOff
	// Cuts inside the length, at its end, inside its CRC, at the header's
	// end, inside the data, and one byte short of the data CRC.
	for _, keep := range []int64{1, 7, 8, 10, headerLen, headerLen + 1, lastLen / 2, lastLen - footerLen, lastLen - 1} {
		t.Run(fmt.Sprint(keep), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "events.out.tfevents.1.torn")
			if err := os.WriteFile(path, data[:lastOff+keep], 0o644); err != nil {
				t.Fatal(err)
			}
			evs, err := ReadScalars(path)
			if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), fmt.Sprintf("offset %d:", lastOff)) {
				t.Fatalf("ReadScalars: %v, want ErrTruncated at offset %d", err, lastOff)
			}
			if len(evs) != 2 {
				t.Errorf("ReadScalars kept %d whole events, want 2", len(evs))
			}
			w, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if w.Truncated() != keep {
				t.Errorf("Truncated() = %d, want %d", w.Truncated(), keep)
			}
			if err := w.Scalars(3, 1700000003, map[string]float64{"loss": 0.125}); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			evs, err = ReadScalars(path)
			if err != nil {
				t.Fatalf("after Open and append: %v", err)
			}
			if len(evs) != 3 || evs[1].Step != 1 || evs[2].Step != 3 || evs[2].Values["loss"] != 0.125 {
				t.Errorf("after Open and append: %+v, want steps 0 1 3", evs)
			}
			got, _ := os.ReadFile(path)
			if !bytes.Equal(got[:lastOff], data[:lastOff]) {
				t.Error("Open changed the whole records before the cut")
			}
		})
	}
}

func TestOpenWholeAndEmpty(t *testing.T) {
	data, _ := writeSample(t)
	dir := t.TempDir()
	whole := filepath.Join(dir, "whole")
	os.WriteFile(whole, data, 0o644)
	w, err := Open(whole)
	if err != nil {
		t.Fatal(err)
	}
	if w.Truncated() != 0 {
		t.Errorf("Open(whole file) truncated %d bytes", w.Truncated())
	}
	w.Close()
	if got, _ := os.ReadFile(whole); !bytes.Equal(got, data) {
		t.Error("Open of a whole file changed it")
	}
	// Killed before even the first record was whole: Open starts the
	// file afresh with its file_version event.
	torn := filepath.Join(dir, "torn")
	os.WriteFile(torn, data[:5], 0o644)
	if w, err = Open(torn); err != nil {
		t.Fatal(err)
	}
	w.Close()
	evs, err := ReadScalars(torn)
	if err != nil || len(evs) != 1 || evs[0].FileVersion != fileVersion {
		t.Errorf("Open(5-byte stub) gave %+v, %v; want one file_version event", evs, err)
	}
}

func TestCorruptCRC(t *testing.T) {
	data, lastOff := writeSample(t)
	for _, tc := range []struct {
		name string
		at   int64 // byte to flip
		msg  string
	}{
		{"data", lastOff + headerLen + 3, "data CRC"},
		{"length", lastOff + 9, "length CRC"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := bytes.Clone(data)
			bad[tc.at] ^= 0x40
			path := filepath.Join(t.TempDir(), "events.out.tfevents.1.bad")
			os.WriteFile(path, bad, 0o644)
			_, err := ReadScalars(path)
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), fmt.Sprintf("offset %d: %s", lastOff, tc.msg)) {
				t.Fatalf("ReadScalars: %v, want %s mismatch at offset %d", err, tc.msg, lastOff)
			}
			if _, err := Open(path); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Open: %v, want ErrCorrupt", err)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, bad) {
				t.Error("Open modified a corrupt file")
			}
		})
	}
}

func TestEmptyTag(t *testing.T) {
	w, err := Create(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Scalars(1, 1, map[string]float64{"": 1}); err == nil {
		t.Error("empty tag accepted")
	}
}
