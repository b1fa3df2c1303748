package sampling_test

import (
	"fmt"

	"github.com/gopinn/gopinn/sampling"
)

// Sobol collocation points in the space-time box (x, t) in [-1,1] x [0,1],
// plus the spatial boundary (the time axis excluded) with outward normals.
// The generator comes from Stream, so term 0 at resampling epoch 3 can be
// regenerated from the run seed alone.
func ExampleBox_Interior() {
	box := sampling.Box{Lo: []float64{-1, 0}, Hi: []float64{1, 1}}
	sobol, err := sampling.NewUnitSampler("sobol")
	if err != nil {
		panic(err)
	}
	rng := sampling.Stream(42, 0, 3) // run seed 42, term 0, epoch 3
	x, err := box.Interior(4, sobol, rng)
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(x)/2; i++ {
		fmt.Printf("x=%+.4f t=%.4f\n", x[2*i], x[2*i+1])
	}

	const timeAxis = 1
	pts, normals, _, err := box.FacePoints(box.Faces(timeAxis), 2, sobol, rng)
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(pts)/2; i++ {
		fmt.Printf("wall at x=%+.0f t=%.4f normal (%+.0f, %+.0f)\n", pts[2*i], pts[2*i+1], normals[2*i], normals[2*i+1])
	}
	// Output:
	// x=-0.5505 t=0.2410
	// x=-0.0505 t=0.9910
	// x=+0.9495 t=0.4910
	// x=+0.6995 t=0.8660
	// wall at x=-1 t=0.7424 normal (-1, +0)
	// wall at x=+1 t=0.2523 normal (+1, +0)
}

// A solid from a closed triangulated surface, as read from an STL file by
// LoadSTL: here the unit cube, tessellated by ExtrusionSurface.
func ExampleNewMesh() {
	square := sampling.MustPolygon([][2]float64{{0, 0}, {1, 0}, {1, 1}, {0, 1}})
	tris := sampling.ExtrusionSurface(square, 2, 0, 1) // along z, 0 <= z <= 1
	m, err := sampling.NewMesh(tris)
	if err != nil {
		fmt.Println(err)
		return
	}
	pts, normals, _ := m.Boundary(2, sampling.Uniform{}, sampling.Stream(1, 0))
	fmt.Println(m.NumTriangles(), "triangles, volume", m.Volume(), "area", m.BoundaryMeasure())
	fmt.Println(m.Contains([]float64{0.5, 0.5, 0.5}, 0), m.Contains([]float64{1.5, 0.5, 0.5}, 0))
	fmt.Println(len(pts)/3, "surface points with unit normals:", len(normals) == len(pts))
	// Output:
	// 12 triangles, volume 1 area 6
	// true false
	// 2 surface points with unit normals: true
}
