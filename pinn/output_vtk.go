package pinn

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/vtk"
)

// vtkSlices is the number of time slices of a problem with time
// (t0, ..., T equally spaced), each a .vtu of the spatial evaluation points.
const vtkSlices = 11

// vtiPoints is the number of grid points per axis of the .vti of a 2-D
// (101²) or 3-D (41³ = 68,921) problem.
var vtiPoints = map[int]int{2: 101, 3: 41}

// writeVTK writes solution.vtu (output.vtk) at the evaluation points:
// every field, its exact value and error (prediction − exact) where known,
// and the hidden terms. A problem with time gets solution_<k>.vtu at
// vtkSlices times and solution.pvd listing them. A 2-D or 3-D problem also
// gets the same arrays on a regular grid over its box (a shape's bounding
// box, NaN outside the shape) as image data: solution.vti, or
// solution_grid_<k>.vti per slice and solution_grid.pvd.
func (r *runner) writeVTK() error {
	out := r.cfg.opts.OutDir
	prob, evPts := r.prob, r.ev.Pts
	predict := func(pts []float64) (fields, hidden [][]float64, err error) {
		if len(pts) > 0 && len(r.ev.Pts) > 0 && &pts[0] == &r.ev.Pts[0] {
			// the test set itself: writeOutputs has just predicted it
			fields, hidden, _, err = r.predictTestSet()
		} else {
			fields, hidden, _, err = r.pred.PredictAll(r.theta, pts)
		}
		return fields, hidden, err
	}
	if prob.Vector != nil {
		// The high-dimensional path (D <= 3 here: checked at load) reports
		// its points as |x|; write them in coordinates x[1..D], as the
		// problem written in its coordinates (pde.Problem.Coordinates)
		// states its exact solution and its domain.
		q, err := prob.Coordinates()
		if err != nil {
			return fmt.Errorf("vtk: %w", err)
		}
		if evPts = r.ev.Coordinates(); evPts == nil {
			return fmt.Errorf("vtk: the evaluation points of the vector variable are not known")
		}
		prob = q
		predict = func(pts []float64) ([][]float64, [][]float64, error) {
			return r.pred.PredictCoordinates(r.theta, pts)
		}
	}
	n := len(prob.Variables)
	tIdx := -1
	var space []int
	for j, v := range prob.Variables {
		if v.IsTime() {
			tIdx = j
		} else {
			space = append(space, j)
		}
	}
	exact := map[string]func([]float64) float64{}
	for _, f := range prob.Fields {
		if e := prob.Exact[f]; e != nil {
			fn, err := expr.Compile(e, prob.VariableNames())
			if err != nil {
				return fmt.Errorf("vtk: exact %s: %w", f, err)
			}
			exact[f] = fn
		}
	}
	// arrays are the point data at pts (rows of all variables)
	arrays := func(pts []float64) ([]vtk.Array, error) {
		rows := len(pts) / n
		fields, hidden, err := predict(pts)
		if err != nil {
			return nil, err
		}
		var data []vtk.Array
		for f, name := range prob.Fields {
			data = append(data, vtk.Array{Name: name, Values: fields[f]})
			if fn := exact[name]; fn != nil {
				ex := make([]float64, rows)
				er := make([]float64, rows)
				for i := range ex {
					ex[i] = fn(pts[i*n : (i+1)*n])
					er[i] = fields[f][i] - ex[i]
				}
				data = append(data, vtk.Array{Name: "exact_" + name, Values: ex}, vtk.Array{Name: "error_" + name, Values: er})
			}
		}
		for k, h := range prob.Hidden {
			data = append(data, vtk.Array{Name: h.Name, Values: hidden[k]})
		}
		return data, nil
	}
	rows := len(evPts) / n
	// the spatial points: the evaluation points without their time
	points := make([][3]float64, rows)
	for i := range points {
		for k, j := range space {
			points[i][k] = evPts[i*n+j]
		}
	}
	scattered := func(pts []float64, file string) error {
		data, err := arrays(pts)
		if err != nil {
			return err
		}
		return vtk.WriteVTU(filepath.Join(out, file), points, data)
	}
	// the grid of a box problem: rows of all variables (time set per slice)
	var grid []float64
	var origin [3]float64
	spacing, dims := [3]float64{1, 1, 1}, [3]int{1, 1, 1} // unused axes: one point
	// grid points outside a shape domain: NaN in every array
	var outside []bool
	if m := vtiPoints[len(space)]; m > 0 {
		for k, j := range space {
			v := prob.Variables[j]
			origin[k], spacing[k], dims[k] = v.Lo, (v.Hi-v.Lo)/float64(m-1), m
		}
		cells := dims[0] * dims[1] * dims[2]
		grid = make([]float64, cells*n)
		if prob.Geometry != nil {
			outside = make([]bool, cells)
		}
		x := make([]float64, len(space))
		for p := range cells {
			idx := [3]int{p % dims[0], p / dims[0] % dims[1], p / (dims[0] * dims[1])}
			for k, j := range space {
				x[k] = origin[k] + spacing[k]*float64(idx[k])
				grid[p*n+j] = x[k]
			}
			if outside != nil {
				outside[p] = !prob.Geometry.Contains(x, 1e-9)
			}
		}
	}
	image := func(t float64, file string) error {
		if tIdx >= 0 {
			for i := tIdx; i < len(grid); i += n {
				grid[i] = t
			}
		}
		data, err := arrays(grid)
		if err != nil {
			return err
		}
		for _, a := range data {
			for p, out := range outside {
				if out {
					a.Values[p] = math.NaN()
				}
			}
		}
		return vtk.WriteVTI(filepath.Join(out, file), origin, spacing, dims, data)
	}
	if tIdx < 0 {
		if grid != nil {
			if err := image(0, "solution.vti"); err != nil {
				return err
			}
		}
		return scattered(evPts, "solution.vtu")
	}
	tv := prob.Variables[tIdx]
	var slices, images []vtk.Slice
	pts := make([]float64, len(evPts))
	for k := range vtkSlices {
		t := tv.Lo + (tv.Hi-tv.Lo)*float64(k)/float64(vtkSlices-1)
		copy(pts, evPts)
		for i := 0; i < rows; i++ {
			pts[i*n+tIdx] = t
		}
		file := fmt.Sprintf("solution_%d.vtu", k)
		if err := scattered(pts, file); err != nil {
			return err
		}
		slices = append(slices, vtk.Slice{Time: t, File: file})
		if grid != nil {
			file := fmt.Sprintf("solution_grid_%d.vti", k)
			if err := image(t, file); err != nil {
				return err
			}
			images = append(images, vtk.Slice{Time: t, File: file})
		}
	}
	if images != nil {
		if err := vtk.WritePVD(filepath.Join(out, "solution_grid.pvd"), images); err != nil {
			return err
		}
	}
	return vtk.WritePVD(filepath.Join(out, "solution.pvd"), slices)
}
