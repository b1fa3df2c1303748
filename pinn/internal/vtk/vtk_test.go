package vtk

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVTUReadBack writes a file and reads it back with an independent
// reader (testdata/read_vtu.py): coordinates, vertex cells and every array equal bit for bit.
func TestVTUReadBack(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the independent reader needs it")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "s.vtu")
	pts := [][3]float64{{0, 0, 0}, {0.5, 1e-300, -2}, {1.0 / 3, 2, 3}}
	data := []Array{{"u", []float64{1, -0.1, 1.0 / 7}}, {"error <u> & \"x\"", []float64{0, 1e-17, -3}}}
	if err := WriteVTU(path, pts, data); err != nil {
		t.Fatal(err)
	}
	// testdata/read_vtu.py: xml.etree and struct, no VTK library
	out, err := exec.Command(py, "testdata/read_vtu.py", path).CombinedOutput()
	if err != nil {
		t.Fatalf("python reader: %v\n%s", err, out)
	}
	var got map[string][]float64
	var raw map[string]any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got = map[string][]float64{}
	for k, v := range raw {
		if l, ok := v.([]any); ok {
			for _, x := range l {
				got[k] = append(got[k], x.(float64))
			}
		}
	}
	if raw["n"].(float64) != 3 {
		t.Errorf("NumberOfPoints %v", raw["n"])
	}
	var want []float64
	for _, p := range pts {
		want = append(want, p[:]...)
	}
	check := func(name string, want []float64) {
		if len(got[name]) != len(want) {
			t.Fatalf("%s: %v, want %v", name, got[name], want)
		}
		for i := range want {
			if got[name][i] != want[i] {
				t.Errorf("%s[%d] = %v, want %v", name, i, got[name][i], want[i])
			}
		}
	}
	check("points", want)
	check("connectivity", []float64{0, 1, 2})
	check("offsets", []float64{1, 2, 3})
	check("types", []float64{1, 1, 1})
	for _, a := range data {
		check("data:"+a.Name, a.Values)
	}
}

// TestPVD lists the slices by time; a wrong-length array and a non-finite
// time are errors.
func TestPVD(t *testing.T) {
	dir := t.TempDir()
	if err := WritePVD(filepath.Join(dir, "s.pvd"), []Slice{{0, "a_0.vtu"}, {0.25, "a_1.vtu"}}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "s.pvd"))
	if !strings.Contains(string(b), `<DataSet timestep="0.25" part="0" file="a_1.vtu"/>`) || !strings.Contains(string(b), `type="Collection"`) {
		t.Errorf("pvd:\n%s", b)
	}
	if err := WriteVTU(filepath.Join(dir, "x.vtu"), [][3]float64{{0, 0, 0}}, []Array{{"u", []float64{1, 2}}}); err == nil {
		t.Error("array of 2 values for 1 point accepted")
	}
	if err := WritePVD(filepath.Join(dir, "y.pvd"), []Slice{{math.NaN(), "a"}}); err == nil {
		t.Error("NaN time accepted")
	}
}

// TestVTIReadBack: image data read back by the independent reader give
// the grid's points (x fastest) and the arrays bit for bit; bad grids are
// errors.
func TestVTIReadBack(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the independent reader needs it")
	}
	path := filepath.Join(t.TempDir(), "g.vti")
	origin, spacing, dims := [3]float64{-1, 0.5, 2}, [3]float64{0.5, 0.25, 1}, [3]int{3, 2, 2}
	u := make([]float64, 12)
	for i := range u {
		u[i] = math.Sqrt(float64(i)) / 3
	}
	if err := WriteVTI(path, origin, spacing, dims, []Array{{"u", u}}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "testdata/read_vtu.py", path).CombinedOutput()
	if err != nil {
		t.Fatalf("python reader: %v\n%s", err, out)
	}
	var got struct {
		N      int       `json:"n"`
		Points []float64 `json:"points"`
		U      []float64 `json:"data:u"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.N != 12 || len(got.U) != 12 {
		t.Fatalf("%d points, %d values", got.N, len(got.U))
	}
	for p := range 12 {
		i, j, k := p%3, p/3%2, p/6
		want := []float64{-1 + 0.5*float64(i), 0.5 + 0.25*float64(j), 2 + float64(k)}
		for c := range 3 {
			if got.Points[3*p+c] != want[c] {
				t.Fatalf("point %d: %v, want %v", p, got.Points[3*p:3*p+3], want)
			}
		}
		if got.U[p] != u[p] {
			t.Fatalf("u[%d] = %v, want %v", p, got.U[p], u[p])
		}
	}
	if err := WriteVTI(path, origin, spacing, [3]int{3, 2, 1}, []Array{{"u", u}}); err == nil {
		t.Error("12 values for 6 grid points accepted")
	}
	if err := WriteVTI(path, origin, [3]float64{0, 1, 1}, dims, []Array{{"u", u}}); err == nil {
		t.Error("zero spacing accepted")
	}
}
