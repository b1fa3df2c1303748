package pinn

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// dtypeOf maps a spec dtype name to the tensor dtype.
func dtypeOf(name string) (tensor.Dtype, error) {
	switch name {
	case "", "float64":
		return tensor.Float64, nil
	case "float32":
		return tensor.Float32, nil
	}
	return tensor.Float64, fmt.Errorf("unknown dtype %q (want float64 or float32)", name)
}

// newTensor allocates a zeroed tensor of the dtype; float32 graphs need
// float32 backing everywhere.
func newTensor(dt tensor.Dtype, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if dt == tensor.Float32 {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float32, n)))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(make([]float64, n)))
}

// setData copies float64 values into a tensor of either dtype.
func setData(t tensor.Tensor, src []float64) {
	switch d := t.Data().(type) {
	case []float64:
		copy(d, src)
	case []float32:
		for i, v := range src {
			d[i] = float32(v)
		}
	case float64, float32:
		panic("setData on a scalar tensor")
	}
}

// getData copies a tensor's values (either dtype) into dst (grown as needed).
func getData(v G.Value, dst []float64) []float64 {
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

// scalarOf reads a scalar value of either dtype.
func scalarOf(v G.Value) float64 {
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
