package sampling_test

import (
	"fmt"

	"github.com/gopinn/gopinn/sampling"
)

// An L-shaped domain (the re-entrant corner of classic singular Poisson
// problems) given clockwise: NewPolygon detects the orientation, so normals
// still point outward. Interior points come from its triangulation; edge 0
// (from (0,0) up to (0,2)) is named for a boundary condition of its own.
func ExamplePolygon() {
	l, err := sampling.NewPolygon([][2]float64{{0, 0}, {0, 2}, {1, 2}, {1, 1}, {2, 1}, {2, 0}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("area %.0f, perimeter %.0f, %d triangles, clockwise %v\n",
		l.Area(), l.BoundaryMeasure(), len(l.Triangles()), l.Clockwise())

	rng := sampling.Stream(7)
	x, err := l.Interior(1000, sampling.Sobol{}, rng)
	if err != nil {
		panic(err)
	}
	inNotch := 0
	for i := 0; i < len(x)/2; i++ {
		if x[2*i] > 1 && x[2*i+1] > 1 {
			inNotch++
		}
	}
	fmt.Printf("%d interior points, %d in the notch\n", len(x)/2, inNotch)

	pts, normals, _, err := l.EdgePoints([]int{0}, 2, sampling.Sobol{}, rng)
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(pts)/2; i++ {
		fmt.Printf("x=%.0f normal (%+.0f, %+.0f)\n", pts[2*i], normals[2*i], normals[2*i+1])
	}
	// Output:
	// area 3, perimeter 8, 4 triangles, clockwise true
	// 1000 interior points, 0 in the notch
	// x=0 normal (-1, +0)
	// x=0 normal (-1, +0)
}
