package runio

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/sbinet/npyio/npy"
	"github.com/sbinet/npyio/npz"
)

// Array is an n-dimensional float64 array stored row-major (C order):
// element (i0, i1, ..., ik) is Data[((i0*Shape[1]+i1)*Shape[2]+...)+ik].
// A scalar has an empty Shape and one element.
type Array struct {
	Shape []int
	Data  []float64
}

// npyExt is the suffix numpy.savez gives each member of the zip archive and
// numpy.load strips to form the key, so the key "w0" is stored as "w0.npy".
const npyExt = ".npy"

// Len returns the number of elements the shape calls for, or -1 if a
// Vector wraps x as a 1-D array without copying: a checkpoint is written
// synchronously from the live state, which nothing changes meanwhile (at
// 100K-D copies of θ and Adam's moments would add 500 MB to the peak).
func Vector(x []float64) Array { return Array{Shape: []int{len(x)}, Data: x} }

// Scalar is a 0-D array holding x.
func Scalar(x float64) Array { return Array{Shape: []int{}, Data: []float64{x}} }

// dimension is negative.
func (a Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		if d < 0 {
			return -1
		}
		n *= d
	}
	return n
}

func (a Array) check() error {
	n := a.Len()
	if n < 0 {
		return fmt.Errorf("shape %v has a negative dimension", a.Shape)
	}
	if n != len(a.Data) {
		return fmt.Errorf("shape %v holds %d values, data has %d", a.Shape, n, len(a.Data))
	}
	return nil
}

// WriteNPZ writes arrays to a NumPy .npz file at path, atomically, one
// float64 little-endian C-order member per key; numpy.load(path)[key] gives
// the array back. Keys are written in sorted order so the same arrays always
// give the same bytes.
//
// An array of rank 2 or more whose first dimension is 0 (shape (0, 3), say)
// is rejected: npyio derives the stored shape from a Go value, and an empty
// Go array has no element to take the inner dimensions from.
func WriteNPZ(path string, arrays map[string]Array) error {
	keys := make([]string, 0, len(arrays))
	for k, a := range arrays {
		if k == "" {
			return fmt.Errorf("write npz %s: empty array name", path)
		}
		if err := a.check(); err != nil {
			return fmt.Errorf("write npz %s: array %q: %w", path, k, err)
		}
		if len(a.Shape) >= 2 && a.Shape[0] == 0 {
			return fmt.Errorf("write npz %s: array %q: shape %v: a leading zero dimension cannot be written", path, k, a.Shape)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return WriteAtomic(path, func(w io.Writer) error {
		zw := npz.NewWriter(w)
		for _, k := range keys {
			if err := zw.Write(k+npyExt, npyValue(arrays[k])); err != nil {
				return fmt.Errorf("array %q: %w", k, err)
			}
		}
		return zw.Close()
	})
}

// npyValue turns a into a Go value from which npy.Write infers a's dtype
// and shape: float64 for a scalar, []float64 for a vector, and nested Go
// arrays ([d0][d1]...float64, built with reflect) for higher ranks, since
// npyio has no way to pass an explicit shape.
func npyValue(a Array) any {
	switch len(a.Shape) {
	case 0:
		return a.Data[0]
	case 1:
		if a.Data == nil {
			return []float64{}
		}
		return a.Data
	}
	t := reflect.TypeFor[float64]()
	for i := len(a.Shape) - 1; i >= 0; i-- {
		t = reflect.ArrayOf(a.Shape[i], t)
	}
	v := reflect.New(t).Elem()
	fill(v, a.Data)
	return v.Interface()
}

// fill copies data, in C order, into the nested Go array v.
func fill(v reflect.Value, data []float64) {
	if v.Kind() == reflect.Float64 {
		v.SetFloat(data[0])
		return
	}
	n := v.Len()
	if n == 0 {
		return
	}
	stride := len(data) / n
	for i := range n {
		fill(v.Index(i), data[i*stride:(i+1)*stride])
	}
}

// ReadNPZ reads every array of a NumPy .npz file. Keys are the member names
// without their ".npy" suffix, as numpy.load gives them. Besides float64,
// arrays of any NumPy integer or float32 dtype (either byte order, C or
// Fortran order) are accepted and converted to float64 in C order; other
// dtypes (bool, complex, strings, objects) are an error.
func ReadNPZ(path string) (map[string]Array, error) {
	r, err := npz.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read npz %s: %w", path, err)
	}
	defer r.Close()
	// the members' stored sizes, to refuse a header that declares more
	// values than its member holds before the npy reader allocates them
	sizes := map[string]uint64{}
	if zr, err := zip.OpenReader(path); err == nil {
		for _, f := range zr.File {
			sizes[f.Name] = f.UncompressedSize64
		}
		zr.Close()
	}
	out := make(map[string]Array, len(r.Keys()))
	for _, member := range r.Keys() {
		key := strings.TrimSuffix(member, npyExt)
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("read npz %s: array %q stored twice", path, key)
		}
		a, err := readMember(r, member, sizes[member])
		if err != nil {
			return nil, fmt.Errorf("read npz %s: array %q: %w", path, key, err)
		}
		out[key] = a
	}
	return out, nil
}

