package pinn

import (
	"fmt"
	"path/filepath"

	"github.com/gopinn/gopinn/pde/expr"
	"github.com/gopinn/gopinn/pinn/internal/vtk"
)

// vtkSlices is the number of time slices of a problem with time
// (t0, ..., T equally spaced), each a .vtu of the spatial evaluation points.
const vtkSlices = 11

// writeVTK writes solution.vtu (output.vtk) at the evaluation points:
// every field, its exact value and error (prediction − exact) where known,
// and the hidden terms. A problem with time gets solution_<k>.vtu at
// vtkSlices times and solution.pvd listing them.
func (r *runner) writeVTK() error {
	out := r.cfg.opts.OutDir
	prob := r.prob
	if prob.Vector != nil {
		return nil // refused at load time (pde: output.vtk)
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
	rows := len(r.ev.Pts) / n
	// the spatial points: the evaluation points without their time
	points := make([][3]float64, rows)
	for i := range points {
		for k, j := range space {
			points[i][k] = r.ev.Pts[i*n+j]
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
	slice := func(pts []float64, file string) error {
		fields, hidden, _, err := r.pred.PredictAll(r.theta, pts)
		if err != nil {
			return err
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
		return vtk.WriteVTU(filepath.Join(out, file), points, data)
	}
	if tIdx < 0 {
		return slice(r.ev.Pts, "solution.vtu")
	}
	tv := prob.Variables[tIdx]
	var slices []vtk.Slice
	pts := make([]float64, len(r.ev.Pts))
	for k := range vtkSlices {
		t := tv.Lo + (tv.Hi-tv.Lo)*float64(k)/float64(vtkSlices-1)
		copy(pts, r.ev.Pts)
		for i := 0; i < rows; i++ {
			pts[i*n+tIdx] = t
		}
		file := fmt.Sprintf("solution_%d.vtu", k)
		if err := slice(pts, file); err != nil {
			return err
		}
		slices = append(slices, vtk.Slice{Time: t, File: file})
	}
	return vtk.WritePVD(filepath.Join(out, "solution.pvd"), slices)
}
