package pinn

import (
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gopinn/gopinn/pde"
	"github.com/gopinn/gopinn/pinn/compiler"
	"github.com/gopinn/gopinn/pinn/internal/runio"
	"github.com/gopinn/gopinn/pinn/internal/vtk"
)

// Model is a trained model loaded from a run directory.
type Model struct {
	Problem *pde.Problem
	Spec    *pde.Spec
	theta   []float64
	pred    *compiler.Predictor
	dir     string // the run directory, for Discover
}

// LoadRun loads the spec and checkpoint of a finished (or interrupted) run.
func LoadRun(dir string) (*Model, error) {
	spec, err := pde.Load(filepath.Join(dir, "spec.yaml"), nil)
	if err != nil {
		return nil, err
	}
	a, err := runio.ReadNPZ(filepath.Join(dir, "checkpoint.npz"))
	if err != nil {
		return nil, fmt.Errorf("load run %s: %w", dir, err)
	}
	th, ok := a["theta"]
	if !ok {
		return nil, fmt.Errorf("load run %s: checkpoint has no theta", dir)
	}
	opts := OptionsFromSpec(spec)
	opts.PreferFastPath = compiler.CheckpointOnFastPath(a) // where it was trained
	cfg := newConfig(opts)
	prob, err := cfg.route(spec.Problem)
	if err != nil {
		return nil, err
	}
	pred, err := compiler.NewPredictor(prob, &cfg.Config, 1024)
	if err != nil {
		return nil, err
	}
	if pred.NumParams() != len(th.Data) {
		return nil, fmt.Errorf("load run %s: checkpoint has %d parameters, the spec's model %d", dir, len(th.Data), pred.NumParams())
	}
	return &Model{Problem: prob, Spec: spec, theta: th.Data, pred: pred, dir: dir}, nil
}

// Predict evaluates the fields and hidden terms at points given as rows of
// variable values (in the problem's variable order). It returns columns:
// fields[f][i], hidden[h][i].
func (m *Model) Predict(points [][]float64) (fields, hidden [][]float64, err error) {
	n := len(m.Problem.Variables)
	flat := make([]float64, 0, len(points)*n)
	for i, p := range points {
		if len(p) != n {
			return nil, nil, fmt.Errorf("point %d has %d coordinates, want %d", i, len(p), n)
		}
		flat = append(flat, p...)
	}
	if len(points) == 0 {
		return make([][]float64, len(m.Problem.Fields)), make([][]float64, len(m.Problem.Hidden)), nil
	}
	return m.pred.Predict(m.theta, flat)
}

// Parameters returns the trained scalar parameters by name.
func (m *Model) Parameters() map[string]float64 {
	out := map[string]float64{}
	off := len(m.theta) - len(m.Problem.Parameters)
	for i, p := range m.Problem.Parameters {
		out[p.Name] = m.theta[off+i]
	}
	return out
}

// PredictCSV reads points from a CSV file with a header naming (at least)
// every variable, and writes the points with the predicted fields and hidden
// terms as CSV to out (stdout if out is ""), or as a VTK unstructured grid
// when out ends in .vtu.
func (m *Model) PredictCSV(in, out string, stdout io.Writer) error {
	hdr, cols, err := runio.ReadCSV(in)
	if err != nil {
		return &InputError{Err: err}
	}
	if v := m.Problem.Vector; v != nil && slices.Contains(hdr, pde.CoordinateName(v.Name, 1)) {
		return m.predictCoordinatesCSV(in, hdr, cols, out, stdout)
	}
	n := len(m.Problem.Variables)
	idx := make([]int, n)
	for j, v := range m.Problem.Variables {
		idx[j] = -1
		for k, h := range hdr {
			if h == v.Name {
				idx[j] = k
			}
		}
		if idx[j] < 0 {
			return &InputError{Err: fmt.Errorf("%s: no column %q (the variables are %v)", in, v.Name, m.Problem.VariableNames())}
		}
	}
	rows := 0
	if len(cols) > 0 {
		rows = len(cols[0])
	}
	pts := make([][]float64, rows)
	for i := range pts {
		pts[i] = make([]float64, n)
		for j := range pts[i] {
			pts[i][j] = cols[idx[j]][i]
		}
	}
	fields, hidden, err := m.Predict(pts)
	if err != nil {
		return err
	}
	header := m.Problem.VariableNames()
	var outCols [][]float64
	for j := range m.Problem.Variables {
		outCols = append(outCols, cols[idx[j]])
	}
	return m.writePredictions(header, outCols, fields, hidden, rows, out, stdout)
}

