// Command bracket writes bracket.stl, the L-shaped mounting bracket of the
// worked example configs/bracket_heat.yaml: an L profile with a filleted
// inner corner (base plate 2 × 0.4, upright 0.4 × 1.6, fillet radius 0.2 in
// six segments) extruded 1 along z, tessellated by
// sampling.ExtrusionSurface into a closed, outward-oriented surface and
// written as binary STL. The bolt hole is not in the file: the spec cuts it
// with a cylinder (CSG), so the example exercises both.
//
//	go run ./configs/data/bracket [-o configs/data/bracket/bracket.stl]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"

	"github.com/gopinn/gopinn/sampling"
)

// profile is the bracket's cross-section in (x, y), counter-clockwise.
func profile() [][2]float64 {
	v := [][2]float64{{0, 0}, {2, 0}, {2, 0.4}}
	// the fillet: centre (0.6, 0.6), radius 0.2, from (0.6, 0.4) to (0.4, 0.6)
	const segments = 6
	for i := 0; i <= segments; i++ {
		a := -math.Pi/2 - float64(i)*(math.Pi/2)/segments
		v = append(v, [2]float64{0.6 + 0.2*math.Cos(a), 0.6 + 0.2*math.Sin(a)})
	}
	return append(v, [2]float64{0.4, 1.6}, [2]float64{0, 1.6})
}

// stl is the file's bytes.
func stl() ([]byte, error) {
	p, err := sampling.NewPolygon(profile())
	if err != nil {
		return nil, err
	}
	tris := sampling.ExtrusionSurface(p, 2, 0, 1)
	if _, err := sampling.NewMesh(tris); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = sampling.WriteSTL(&b, tris)
	return b.Bytes(), err
}

func main() {
	out := flag.String("o", "configs/data/bracket/bracket.stl", "output file")
	flag.Parse()
	data, err := stl()
	if err == nil {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bracket:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s (%d triangles)\n", *out, (len(data)-84)/50)
}
