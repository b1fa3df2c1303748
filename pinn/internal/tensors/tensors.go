// Package tensors moves float64 slices in and out of Gorgonia tensors of
// either dtype. Every graph the framework builds is float64 or float32; the
// optimizers, checkpoints and float64 references work on flat float64
// vectors, so these copies are the one boundary between the two.
package tensors

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Dtype maps a spec dtype name ("" means float64) to the tensor dtype.
func Dtype(name string) (tensor.Dtype, error) {
	switch name {
	case "", "float64":
		return tensor.Float64, nil
	case "float32":
		return tensor.Float32, nil
	}
	return tensor.Float64, fmt.Errorf("unknown dtype %q (want float64 or float32)", name)
}

// New allocates a zeroed tensor of the dtype; float32 graphs need float32
// backing everywhere.
func New(dt tensor.Dtype, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if dt == tensor.Float32 {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float32, n)))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float64, n)))
}

// Set copies float64 values into a tensor of either dtype.
func Set(t tensor.Tensor, src []float64) {
	switch d := t.Data().(type) {
	case []float64:
		copy(d, src)
	case []float32:
		for i, v := range src {
			d[i] = float32(v)
		}
	case float64, float32:
		panic("tensors.Set on a scalar tensor")
	}
}

// Get copies a value's data (either dtype) into dst, grown as needed.
func Get(v G.Value, dst []float64) []float64 {
	switch d := v.Data().(type) {
	case []float64:
		dst = append(dst[:0], d...)
	case []float32:
		dst = dst[:0]
		for _, x := range d {
			dst = append(dst, float64(x))
		}
	case float64:
		dst = append(dst[:0], d)
	case float32:
		dst = append(dst[:0], float64(d))
	}
	return dst
}

// Scalar reads a scalar value (or the first element) of either dtype.
func Scalar(v G.Value) float64 {
	switch d := v.Data().(type) {
	case float64:
		return d
	case float32:
		return float64(d)
	case []float64:
		return d[0]
	case []float32:
		return float64(d[0])
	}
	return 0
}