// predictCoordinatesCSV is PredictCSV for a run on the high-dimensional
// fast path given points in coordinates: columns x[1]..x[D] (and t), the
// layout of the general compiler's runs and of data files.
func (m *Model) predictCoordinatesCSV(in string, hdr []string, cols [][]float64, out string, stdout io.Writer) error {
	v := m.Problem.Vector
	var names []string
	for k := 1; k <= v.Dim; k++ {
		names = append(names, pde.CoordinateName(v.Name, k))
	}
	for _, sv := range m.Problem.Variables {
		if sv.Name != pde.RadialName {
			names = append(names, sv.Name)
		}
	}
	var inCols [][]float64
	for _, name := range names {
		k := slices.Index(hdr, name)
		if k < 0 {
			rest := ""
			for _, sv := range names[v.Dim:] {
				rest += ", " + sv
			}
			return &InputError{Err: fmt.Errorf("%s: no column %q (the columns are %s..%s%s)", in, name, names[0], names[v.Dim-1], rest)}
		}
		inCols = append(inCols, cols[k])
	}
	rows := 0
	if len(inCols) > 0 {
		rows = len(inCols[0])
	}
	flat := make([]float64, 0, rows*len(names))
	for i := 0; i < rows; i++ {
		for _, c := range inCols {
			flat = append(flat, c[i])
		}
	}
	fields, hidden, err := m.pred.PredictCoordinates(m.theta, flat)
	if err != nil {
		return err
	}
	return m.writePredictions(names, inCols, fields, hidden, rows, out, stdout)
}

// writePredictions writes the point columns with the fields and hidden
// terms, to the file out or, if out is "", as CSV to stdout.
func (m *Model) writePredictions(header []string, outCols, fields, hidden [][]float64, rows int, out string, stdout io.Writer) error {
	if strings.EqualFold(filepath.Ext(out), ".vtu") {
		return m.writePredictionsVTU(header, outCols, fields, hidden, rows, out)
	}
	for f, name := range m.Problem.Fields {
		header = append(header, name)
		outCols = append(outCols, fields[f])
	}
	for k, h := range m.Problem.Hidden {
		header = append(header, h.Name)
		outCols = append(outCols, hidden[k])
	}
	if out != "" {
		return runio.WriteCSV(out, header, outCols)
	}
	w := csv.NewWriter(stdout)
	w.Write(header)
	rec := make([]string, len(header))
	for i := 0; i < rows; i++ {
		for j := range outCols {
			rec[j] = strconv.FormatFloat(outCols[j][i], 'g', -1, 64)
		}
		w.Write(rec)
	}
	w.Flush()
	return w.Error()
}

// writePredictionsVTU writes the predictions as a VTK unstructured grid
// (pinntrain eval --out FILE.vtu): the space coordinates of the input
// columns are the points (at most 3), a time column and every field and
// hidden term are point data.
func (m *Model) writePredictionsVTU(header []string, inCols, fields, hidden [][]float64, rows int, out string) error {
	var space []int
	var data []vtk.Array
	for j, name := range header {
		if k := m.Problem.VariableIndex(name); k >= 0 && m.Problem.Variables[k].IsTime() {
			data = append(data, vtk.Array{Name: name, Values: inCols[j]})
			continue
		}
		space = append(space, j)
	}
	if len(space) > 3 {
		return &InputError{Err: fmt.Errorf("--out %s: a .vtu places points in at most 3 space dimensions, the points have %d coordinates (write a .csv instead)", out, len(space))}
	}
	points := make([][3]float64, rows)
	for i := range points {
		for k, j := range space {
			points[i][k] = inCols[j][i]
		}
	}
	for f, name := range m.Problem.Fields {
		data = append(data, vtk.Array{Name: name, Values: fields[f]})
	}
	for k, h := range m.Problem.Hidden {
		data = append(data, vtk.Array{Name: h.Name, Values: hidden[k]})
	}
	return vtk.WriteVTU(out, points, data)
}

// InputError is an error in user input other than the spec (a points file,
// a problem the compiler refuses): the CLI exits 2 for it. It is the
// compiler's type, so errors.As finds either.
type InputError = compiler.InputError
