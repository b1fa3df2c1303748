package plots

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// outDir is where the figures go; set PLOTS_OUT to keep them for a look.
func outDir(t *testing.T) string {
	if d := os.Getenv("PLOTS_OUT"); d != "" {
		return d
	}
	return t.TempDir()
}

// checkPNG decodes path and checks it is at least minW × minH pixels and
// not a single flat colour.
func checkPNG(t *testing.T, path string, minW, minH int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := img.Bounds()
	if b.Dx() < minW || b.Dy() < minH {
		t.Errorf("%s: %d × %d pixels, want at least %d × %d", path, b.Dx(), b.Dy(), minW, minH)
	}
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bb, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bb != b0 {
				return
			}
		}
	}
	t.Errorf("%s: blank image", path)
}

func linspace(a, b float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	return v
}

func TestLoss(t *testing.T) {
	dir := outDir(t)
	steps := linspace(0, 5000, 51)
	total, pde, ic := make([]float64, 51), make([]float64, 51), make([]float64, 51)
	for i, s := range steps {
		pde[i] = math.Exp(-s/800) + 1e-6
		ic[i] = 0.1 * math.Exp(-s/500) * (1.2 + math.Sin(s/100))
		total[i] = pde[i] + ic[i]
	}
	pde[10], ic[20], total[30] = math.NaN(), 0, math.Inf(1) // skipped
	path := filepath.Join(dir, "loss.png")
	err := Loss(path, "heat1d: loss", steps, map[string][]float64{"loss": total, "loss_pde": pde, "loss_ic": ic})
	if err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 600, 400)

	// Degenerate input is drawn, not a panic.
	for name, s := range map[string][]float64{
		"allnan": {math.NaN(), math.NaN(), math.NaN()},
		"one":    {math.NaN(), 1e-3, -1},
		"const":  {2, 2, 2},
	} {
		p := filepath.Join(dir, "loss_"+name+".png")
		if err := Loss(p, name, []float64{0, 1, 2}, map[string][]float64{"loss": s}); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkPNG(t, p, 600, 400)
	}
	if err := Loss(filepath.Join(dir, "x.png"), "", []float64{0, 1}, map[string][]float64{"l": {1}}); err == nil {
		t.Error("short series: no error")
	}
}

func TestLine1D(t *testing.T) {
	dir := outDir(t)
	n := 200
	x, pred, ref := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range x {
		// Unsorted x: a permutation of [-1, 1].
		x[i] = -1 + 2*float64((i*37)%n)/float64(n-1)
		ref[i] = math.Sin(math.Pi * x[i])
		pred[i] = ref[i] + 0.02*math.Cos(3*x[i])
	}
	pred[5], x[7] = math.NaN(), math.NaN()
	path := filepath.Join(dir, "solution_1d.png")
	if err := Line1D(path, "burgers: u(x, t=1)", "x", x, pred, ref); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 600, 600)

	path = filepath.Join(dir, "solution_1d_noref.png")
	if err := Line1D(path, "prediction only", "x", x, pred, nil); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 600, 400)

	nan := []float64{math.NaN(), math.NaN()}
	path = filepath.Join(dir, "solution_1d_nan.png")
	if err := Line1D(path, "all NaN", "x", []float64{0, 1}, nan, nan); err != nil {
		t.Errorf("all NaN: %v", err)
	} else {
		checkPNG(t, path, 600, 600)
	}
	if err := Line1D(path, "", "x", []float64{0, 1}, []float64{1}, nil); err == nil {
		t.Error("short prediction: no error")
	}
}

func TestHeatmap2D(t *testing.T) {
	dir := outDir(t)
	xs, ys := linspace(-1, 1, 64), linspace(0, 1, 48)
	nx := len(xs)
	pred, ref := make([]float64, nx*len(ys)), make([]float64, nx*len(ys))
	for j, y := range ys {
		for i, x := range xs {
			// Asymmetric in x and y, so a transposed grid would show.
			ref[j*nx+i] = math.Sin(math.Pi*x) * math.Exp(-2*y)
			pred[j*nx+i] = ref[j*nx+i] + 0.01*x*y
		}
	}
	pred[100], ref[200] = math.NaN(), math.Inf(1)
	path := filepath.Join(dir, "solution_2d.png")
	if err := Heatmap2D(path, "heat2d: u(x, t)", "x", "t", xs, ys, pred, ref); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 1400, 500)

	path = filepath.Join(dir, "solution_2d_noref.png")
	if err := Heatmap2D(path, "prediction", "x", "y", xs, ys, pred, nil); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 450, 500)

	// Constant, all-NaN, exact fit and a one-cell grid still draw.
	allNaN := []float64{math.NaN(), math.NaN()}
	for name, tc := range map[string]struct{ xs, ys, pred, ref []float64 }{
		"const":  {[]float64{0, 1}, []float64{0}, []float64{3, 3}, []float64{3, 3}},
		"allnan": {[]float64{0, 1}, []float64{0}, allNaN, allNaN},
		"single": {[]float64{0}, []float64{0}, []float64{1}, nil},
	} {
		p := filepath.Join(dir, "solution_2d_"+name+".png")
		if err := Heatmap2D(p, name, "x", "y", tc.xs, tc.ys, tc.pred, tc.ref); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		checkPNG(t, p, 400, 400)
	}

	for name, tc := range map[string]struct {
		xs, ys, pred []float64
		want         string
	}{
		"short":      {[]float64{0, 1}, []float64{0, 1}, []float64{1, 2, 3}, "3 predictions for a 2 × 2 grid"},
		"unsorted":   {[]float64{1, 0}, []float64{0}, []float64{1, 2}, "xs: coordinates not strictly increasing"},
		"nan coord":  {[]float64{0, 1}, []float64{math.NaN()}, []float64{1, 2}, "ys: coordinate 0 is NaN"},
		"empty axis": {nil, []float64{0}, nil, "xs: no coordinates"},
	} {
		err := Heatmap2D(filepath.Join(dir, "bad.png"), "", "x", "y", tc.xs, tc.ys, tc.pred, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want containing %q", name, err, tc.want)
		}
	}
}

func TestLearnedVsExact(t *testing.T) {
	dir := outDir(t)
	n := 300
	exact, learned := make([]float64, n), make([]float64, n)
	for i := range exact {
		u := float64(i) / float64(n-1)
		exact[i] = u - u*u
		learned[i] = 0.998*u - 1.002*u*u + 0.003*math.Sin(40*u)
	}
	learned[3], exact[4] = math.NaN(), math.Inf(-1)
	path := filepath.Join(dir, "hidden_h.png")
	if err := LearnedVsExact(path, "hidden term h(u)", exact, learned); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, path, 500, 450)

	path = filepath.Join(dir, "hidden_nan.png")
	if err := LearnedVsExact(path, "all NaN", []float64{math.NaN()}, []float64{1}); err != nil {
		t.Errorf("all NaN: %v", err)
	} else {
		checkPNG(t, path, 500, 450)
	}
	if err := LearnedVsExact(path, "", []float64{1, 2}, []float64{1}); err == nil {
		t.Error("mismatched lengths: no error")
	}
}

func TestNoTempFilesLeft(t *testing.T) {
	dir := t.TempDir()
	if err := Loss(filepath.Join(dir, "loss.png"), "", []float64{0, 1}, map[string][]float64{"l": {1, 0.5}}); err != nil {
		t.Fatal(err)
	}
	if err := Loss(filepath.Join(dir, "loss.png"), "again", []float64{0, 1}, map[string][]float64{"l": {1, 0.5}}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "loss.png" {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("dir holds %v, want only loss.png", names)
	}
}
