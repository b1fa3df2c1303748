package runio

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sbinet/npyio/npy"
)

func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		// Bit equality: the round trip must be exact, NaN and -0 included.
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func testArrays() map[string]Array {
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i) + 0.25
		}
		return v
	}
	return map[string]Array{
		"scalar":  {Shape: []int{}, Data: []float64{42.5}},
		"step":    {Shape: nil, Data: []float64{5000}},
		"vec":     {Shape: []int{4}, Data: []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)}},
		"tiny":    {Shape: []int{3}, Data: []float64{math.SmallestNonzeroFloat64, math.MaxFloat64, 0.1}},
		"empty":   {Shape: []int{0}, Data: nil},
		"w0":      {Shape: []int{2, 3}, Data: seq(6)},
		"col":     {Shape: []int{5, 1}, Data: seq(5)},
		"cube":    {Shape: []int{2, 3, 4}, Data: seq(24)},
		"hollow":  {Shape: []int{3, 0}, Data: nil},
		"adam/m0": {Shape: []int{1, 2}, Data: []float64{-1e-300, 1e300}},
	}
}

func TestNPZRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ck", "checkpoint.npz")
	want := testArrays()
	if err := WriteNPZ(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Errorf("read %d arrays, wrote %d", len(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("array %q missing", k)
			continue
		}
		if !slices.Equal(g.Shape, w.Shape) {
			t.Errorf("%s: shape %v, want %v", k, g.Shape, w.Shape)
		}
		if !sameFloats(g.Data, w.Data) {
			t.Errorf("%s: data %v, want %v", k, g.Data, w.Data)
		}
	}
	noTemps(t, filepath.Dir(path), "checkpoint.npz")
}

func TestNPZReproducible(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.npz"), filepath.Join(dir, "b.npz")
	if err := WriteNPZ(a, testArrays()); err != nil {
		t.Fatal(err)
	}
	if err := WriteNPZ(b, testArrays()); err != nil {
		t.Fatal(err)
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Error("two writes of the same arrays differ")
	}
	// Members are sorted by key and named as numpy.savez names them.
	zr, err := zip.OpenReader(a)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if !slices.IsSorted(names) {
		t.Errorf("members not sorted: %v", names)
	}
	if !slices.Contains(names, "w0.npy") {
		t.Errorf("members %v lack w0.npy", names)
	}
}

func TestWriteNPZErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npz")
	for _, tc := range []struct {
		name   string
		arrays map[string]Array
		want   string
	}{
		{"short data", map[string]Array{"a": {Shape: []int{2, 2}, Data: []float64{1, 2, 3}}}, `array "a": shape [2 2] holds 4 values, data has 3`},
		{"scalar without value", map[string]Array{"a": {}}, `shape [] holds 1 values, data has 0`},
		{"negative", map[string]Array{"a": {Shape: []int{-1}}}, "negative dimension"},
		{"leading zero", map[string]Array{"a": {Shape: []int{0, 3}}}, "leading zero dimension"},
		{"empty key", map[string]Array{"": {Shape: []int{1}, Data: []float64{1}}}, "empty array name"},
	} {
		err := WriteNPZ(path, tc.arrays)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("failed writes left %s behind", path)
	}
}

// writeRawNPZ writes an npz whose members are arbitrary Go values, as
// numpy would store int64, float32 or Fortran-ordered arrays.
func writeRawNPZ(t *testing.T, path string, members map[string][]byte) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, k := range slices.Sorted(mapsKeys(members)) {
		w, err := zw.Create(k)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(members[k])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// npyBytes encodes v with npyio.
func npyBytes(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := npy.Write(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// handNPY builds a version-1.0 .npy member with the given header dict.
func handNPY(dict string, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte("\x93NUMPY\x01\x00"))
	h := dict
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	b.Write([]byte{byte(len(h)), byte(len(h) >> 8)})
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func TestReadNPZOtherDtypes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "np.npz")
	// Fortran-ordered 2x3 float64 [[1,2,3],[4,5,6]] is stored 1,4,2,5,3,6.
	var fdata bytes.Buffer
	for _, v := range []float64{1, 4, 2, 5, 3, 6} {
		var b [8]byte
		u := math.Float64bits(v)
		for i := range b {
			b[i] = byte(u >> (8 * i))
		}
		fdata.Write(b[:])
	}
	// Big-endian int32 vector [1, -2].
	be := []byte{0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe}
	writeRawNPZ(t, path, map[string][]byte{
		"i64.npy":  npyBytes(t, []int64{-3, 0, 1 << 40}),
		"f32.npy":  npyBytes(t, []float32{0.5, -1.25}),
		"u8.npy":   npyBytes(t, []uint8{7}),
		"i64s.npy": npyBytes(t, int64(9)),
		"fort.npy": handNPY("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", fdata.Bytes()),
		"be.npy":   handNPY("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", be),
	})
	got, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	for k, w := range map[string]Array{
		"i64":  {Shape: []int{3}, Data: []float64{-3, 0, 1 << 40}},
		"f32":  {Shape: []int{2}, Data: []float64{0.5, -1.25}},
		"u8":   {Shape: []int{1}, Data: []float64{7}},
		"i64s": {Shape: []int{}, Data: []float64{9}},
		"fort": {Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}},
		"be":   {Shape: []int{2}, Data: []float64{1, -2}},
	} {
		g := got[k]
		if !slices.Equal(g.Shape, w.Shape) || !sameFloats(g.Data, w.Data) {
			t.Errorf("%s: got %v %v, want %v %v", k, g.Shape, g.Data, w.Shape, w.Data)
		}
	}

	writeRawNPZ(t, path, map[string][]byte{"c.npy": npyBytes(t, []complex128{1i})})
	if _, err := ReadNPZ(path); err == nil || !strings.Contains(err.Error(), `array "c"`) {
		t.Errorf("complex array: err = %v, want an error naming the array", err)
	}
}

