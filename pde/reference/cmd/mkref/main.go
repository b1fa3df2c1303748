// Command mkref writes the reference-solution tables that the paper configs
// read (configs/data):
//
//	burgers_rad_ref.csv    Burgers, ν = 0.01/π (Wu et al. 2023, RAD)
//	burgers_nu001_ref.csv  Burgers, ν = 0.01 (Podina et al. 2023, UPINN)
//	allen_cahn_ref.csv     Allen–Cahn, ε = 0.001 (Wu et al. 2023, RAD)
//
// Each has the header x,t,u and one row per grid point, t slowest. Usage,
// from the repository root:
//
//	go run ./pde/reference/cmd/mkref -out configs/data
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gopinn/gopinn/pde/reference"
)

func main() {
	out := flag.String("out", "configs/data", "directory to write the CSV files to")
	nx := flag.Int("nx", 256, "Burgers: number of x points, linspace(-1, 1)")
	nt := flag.Int("nt", 101, "number of t points, linspace(0, 1)")
	nAC := flag.Int("n-ac", 512, "Allen–Cahn: number of Fourier points")
	dtAC := flag.Float64("dt-ac", 5e-5, "Allen–Cahn: largest ETDRK4 step")
	flag.Parse()
	if err := run(*out, *nx, *nt, *nAC, *dtAC); err != nil {
		fmt.Fprintln(os.Stderr, "mkref:", err)
		os.Exit(1)
	}
}

func run(out string, nx, nt, nAC int, dtAC float64) error {
	if nx < 2 || nt < 2 {
		return fmt.Errorf("need at least 2 points in x and t (got %d, %d)", nx, nt)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	xs, ts := linspace(-1, 1, nx), linspace(0, 1, nt)
	for _, b := range []struct {
		file string
		nu   float64
	}{
		{"burgers_rad_ref.csv", 0.01 / math.Pi},
		{"burgers_nu001_ref.csv", 0.01},
	} {
		start := time.Now()
		u := reference.BurgersGrid(b.nu, xs, ts)
		if err := write(filepath.Join(out, b.file), xs, ts, u, start); err != nil {
			return err
		}
	}

	start := time.Now()
	grid, sol, err := reference.AllenCahn(0.001, nAC, dtAC, ts)
	if err != nil {
		return err
	}
	// Close the periodic grid with x = 1, a copy of x = -1, so the table
	// covers the whole interval.
	acx := append(grid, 1)
	u := make([]float64, 0, len(acx)*len(ts))
	for _, row := range sol {
		u = append(u, row...)
		u = append(u, row[0])
	}
	return write(filepath.Join(out, "allen_cahn_ref.csv"), acx, ts, u, start)
}

// write writes u (t slowest, x fastest) as the table x,t,u.
func write(path string, xs, ts, u []float64, start time.Time) error {
	n := len(xs) * len(ts)
	x, t := make([]float64, 0, n), make([]float64, 0, n)
	for _, tv := range ts {
		for _, xv := range xs {
			x, t = append(x, xv), append(t, tv)
		}
	}
	if err := reference.WriteReferenceCSV(path, []string{"x", "t", "u"}, [][]float64{x, t, u}); err != nil {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d rows, %.2f MB, %v\n", path, n, float64(fi.Size())/1e6, time.Since(start).Round(time.Millisecond))
	return nil
}

// linspace is n equally spaced points from a to b, both included exactly.
func linspace(a, b float64, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = a + (b-a)*float64(i)/float64(n-1)
	}
	v[n-1] = b
	return v
}