func readMember(r *npz.Reader, member string, size uint64) (a Array, err error) {
	// The npy reader indexes its header without checking it: a malformed
	// header (a truncated or edited file) panics inside it.
	defer func() {
		if p := recover(); p != nil {
			a, err = Array{}, fmt.Errorf("malformed npy data (%v)", p)
		}
	}()
	rc, err := r.Open(member)
	if err != nil {
		return Array{}, err
	}
	defer rc.Close()
	nr, err := npy.NewReader(rc)
	if err != nil {
		return Array{}, err
	}
	elems := uint64(1)
	for _, d := range nr.Header.Descr.Shape {
		if d < 0 || d > 0 && elems > size/uint64(d) {
			return Array{}, fmt.Errorf("header shape %v declares more values than the %d bytes stored", nr.Header.Descr.Shape, size)
		}
		elems *= uint64(d)
	}
	var raw npy.Array
	if err := nr.Read(&raw); err != nil {
		return Array{}, err
	}
	data, err := toFloat64(raw.Data())
	if err != nil {
		return Array{}, fmt.Errorf("dtype %s: %w", nr.Header.Descr.Type, err)
	}
	a = Array{Shape: append([]int{}, raw.Shape()...), Data: data}
	if err := a.check(); err != nil {
		return Array{}, err
	}
	if raw.Fortran() && len(a.Shape) >= 2 {
		a.Data = fortranToC(a.Data, a.Shape)
	}
	return a, nil
}

var errDtype = errors.New("not a real numeric dtype")

// toFloat64 converts the flat slice npyio decodes to float64. Integers
// beyond 2^53 lose precision, as they do in numpy's astype(float64).
func toFloat64(v any) ([]float64, error) {
	switch v := v.(type) {
	case []float64:
		return v, nil
	case []float32:
		return convert(v), nil
	case []int8:
		return convert(v), nil
	case []int16:
		return convert(v), nil
	case []int32:
		return convert(v), nil
	case []int64:
		return convert(v), nil
	case []uint8:
		return convert(v), nil
	case []uint16:
		return convert(v), nil
	case []uint32:
		return convert(v), nil
	case []uint64:
		return convert(v), nil
	}
	return nil, errDtype
}

func convert[T float32 | int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// fortranToC reorders column-major data of the given shape to row-major.
func fortranToC(data []float64, shape []int) []float64 {
	out := make([]float64, len(data))
	idx := make([]int, len(shape))
	for c := range out {
		// idx is the multi-index of row-major position c; its column-major
		// offset is sum idx[k] * prod(shape[:k]).
		f, stride := 0, 1
		for k := range shape {
			f += idx[k] * stride
			stride *= shape[k]
		}
		out[c] = data[f]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// isFinite reports whether v is neither NaN nor ±Inf.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
