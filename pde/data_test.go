package pde

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// noisySpec has synthetic data of u = sin(pi*x) + 2 on 4000 points with the
// noise written as NOISE.
const noisySpec = `name: noisy
seed: 5
variables:
  x: [0, 1]
fields: [u]
equations:
  - {name: pde, residual: "u_xx + pi^2*(u - 2)", points: 10}
data:
  - name: obs
    points: {x: {linspace: [0, 1, 4000]}}
    noise: NOISE
evaluation:
  exact: {u: "sin(pi*x) + 2"}
`

func loadNoisy(t *testing.T, noise string, overrides ...string) *Spec {
	t.Helper()
	s, err := LoadBytes(filepath.Join(goodDir, "noisy.yaml"), []byte(strings.Replace(noisySpec, "NOISE", noise, 1)), overrides)
	if err != nil {
		t.Fatalf("noise: %s: %v", noise, err)
	}
	return s
}

// TestNoiseAbsolute: noise: {sigma: s} adds N(0, s^2) noise, seeded, from
// the same draws as the relative form, which is unchanged: its values are
// v*(1 + r*z) with z the PCG(seed, data index) stream, row by row.
func TestNoiseAbsolute(t *testing.T) {
	const sigma, r = 0.1, 0.01
	abs := loadNoisy(t, "{sigma: 0.1}")
	d := abs.Problem.Data[0]
	if d.Noise != sigma || d.NoiseModel != "absolute" {
		t.Errorf("Noise %v NoiseModel %q, want 0.1 absolute", d.Noise, d.NoiseModel)
	}
	x, u := d.Inputs["x"], d.Targets["u"]
	n := float64(len(u))
	mean, ss := 0.0, 0.0
	for i := range u {
		mean += u[i] - (math.Sin(math.Pi*x[i]) + 2)
	}
	mean /= n
	for i := range u {
		e := u[i] - (math.Sin(math.Pi*x[i]) + 2) - mean
		ss += e * e
	}
	std := math.Sqrt(ss / (n - 1))
	// standard errors of a normal sample's mean and standard deviation
	if se := sigma / math.Sqrt(n); math.Abs(mean) > 4*se {
		t.Errorf("mean of the noise %.4g, want 0 within 4 SE (%.3g)", mean, 4*se)
	}
	if se := sigma / math.Sqrt(2*(n-1)); math.Abs(std-sigma) > 4*se {
		t.Errorf("std of the noise %.5g, want %g within 4 SE (%.3g)", std, sigma, 4*se)
	}

	if again := loadNoisy(t, "{sigma: 0.1}"); !reflect.DeepEqual(again.Problem.Data[0].Targets, d.Targets) {
		t.Error("same seed, different noise")
	}
	if other := loadNoisy(t, "{sigma: 0.1}", "seed=6"); reflect.DeepEqual(other.Problem.Data[0].Targets, d.Targets) {
		t.Error("another seed, the same noise")
	}

	rel := loadNoisy(t, "0.01").Problem.Data[0]
	relMap := loadNoisy(t, "{relative: 0.01}").Problem.Data[0]
	if rel.NoiseModel != "relative" || !reflect.DeepEqual(rel, relMap) {
		t.Errorf("noise: {relative: 0.01} differs from noise: 0.01 (%q %q)", rel.NoiseModel, relMap.NoiseModel)
	}
	rng := rand.New(rand.NewPCG(5, 0))
	for i := range u {
		z := rng.NormFloat64()
		v := math.Sin(math.Pi*x[i]) + 2
		if want := v * (1 + r*z); rel.Targets["u"][i] != want {
			t.Fatalf("relative row %d: %v, want v*(1 + r*z) = %v bit for bit", i, rel.Targets["u"][i], want)
		}
		if want := v + sigma*z; u[i] != want {
			t.Fatalf("absolute row %d: %v, want v + s*z = %v bit for bit", i, u[i], want)
		}
	}
}

// TestNoiseErrors: malformed noise maps are errors at their position.
func TestNoiseErrors(t *testing.T) {
	// the noise value starts at line 11, column 12
	cases := []struct{ noise, want string }{
		{"{sigma: 0.1, relative: 0.01}", "noisy.yaml:11:25: data.0.noise: give either sigma (absolute) or relative, not both"},
		{"{scale: 0.1}", `noisy.yaml:11:13: data.0.noise: unknown key "scale" (want sigma: absolute, or relative)`},
		{"{sigma: -0.1}", "noisy.yaml:11:20: data.0.noise.sigma: want a number >= 0, got -0.1"},
		{"{relative: -1}", "noisy.yaml:11:23: data.0.noise.relative: want a number >= 0, got -1"},
		{"{sigma: .inf}", "noisy.yaml:11:20: data.0.noise.sigma: want a number, got .inf"},
		{"{relative: .nan}", "noisy.yaml:11:23: data.0.noise.relative: want a number, got .nan"},
		{"{}", "noisy.yaml:11:12: data.0.noise: want {sigma: s} (absolute) or {relative: r}"},
		{"big", `noisy.yaml:11:12: data.0.noise: want a number (relative), {relative: r} or {sigma: s} (absolute), got "big"`},
		{"-0.5", "noisy.yaml:11:12: data.0.noise: want a number >= 0, got -0.5"},
		{"{sigma: 0.1}\n    noise_model: mean", "noisy.yaml:12:5: data.0: noise_model goes with a bare number noise"},
	}
	for _, c := range cases {
		_, err := LoadBytes(filepath.Join(goodDir, "noisy.yaml"), []byte(strings.Replace(noisySpec, "NOISE", c.noise, 1)), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("noise: %s: got %v, want %s", c.noise, err, c.want)
		}
	}
}

