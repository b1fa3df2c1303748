package sampling

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestNewDomain(t *testing.T) {
	sq := map[string]any{"type": "box", "lo": []any{-1, -1}, "hi": []any{1.0, 1}}
	for _, tc := range []struct {
		typ    string
		params map[string]any
		want   Domain
	}{
		{"box", map[string]any{"lo": []any{0, -1.5}, "hi": []any{2, 1}}, Box{Lo: []float64{0, -1.5}, Hi: []float64{2, 1}}},
		{"Box", map[string]any{"lo": -1, "hi": 1, "dim": 3}, Cube(3, -1, 1)},
		{"box", map[string]any{"lo": []float64{0}, "hi": []int{2}, "dim": 1}, Interval(0, 2)},
		{"ball", map[string]any{"center": []any{1, 2, 3}, "radius": 0.5}, Ball{Center: []float64{1, 2, 3}, Radius: 0.5}},
		{"ball", map[string]any{"dim": int64(5)}, CenteredBall(5, 1)},
		{"disk", map[string]any{"radius": uint8(2)}, Disk(0, 0, 2)},
		{"disk", map[string]any{"center": []any{1, -1}}, Disk(1, -1, 1)},
		{"sphere", map[string]any{"dim": 3, "radius": float32(2)}, CenteredSphere(3, 2)},
		{"annulus", map[string]any{"inner": 0.5, "outer": 1}, Annulus{Center: []float64{0, 0}, Inner: 0.5, Outer: 1}},
		{"annulus", map[string]any{"center": []any{1, 1}, "inner": 1, "outer": 2}, Annulus{Center: []float64{1, 1}, Inner: 1, Outer: 2}},
		{"polygon", map[string]any{"vertices": []any{[]any{0, 0}, []any{2, 0}, []any{0, 1}}}, MustPolygon([][2]float64{{0, 0}, {2, 0}, {0, 1}})},
		{"polygon", map[string]any{"vertices": [][]float64{{0, 0}, {2, 0}, {0, 1}}}, MustPolygon([][2]float64{{0, 0}, {2, 0}, {0, 1}})},
		{"difference", map[string]any{"parts": []any{sq, map[string]any{"type": "disk", "radius": 0.5}}},
			Difference{A: Cube(2, -1, 1), B: Disk(0, 0, 0.5)}},
		{"difference", map[string]any{"parts": []any{sq, map[string]any{"type": "disk", "radius": 0.2}, map[any]any{"type": "disk", "center": []any{0.5, 0.5}, "radius": 0.2}}},
			Difference{A: Cube(2, -1, 1), B: Union{Parts: []Domain{Disk(0, 0, 0.2), Disk(0.5, 0.5, 0.2)}}}},
		{"union", map[string]any{"parts": []any{sq, map[string]any{"type": "annulus", "center": []any{1, 1}, "inner": 0.5, "outer": 1}}},
			Union{Parts: []Domain{Cube(2, -1, 1), Annulus{Center: []float64{1, 1}, Inner: 0.5, Outer: 1}}}},
		{"intersection", map[string]any{"parts": []any{sq, map[string]any{"type": "disk"}}},
			Intersection{Parts: []Domain{Cube(2, -1, 1), Disk(0, 0, 1)}}},
	} {
		d, err := NewDomain(tc.typ, tc.params)
		if err != nil {
			t.Errorf("%s %v: %v", tc.typ, tc.params, err)
			continue
		}
		if !sameDomain(d, tc.want) {
			t.Errorf("%s %v: got %#v, want %#v", tc.typ, tc.params, d, tc.want)
		}
	}
}

// sameDomain compares through the public behaviour: type, bounds, and
// membership of a fixed cloud of points.
func sameDomain(a, b Domain) bool {
	if a.Dim() != b.Dim() {
		return false
	}
	la, ha := a.Bounds()
	lb, hb := b.Bounds()
	if !slices.Equal(la, lb) || !slices.Equal(ha, hb) {
		return false
	}
	rng := Stream(50)
	x := make([]float64, a.Dim())
	for range 2000 {
		for k := range x {
			x[k] = la[k] + (ha[k]-la[k])*(1.2*rng.Float64()-0.1)
		}
		if a.Contains(x, 1e-9) != b.Contains(x, 1e-9) {
			return false
		}
	}
	return true
}

