package pinn

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/pinn/internal/runio"
	"github.com/gopinn/gopinn/pinn/internal/tboard"
	"github.com/gopinn/gopinn/pinn/internal/testprob"
)

// readVTU reads a .vtu with the independent Python reader of package vtk.
func readVTU(t *testing.T, path string) map[string][]float64 {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the independent reader needs it")
	}
	out, err := exec.Command(py, "internal/vtk/testdata/read_vtu.py", path).CombinedOutput()
	if err != nil {
		t.Fatalf("read %s: %v\n%s", path, err, out)
	}
	var raw map[string]any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	got := map[string][]float64{}
	for k, v := range raw {
		if l, ok := v.([]any); ok {
			for _, x := range l {
				f, ok := x.(float64)
				if !ok {
					f = math.NaN() // the reader's null
				}
				got[k] = append(got[k], f)
			}
		}
	}
	return got
}

// trainInto trains the spec text into a fresh directory and returns it.
func trainInto(t *testing.T, text string) string {
	t.Helper()
	dir := t.TempDir()
	spec := testprob.SpecText(t, text)
	opts := OptionsFromSpec(spec)
	opts.OutDir = dir
	if _, err := Train(t.Context(), spec.Problem, opts); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestVTKOutput: output.vtk writes solution.vtu whose points and point
// data (u, exact_u, error_u) read back by an independent parser equal
// prediction.csv's columns (to the CSV's 17 digits); with time, 11 slices
// and a solution.pvd; pinntrain eval writes a .vtu of given points.
func TestVTKOutput(t *testing.T) {
	dir := t.TempDir()
	spec := testprob.SpecText(t, `name: vtk2d
seed: 1
variables: {x: [0, 1], y: [0, 2]}
fields: [u]
equations:
  - {name: pde, residual: "lap(u) + 2", points: 32}
conditions:
  - {name: edge, on: boundary, type: dirichlet, value: "x*(1-x)", points: 16}
model: {layers: [8]}
training: {steps: 5}
evaluation: {exact: {u: "x*(1-x)"}, points: 40, every: 5}
output: {vtk: true}
`)
	opts := OptionsFromSpec(spec)
	if !opts.VTK {
		t.Fatal("output.vtk not passed on")
	}
	opts.OutDir = dir
	if _, err := Train(t.Context(), spec.Problem, opts); err != nil {
		t.Fatal(err)
	}
	got := readVTU(t, filepath.Join(dir, "solution.vtu"))
	hdr, cols, err := runio.ReadCSV(filepath.Join(dir, "prediction.csv"))
	if err != nil {
		t.Fatal(err)
	}
	col := map[string][]float64{}
	for i, h := range hdr {
		col[h] = cols[i]
	}
	if len(got["points"]) != 3*len(col["x"]) {
		t.Fatalf("%d coordinates for %d rows", len(got["points"]), len(col["x"]))
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-15*math.Max(1, math.Abs(b)) }
	for i := range col["x"] {
		p := got["points"][3*i : 3*i+3]
		if !near(p[0], col["x"][i]) || !near(p[1], col["y"][i]) || p[2] != 0 {
			t.Fatalf("point %d: %v, prediction.csv (%v, %v)", i, p, col["x"][i], col["y"][i])
		}
		u, ex, er := got["data:u"][i], got["data:exact_u"][i], got["data:error_u"][i]
		if !near(u, col["u"][i]) || !near(ex, col["exact_u"][i]) || !near(er, u-ex) {
			t.Fatalf("row %d: vtu u %v exact %v error %v; csv u %v exact %v", i, u, ex, er, col["u"][i], col["exact_u"][i])
		}
	}

	// the box's grid as image data: 101 x 101 points over [0,1] x [0,2],
	// the exact values at the grid points, errors = prediction - exact
	img := readVTU(t, filepath.Join(dir, "solution.vti"))
	if len(img["points"]) != 3*101*101 || len(img["data:u"]) != 101*101 {
		t.Fatalf("solution.vti: %d coordinates, %d values", len(img["points"]), len(img["data:u"]))
	}
	for p := 0; p < 101*101; p += 97 {
		x, y := img["points"][3*p], img["points"][3*p+1]
		if !near(x, float64(p%101)/100) || !near(y, 2*float64(p/101)/100) {
			t.Fatalf("grid point %d at (%v, %v)", p, x, y)
		}
		u, ex, er := img["data:u"][p], img["data:exact_u"][p], img["data:error_u"][p]
		if !near(ex, x*(1-x)) || !near(er, u-ex) {
			t.Fatalf("grid point %d (%v, %v): u %v exact %v error %v", p, x, y, u, ex, er)
		}
	}

	// a shape's grid covers its bounding box, NaN outside the shape
	ddir := trainInto(t, `name: vtkdisk
seed: 1
domain: {type: disk, center: [0, 0], radius: 1, variables: [x, y]}
fields: [u]
equations: [{name: pde, residual: "lap(u) + 4", points: 32}]
conditions: [{name: rim, on: boundary, type: dirichlet, value: "0", points: 16}]
model: {layers: [8]}
training: {steps: 2}
evaluation: {exact: {u: "1 - x^2 - y^2"}, points: 40, every: 2}
output: {vtk: true}
`)
	dimg := readVTU(t, filepath.Join(ddir, "solution.vti"))
	if len(dimg["data:u"]) != 101*101 {
		t.Fatalf("disk solution.vti: %d values", len(dimg["data:u"]))
	}
	for p, u := range dimg["data:u"] {
		x, y := dimg["points"][3*p], dimg["points"][3*p+1]
		if in := x*x+y*y <= 1+1e-8; in == math.IsNaN(u) || in && !near(dimg["data:exact_u"][p], 1-x*x-y*y) {
			t.Fatalf("disk grid point (%v, %v): u %v exact %v", x, y, u, dimg["data:exact_u"][p])
		}
	}

	// a vector variable (the high-dimensional path reports |x|): the
	// points in coordinates, u equal to prediction.csv row by row
	vdir := trainInto(t, `name: vtkvec
seed: 1
domain: {type: ball, dim: 3, radius: 1, variable: x}
fields: [u]
equations: [{name: pde, residual: "lap(u) - 2", points: 32}]
conditions: [{name: sphere, on: boundary, type: dirichlet, value: "exact(u)", points: 16}]
model: {layers: [8]}
derivatives: {method: stde, samples: 2}
training: {steps: 2}
evaluation: {exact: {u: "norm2(x)/3"}, points: 40, every: 2}
output: {vtk: true}
`)
	vgot := readVTU(t, filepath.Join(vdir, "solution.vtu"))
	vhdr, vcols, err := runio.ReadCSV(filepath.Join(vdir, "prediction.csv"))
	if err != nil || vhdr[0] != "|x|" {
		t.Fatalf("prediction.csv %v: %v", vhdr, err)
	}
	if len(vgot["data:u"]) != len(vcols[0]) {
		t.Fatalf("%d vtu points, %d csv rows", len(vgot["data:u"]), len(vcols[0]))
	}
	for i, r := range vcols[0] {
		p := vgot["points"][3*i : 3*i+3]
		r2 := p[0]*p[0] + p[1]*p[1] + p[2]*p[2]
		if !near(math.Sqrt(r2), r) || !near(vgot["data:u"][i], vcols[1][i]) || !near(vgot["data:exact_u"][i], r2/3) {
			t.Fatalf("row %d: vtu point %v u %v exact %v; csv |x| %v u %v", i, p, vgot["data:u"][i], vgot["data:exact_u"][i], r, vcols[1][i])
		}
	}

	// with time: slices and a collection
	tdir := t.TempDir()
	tspec := testprob.SpecText(t, `name: vtkheat
seed: 1
variables: {x: [0, 1], t: [0, 0.5]}
fields: [u]
equations:
  - {name: pde, residual: "u_t - u_xx", points: 32}
conditions:
  - {name: ic, on: "t == 0", residual: "u - sin(pi*x)", points: 8}
model: {layers: [8]}
training: {steps: 3}
evaluation: {exact: {u: "exp(-pi^2*t)*sin(pi*x)"}, points: 30, every: 3}
output: {vtk: true}
`)
	opts = OptionsFromSpec(tspec)
	opts.OutDir = tdir
	if opts.SpecYAML, err = tspec.MarshalRun(nil); err != nil { // for LoadRun below
		t.Fatal(err)
	}
	if _, err := Train(t.Context(), tspec.Problem, opts); err != nil {
		t.Fatal(err)
	}
	pvd, err := os.ReadFile(filepath.Join(tdir, "solution.pvd"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(pvd), "<DataSet ") != 11 || !strings.Contains(string(pvd), `timestep="0.5" part="0" file="solution_10.vtu"`) {
		t.Errorf("solution.pvd:\n%s", pvd)
	}
	if _, err := os.Stat(filepath.Join(tdir, "solution_grid.pvd")); err == nil {
		t.Errorf("a 1-D problem got a grid (image data is for 2-D and 3-D boxes)")
	}
	last := readVTU(t, filepath.Join(tdir, "solution_10.vtu"))
	for i := range last["data:exact_u"] {
		x := last["points"][3*i]
		if want := math.Exp(-math.Pi*math.Pi*0.5) * math.Sin(math.Pi*x); !near(last["data:exact_u"][i], want) {
			t.Fatalf("slice t = 0.5, x = %v: exact_u %v, want %v", x, last["data:exact_u"][i], want)
		}
	}

	// pinntrain eval --out FILE.vtu: the points' x as positions, t and u
	// as point data, u equal to the CSV prediction at the same points
	m, err := LoadRun(tdir)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(t.TempDir(), "pts.csv")
	if err := os.WriteFile(in, []byte("x,t\n0.25,0\n0.5,0.1\n0.75,0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vtu, csvOut := filepath.Join(t.TempDir(), "p.vtu"), filepath.Join(t.TempDir(), "p.csv")
	if err := m.PredictCSV(in, vtu, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.PredictCSV(in, csvOut, nil); err != nil {
		t.Fatal(err)
	}
	ev := readVTU(t, vtu)
	_, pc, err := runio.ReadCSV(csvOut)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range []float64{0.25, 0.5, 0.75} {
		p := ev["points"][3*i : 3*i+3]
		if p[0] != x || p[1] != 0 || p[2] != 0 || ev["data:t"][i] != pc[1][i] || !near(ev["data:u"][i], pc[2][i]) {
			t.Fatalf("eval .vtu row %d: point %v t %v u %v; csv t %v u %v", i, p, ev["data:t"][i], ev["data:u"][i], pc[1][i], pc[2][i])
		}
	}
}

// TestTensorBoardOutput: output.tensorboard writes tb/events.out.tfevents.*
// whose scalars, read back through the record framing, are metrics.csv's
// loss, per-term losses, rel_l2 and lr at every evaluation step (float32).
func TestTensorBoardOutput(t *testing.T) {
	dir := t.TempDir()
	spec := testprob.SpecText(t, `name: tb
seed: 1
variables: {x: [0, 1]}
fields: [u]
equations:
  - {name: pde, residual: "u_xx + 2", points: 16}
conditions:
  - {name: ends, on: "x == 0 or x == 1", type: dirichlet, value: "0", points: 2}
model: {layers: [6]}
training: {steps: 20}
evaluation: {exact: {u: "x*(1-x)"}, points: 20, every: 5}
output: {tensorboard: true}
`)
	opts := OptionsFromSpec(spec)
	opts.OutDir = dir
	if _, err := Train(t.Context(), spec.Problem, opts); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "tb", "events.out.tfevents.*"))
	if len(files) != 1 {
		t.Fatalf("event files %v", files)
	}
	evs, err := tboard.ReadScalars(files[0])
	if err != nil {
		t.Fatal(err)
	}
	hdr, cols, err := runio.ReadCSV(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var scal []tboard.Event
	for _, e := range evs {
		if e.Values != nil {
			scal = append(scal, e)
		}
	}
	if evs[0].FileVersion != "brain.Event:2" || len(scal) != len(cols[0]) {
		t.Fatalf("%d scalar events for %d metrics rows (first %+v)", len(scal), len(cols[0]), evs[0])
	}
	for i, e := range scal {
		if e.Step != int64(cols[0][i]) {
			t.Errorf("event %d: step %d, metrics %v", i, e.Step, cols[0][i])
		}
		for j, h := range hdr {
			if h == "step" || h == "wall_s" {
				continue
			}
			if v, ok := e.Values[h]; !ok || v != float32(cols[j][i]) {
				t.Errorf("step %d: %s = %v (present %v), metrics.csv %v", e.Step, h, v, ok, cols[j][i])
			}
		}
	}
}
