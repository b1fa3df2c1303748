// Command heatinv writes the observations of PINNacle's HInv problem
// (github.com/i207M/PINNacle, src/pde/inverse.py, HeatInv): the exact
// u = exp(-t) sin(pi x) sin(pi y) at the 2500 points of its
// ref/heatinv_points.dat (x, y, t per line, MIT licence) plus Gaussian
// noise of standard deviation 0.1, drawn here from a seeded stream
// (PINNacle draws it unseeded at every start).
//
//	go run ./configs/data/heatinv -in ref/heatinv_points.dat -out configs/data/pinnacle_hinv_obs.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/gopinn/gopinn/pde/reference"
)

func main() {
	in := flag.String("in", "", "ref/heatinv_points.dat")
	out := flag.String("out", "", "CSV to write")
	sigma := flag.Float64("sigma", 0.1, "noise standard deviation (absolute)")
	seed := flag.Uint64("seed", 0, "noise seed")
	flag.Parse()
	if err := write(*in, *out, *sigma, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "heatinv:", err)
		os.Exit(1)
	}
}

// exact is HeatInv's u.
func exact(x, y, t float64) float64 { return math.Exp(-t) * math.Sin(math.Pi*x) * math.Sin(math.Pi*y) }

func write(in, out string, sigma float64, seed uint64) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	cols := make([][]float64, 4)
	rng := rand.New(rand.NewPCG(seed, 0x48494e56)) // "HINV"
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 3 {
			return fmt.Errorf("%s:%d: want x y t, got %d columns", in, line, len(fs))
		}
		var v [3]float64
		for i, s := range fs {
			if v[i], err = strconv.ParseFloat(s, 64); err != nil {
				return fmt.Errorf("%s:%d: %q is not a number", in, line, s)
			}
		}
		u := exact(v[0], v[1], v[2]) + sigma*rng.NormFloat64()
		for i, c := range []float64{v[0], v[1], v[2], u} {
			cols[i] = append(cols[i], c)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return reference.WriteReferenceCSV(out, []string{"x", "y", "t", "u"}, cols)
}