func TestNewDomainErrors(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		params map[string]any
		want   string
	}{
		{"hexagon", nil, "valid: annulus, ball, box"},
		{"box", map[string]any{"lo": []any{0}}, "\"hi\""},
		{"box", map[string]any{"lo": 0, "hi": 1}, "dim"},
		{"box", map[string]any{"lo": []any{0, 0}, "hi": []any{1, 1}, "dim": 3}, "dim 3"},
		{"box", map[string]any{"lo": []any{0, "a"}, "hi": []any{1, 1}}, "not a list of numbers"},
		{"box", map[string]any{"lo": []any{1}, "hi": []any{0}}, "lo < hi"},
		{"box", map[string]any{"lo": []any{0}, "hi": []any{1}, "centre": 1}, "unknown parameter \"centre\""},
		{"ball", map[string]any{"radius": 1}, "center"},
		{"ball", map[string]any{"dim": 2.5}, "integer"},
		{"ball", map[string]any{"center": []any{0, 0}, "dim": 3}, "dim 3"},
		{"disk", map[string]any{"center": []any{0, 0, 0}}, "center has 3"},
		{"disk", map[string]any{"dim": 3}, "2-D"},
		{"sphere", map[string]any{"dim": 2, "radius": "one"}, "not a number"},
		{"annulus", map[string]any{"outer": 1}, "\"inner\""},
		{"annulus", map[string]any{"inner": 2, "outer": 1}, "inner < outer"},
		{"polygon", map[string]any{}, "\"vertices\""},
		{"polygon", map[string]any{"vertices": []any{[]any{0, 0}, []any{1, 1}, []any{1, 0}, []any{0, 1}}}, "intersect"},
		{"polygon", map[string]any{"vertices": []any{[]any{0, 0, 0}}}, "pair"},
		{"union", map[string]any{}, "parts"},
		{"union", map[string]any{"parts": []any{map[string]any{"radius": 1}}}, "type"},
		{"union", map[string]any{"parts": []any{map[string]any{"type": "disk", "radius": -1}}}, "part 0"},
		{"difference", map[string]any{"parts": []any{map[string]any{"type": "disk"}}}, "at least 2"},
		{"intersection", map[string]any{"parts": []any{map[string]any{"type": "disk"}, map[string]any{"type": "ball", "dim": 3}}}, "dimensions"},
	} {
		_, err := NewDomain(tc.typ, tc.params)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want it to mention %q", tc.typ, tc.params, err, tc.want)
		}
	}
}

func TestRegisterDomain(t *testing.T) {
	RegisterDomain(" Unit-Square ", func(map[string]any) (Domain, error) { return Cube(2, 0, 1), nil })
	d, err := NewDomain("unit-square", nil)
	if err != nil || !sameDomain(d, Cube(2, 0, 1)) {
		t.Errorf("registered domain: %v, %v", d, err)
	}
	names := DomainNames()
	for _, want := range []string{"annulus", "ball", "box", "difference", "disk", "intersection", "polygon", "sphere", "union", "unit-square"} {
		if !slices.Contains(names, want) {
			t.Errorf("DomainNames() = %v, missing %q", names, want)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("DomainNames() not sorted: %v", names)
	}
	for _, f := range []func(){
		func() { RegisterDomain("", func(map[string]any) (Domain, error) { return nil, nil }) },
		func() { RegisterDomain("x", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("RegisterDomain accepted an empty name or nil constructor")
				}
			}()
			f()
		}()
	}
	// A registered type is usable inside CSG specs too.
	d, err = NewDomain("difference", map[string]any{"parts": []any{
		map[string]any{"type": "unit-square"}, map[string]any{"type": "disk", "center": []any{0.5, 0.5}, "radius": 0.25},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if d.Contains([]float64{0.5, 0.5}, 0) || !d.Contains([]float64{0.1, 0.1}, 0) || math.IsNaN(float64(d.Dim())) {
		t.Error("difference with a registered part")
	}
}