// TestOutsideWarnings: data and reference rows outside the domain give one
// warning per file, naming the first by its CSV line; Load does not fail.
func TestOutsideWarnings(t *testing.T) {
	cases := []struct {
		name, domain, data, ref string
		want                    []string
	}{
		{
			name:   "box",
			domain: "variables:\n  x: [0, 2]\n  y: [0, 1]\n",
			// the third row is on the boundary to within rounding: inside
			data: "x,y,u\n1,0.5,0\n2.5,0.5,1\n2.0000000001,0,1\n-1,0,2\n",
			want: []string{"obs.csv: warning: 2 of 4 rows lie outside the domain (first: line 3, x=2.5, y=0.5)"},
		},
		{
			name:   "example",
			domain: "variables:\n  x: [0, 1]\n  y: [0, 1]\n",
			data:   "x,y,u\n0.5,0.5,0\n2.5,0.5,1\n# a comment line\n0.5,-3,2\n",
			ref:    "x,y,u\n0,0,0\n1,1,0\n",
			want:   []string{"obs.csv: warning: 2 of 3 rows lie outside the domain (first: line 3, x=2.5, y=0.5)"},
		},
		{
			name: "plate with a hole",
			domain: "domain:\n  type: difference\n  parts:\n    - {type: box, lo: [-1, -1], hi: [1, 1]}\n" +
				"    - {type: disk, center: [0, 0], radius: 0.4}\n  variables: [x, y]\n  time: [0, 1]\n",
			// inside; on the hole's edge (inside); in the hole; outside the
			// plate; time outside its interval
			data: "x,y,t,u\n0.8,0.8,0.5,0\n0.4,0,0,0\n0.1,-0.2,0.5,0\n1.5,0,0.5,0\n0.8,0.8,2,0\n",
			ref:  "x,y,t,u\n0.9,-0.9,1,0\n0,0,0,0\n",
			want: []string{
				"obs.csv: warning: 3 of 5 rows lie outside the domain (first: line 4, x=0.1, y=-0.2, t=0.5)",
				"ref.csv: warning: 1 of 2 rows lie outside the domain (first: line 3, x=0, y=0, t=0)",
			},
		},
		{
			name:   "disk, all inside",
			domain: "domain: {type: disk, center: [1, 0], radius: 1, variables: [x, y]}\n",
			data:   "x,y,u\n1,0,0\n2,0,0\n1,1,0\n",
		},
		{
			name:   "ball",
			domain: "domain: {type: ball, dim: 3, radius: 1, variable: x, time: [0, 1]}\n",
			data:   "x[1],x[2],x[3],t,u\n0,0,1,0,0\n0.6,0.8,0.1,0.5,0\n0,0,0,-1,0\n",
			want:   []string{"obs.csv: warning: 2 of 3 rows lie outside the domain (first: line 3, |x|=1.004987562112089, t=0.5)"},
		},
		{
			name:   "vector box",
			domain: "domain: {type: box, dim: 3, range: [-1, 1], variable: x}\n",
			data:   "x[1],x[2],x[3],u\n1,-1,0,0\n0,1.5,3,0\n",
			want:   []string{"obs.csv: warning: 1 of 2 rows lie outside the domain (first: line 3, x[2]=1.5)"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			spec := "name: outside\n" + c.domain + "fields: [u]\ndata:\n  - {name: obs, file: obs.csv}\n"
			if err := os.WriteFile(filepath.Join(dir, "obs.csv"), []byte(c.data), 0o644); err != nil {
				t.Fatal(err)
			}
			if c.ref != "" {
				spec += "evaluation: {reference: ref.csv}\n"
				if err := os.WriteFile(filepath.Join(dir, "ref.csv"), []byte(c.ref), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "spec.yaml")
			if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Load(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Warnings, c.want) {
				t.Errorf("warnings\n  %q\nwant\n  %q", s.Warnings, c.want)
			}
			if n := s.Problem.Data[0].Len(); n != strings.Count(c.data, "\n")-1-strings.Count(c.data, "#") {
				t.Errorf("%d rows kept", n)
			}
		})
	}
}

// TestOutsideWarningsSynthetic: a synthetic grid reaching outside the
// domain is warned about by row.
func TestOutsideWarningsSynthetic(t *testing.T) {
	s := loadNoisy(t, "0", "data.0.points.x=[0.5, 1.5, 2]")
	want := []string{`data "obs": warning: 2 of 3 rows lie outside the domain (first: row 2, x=1.5)`}
	if !reflect.DeepEqual(s.Warnings, want) {
		t.Errorf("warnings %q, want %q", s.Warnings, want)
	}
	if s := loadNoisy(t, "0"); s.Warnings != nil {
		t.Errorf("warnings %q, want none", s.Warnings)
	}
}

// FuzzDataCSV: whatever bytes a data file holds, Load returns a spec or
// Errors, never panics; the seeds are the corpus's CSV files and edge cases.
func FuzzDataCSV(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "specs", "*", "*.csv"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "x,u\n", "x,u\n0.5,1\n", "\ufeffx,u\r\n0,1\r\n", "x,u\n1,2,3\n", "x,x,u\n1,1,1\n", "x,u\n\"1\n", "x,u\nnan,1\n", "# c\nx,u\n1e400,1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "obs.csv"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		spec := `name: fz
variables: {x: [0, 1]}
fields: [u]
equations: [{name: pde, residual: "u_xx", points: 4}]
data: [{name: obs, file: obs.csv}]
`
		_, err := LoadBytes(filepath.Join(dir, "s.yaml"), []byte(spec), nil)
		if err != nil {
			if _, ok := err.(Errors); !ok {
				t.Errorf("error is %T, not Errors: %v", err, err)
			}
		}
	})
}

// TestDataFileNotRegular: a data file that is an endless stream
// (/dev/zero) is refused at once, naming it, instead of being read without
// end.
func TestDataFileNotRegular(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	spec := `name: z
variables: {x: [0, 1]}
fields: [u]
equations: [{name: pde, residual: "u_xx", points: 4}]
data: [{name: obs, file: /dev/zero}]
`
	_, err := LoadBytes("z.yaml", []byte(spec), nil)
	if err == nil || !strings.Contains(err.Error(), "/dev/zero: not a regular file") {
		t.Fatalf("data file /dev/zero: %v", err)
	}
}

// twoFieldData observes FIELDS of u = x, v = 2x (exact for both) on a
// synthetic grid, and the file obs.csv with columns x, u, v.
const twoFieldData = `name: obsfields
variables:
  x: [0, 1]
fields: [u, v]
equations:
  - {name: pde, residual: "u_x - 1 + v - 2*x", points: 10}
data:
  - {name: grid, points: {x: [0, 0.5, 1]}, fields: FIELDS}
  - {name: file, file: obs.csv, fields: [v]}
evaluation:
  exact: {u: "x", v: "2*x"}
`

// TestDataFields: data.<i>.fields picks the observed fields of synthetic
// data (the others are not drawn) and of a file (the other columns are
// ignored); a field with no exact value, an unknown name, a repeated one
// and a field that is not a column are errors at the list.
func TestDataFields(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "obs.csv"), []byte("x,u,v\n0.25,0.25,0.5\n0.75,0.75,1.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	load := func(fields, exact string) (*Spec, error) {
		src := strings.Replace(twoFieldData, "FIELDS", fields, 1)
		src = strings.Replace(src, `exact: {u: "x", v: "2*x"}`, exact, 1)
		return LoadBytes(filepath.Join(dir, "s.yaml"), []byte(src), nil)
	}
	s, err := load("[u]", `exact: {u: "x", v: "2*x"}`)
	if err != nil {
		t.Fatal(err)
	}
	grid, file := s.Problem.Data[0], s.Problem.Data[1]
	if len(grid.Targets) != 1 || !reflect.DeepEqual(grid.Targets["u"], []float64{0, 0.5, 1}) {
		t.Errorf("grid targets %v, want u only", grid.Targets)
	}
	if len(file.Targets) != 1 || !reflect.DeepEqual(file.Targets["v"], []float64{0.5, 1.5}) {
		t.Errorf("file targets %v, want v only", file.Targets)
	}
	// without fields every field with an exact value is drawn
	all, err := load("[u, v]", `exact: {u: "x", v: "2*x"}`)
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Problem.Data[0].Targets) != 2 {
		t.Errorf("fields [u, v]: targets %v", all.Problem.Data[0].Targets)
	}
	for _, c := range []struct{ fields, exact, want string }{
		{"[v]", `exact: {u: "x"}`, `s.yaml:8:52: data "grid": fields: "v" has no evaluation.exact to draw synthetic values from`},
		{"[w]", `exact: {u: "x", v: "2*x"}`, `s.yaml:8:53: data.0.fields: "w" is not a field (fields: u, v)`},
		{"[u, u]", `exact: {u: "x", v: "2*x"}`, `s.yaml:8:56: data.0.fields: "u" appears twice`},
		{"[]", `exact: {u: "x", v: "2*x"}`, `s.yaml:8:52: data.0.fields: want at least one field`},
	} {
		if _, err := load(c.fields, c.exact); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("fields %s: got %v, want %s", c.fields, err, c.want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "obs.csv"), []byte("x,u\n0.25,0.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := load("[u]", `exact: {u: "x", v: "2*x"}`); err == nil || !strings.Contains(err.Error(), `data "file": fields: "v" is not a column of obs.csv`) {
		t.Errorf("missing column: got %v", err)
	}
}