// python returns a Python interpreter that can import numpy, or skips.
func python(t *testing.T) string {
	t.Helper()
	// Try PATH first, then the system interpreter, which is where a
	// distribution's numpy package lands when PATH leads to another Python.
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	t.Skip("no python3 with numpy")
	return ""
}

// TestNumpyLoadsNPZ checks the files against numpy itself, both ways.
func TestNumpyLoadsNPZ(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "go.npz")
	arrays := testArrays()
	if err := WriteNPZ(path, arrays); err != nil {
		t.Fatal(err)
	}
	// numpy prints each array as key, shape and the repr of every value,
	// which is the shortest decimal that reads back exactly.
	script := `
import sys, numpy as np
z = np.load(sys.argv[1])
for k in sorted(z.files):
    a = z[k]
    assert a.dtype == np.float64, (k, a.dtype)
    assert a.flags['C_CONTIGUOUS']
    vals = ' '.join(repr(float(x)) for x in a.ravel())
    print(k + '|' + ','.join(map(str, a.shape)) + '|' + vals)
`
	out, err := exec.Command(py, "-c", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy.load: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(arrays) {
		t.Fatalf("numpy saw %d arrays, want %d:\n%s", len(lines), len(arrays), out)
	}
	for _, line := range lines {
		parts := strings.Split(line, "|")
		k := parts[0]
		a, ok := arrays[k]
		if !ok {
			t.Errorf("numpy key %q was not written", k)
			continue
		}
		var shape []string
		for _, d := range a.Shape {
			shape = append(shape, fmt.Sprint(d))
		}
		if parts[1] != strings.Join(shape, ",") {
			t.Errorf("%s: numpy shape (%s), want %v", k, parts[1], a.Shape)
		}
		var vals []float64
		for _, s := range strings.Fields(parts[2]) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("%s: numpy value %q: %v", k, s, err)
			}
			vals = append(vals, v)
		}
		if !sameFloats(vals, a.Data) {
			t.Errorf("%s: numpy values %v, want %v", k, vals, a.Data)
		}
	}

	// And numpy's own files, with the dtypes and orders numpy writes.
	npPath := filepath.Join(dir, "np.npz")
	script = `
import sys, numpy as np
np.savez(sys.argv[1],
    i=np.arange(6, dtype=np.int64).reshape(2, 3),
    f=np.array([[0.5, 1.5], [2.5, -3.5]], dtype=np.float32),
    F=np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4)),
    s=np.float64(3.25))
`
	if out, err := exec.Command(py, "-c", script, npPath).CombinedOutput(); err != nil {
		t.Fatalf("numpy.savez: %v\n%s", err, out)
	}
	got, err := ReadNPZ(npPath)
	if err != nil {
		t.Fatal(err)
	}
	seq := make([]float64, 24)
	for i := range seq {
		seq[i] = float64(i)
	}
	for k, w := range map[string]Array{
		"i": {Shape: []int{2, 3}, Data: seq[:6]},
		"f": {Shape: []int{2, 2}, Data: []float64{0.5, 1.5, 2.5, -3.5}},
		"F": {Shape: []int{2, 3, 4}, Data: seq},
		"s": {Shape: []int{}, Data: []float64{3.25}},
	} {
		g := got[k]
		if !slices.Equal(g.Shape, w.Shape) || !sameFloats(g.Data, w.Data) {
			t.Errorf("%s: got %v %v, want %v %v", k, g.Shape, g.Data, w.Shape, w.Data)
		}
	}
}

// TestReadNPZMalformedHeaders: members whose npy header is truncated,
// garbled, lies about its length or declares far more values than the
// member holds are errors naming the array, never a panic (the npy reader
// indexes the header unchecked) nor an 8 TB allocation.
func TestReadNPZMalformedHeaders(t *testing.T) {
	dir := t.TempDir()
	for i, hdr := range []string{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (3,",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (3, x), }",
		"",
		"{'descr': 'zz', 'fortran_order': False, 'shape': (), }",
		"{}",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }", // 8 TB declared in 24 bytes
	} {
		for _, hlen := range []int{len(hdr), len(hdr) + 1000} {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("theta.npy")
			w.Write([]byte("\x93NUMPY\x01\x00"))
			binary.Write(w, binary.LittleEndian, uint16(hlen))
			w.Write([]byte(hdr))
			w.Write(make([]byte, 24))
			zw.Close()
			path := filepath.Join(dir, fmt.Sprintf("bad%d_%d.npz", i, hlen))
			os.WriteFile(path, buf.Bytes(), 0o644)
			if _, err := ReadNPZ(path); err == nil || !strings.Contains(err.Error(), `"theta"`) {
				t.Errorf("header %q (length %d): error %v, want one naming the array", hdr, hlen, err)
			}
		}
	}
}

// FuzzReadNPZ: whatever bytes a checkpoint holds, ReadNPZ returns arrays
// or an error, never panics. Seeds: a valid file and truncations of it.
func FuzzReadNPZ(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "good.npz")
	if err := WriteNPZ(good, map[string]Array{"theta": {Shape: []int{3}, Data: []float64{1, 2, 3}}, "step": {Shape: []int{}, Data: []float64{7}}}); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	f.Add(b)
	for _, n := range []int{0, 10, len(b) / 2, len(b) - 1} {
		f.Add(b[:n])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "c.npz")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ReadNPZ(path)
	})
}
