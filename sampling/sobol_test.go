package sampling

import (
	"strings"
	"testing"
)

// TestSobolTable checks the transcribed Joe–Kuo rows: every polynomial is
// primitive over GF(2) and appears once, and every m_k is odd and below 2^k.
func TestSobolTable(t *testing.T) {
	if len(joeKuo)+1 != SobolMaxDim {
		t.Fatalf("table has %d rows, SobolMaxDim = %d", len(joeKuo), SobolMaxDim)
	}
	seen := map[[2]uint32]bool{}
	for r, row := range joeKuo {
		s, a, m := row[0], row[1], row[2:]
		if int(s) != len(m) || s == 0 {
			t.Fatalf("dim %d: degree %d with %d numbers", r+2, s, len(m))
		}
		if seen[[2]uint32{s, a}] {
			t.Errorf("dim %d: polynomial (s=%d, a=%d) repeated", r+2, s, a)
		}
		seen[[2]uint32{s, a}] = true
		for k, mk := range m {
			if mk%2 != 1 || mk >= 1<<(k+1) {
				t.Errorf("dim %d: m_%d = %d not odd and < 2^%d", r+2, k+1, mk, k+1)
			}
		}
		p := uint64(1)<<s | uint64(a)<<1 | 1
		if !primitiveGF2(p, int(s)) {
			t.Errorf("dim %d: polynomial %b is not primitive", r+2, p)
		}
	}
}

// primitiveGF2 reports whether p of degree s is primitive: x has
// multiplicative order exactly 2^s - 1 modulo p.
func primitiveGF2(p uint64, s int) bool {
	if s == 1 {
		return p == 0b11
	}
	mul := func(a, b uint64) uint64 {
		r := uint64(0)
		for ; b != 0; b >>= 1 {
			if b&1 == 1 {
				r ^= a
			}
			a <<= 1
			if a>>s&1 == 1 {
				a ^= p
			}
		}
		return r
	}
	pow := func(e uint64) uint64 {
		r, b := uint64(1), uint64(2)
		for ; e != 0; e >>= 1 {
			if e&1 == 1 {
				r = mul(r, b)
			}
			b = mul(b, b)
		}
		return r
	}
	order := uint64(1)<<s - 1
	if pow(order) != 1 {
		return false
	}
	n := order
	for f := uint64(2); f*f <= n; f++ {
		if n%f == 0 {
			if pow(order/f) == 1 {
				return false
			}
			for n%f == 0 {
				n /= f
			}
		}
	}
	return n == 1 || pow(order/n) != 1
}

// TestSobolKnownValues compares the unshifted sequence with the published
// first points of the Joe–Kuo Sobol sequence in Gray-code order (as printed
// by Joe and Kuo's sobol.cc and SciPy's qmc.Sobol(scramble=False)).
func TestSobolKnownValues(t *testing.T) {
	want := [][3]float64{
		{0, 0, 0},
		{0.5, 0.5, 0.5},
		{0.75, 0.25, 0.25},
		{0.25, 0.75, 0.75},
		{0.375, 0.375, 0.625},
		{0.875, 0.875, 0.125},
		{0.625, 0.125, 0.875},
		{0.125, 0.625, 0.375},
	}
	u := make([]float64, len(want)*3)
	sobolFill(u, len(want), 3, 0, nil)
	for i, w := range want {
		for j := range w {
			if u[i*3+j] != w[j] {
				t.Errorf("point %d axis %d = %v, want %v", i, j, u[i*3+j], w[j])
			}
		}
	}
	// Starting part-way gives the same points as stepping there.
	v := make([]float64, 5*3)
	sobolFill(v, 5, 3, 3, nil)
	for i := range v {
		if v[i] != u[9+i] {
			t.Fatalf("start at index 3: coordinate %d = %v, want %v", i, v[i], u[9+i])
		}
	}
}

// TestSobolNet checks the (t,m,s)-net structure, with and without a digital
// shift: the first 2^m points (from index 0) put exactly one point in each
// interval [k/2^m, (k+1)/2^m) on every one of the 128 axes, and axes 1-2 form
// a (0,m,2)-net: every elementary box of area 2^-m holds exactly one point.
func TestSobolNet(t *testing.T) {
	const m = 10
	const n = 1 << m
	for _, shifted := range []bool{false, true} {
		var shift []uint64
		if shifted {
			rng := Stream(21)
			shift = make([]uint64, SobolMaxDim)
			for j := range shift {
				shift[j] = rng.Uint64()
			}
		}
		u := make([]float64, n*SobolMaxDim)
		sobolFill(u, n, SobolMaxDim, 0, shift)
		for j := 0; j < SobolMaxDim; j++ {
			hit := make([]bool, n)
			for _, v := range column(u, SobolMaxDim, j) {
				k := int(v * n)
				if hit[k] {
					t.Fatalf("shift=%v axis %d: stratum %d hit twice", shifted, j, k)
				}
				hit[k] = true
			}
		}
		for a := 0; a <= m; a++ {
			hit := make(map[[2]int]bool, n)
			for i := 0; i < n; i++ {
				cell := [2]int{int(u[i*SobolMaxDim] * float64(int(1)<<a)), int(u[i*SobolMaxDim+1] * float64(int(1)<<(m-a)))}
				if hit[cell] {
					t.Fatalf("shift=%v: elementary box %v of shape 2^-%d x 2^-%d hit twice", shifted, cell, a, m-a)
				}
				hit[cell] = true
			}
		}
	}
}

func TestSobolLimits(t *testing.T) {
	if _, err := (Sobol{}).Unit(10, SobolMaxDim, Stream(1)); err != nil {
		t.Errorf("dim %d: %v", SobolMaxDim, err)
	}
	_, err := Sobol{}.Unit(10, SobolMaxDim+1, Stream(1))
	if err == nil || !strings.Contains(err.Error(), "128") {
		t.Errorf("dim %d: error %v, want one naming the maximum 128", SobolMaxDim+1, err)
	}
	// The origin (index 0) is skipped: without a shift the first point is 1/2.
	u := make([]float64, 2)
	sobolFill(u, 1, 2, 1, nil)
	if u[0] != 0.5 || u[1] != 0.5 {
		t.Errorf("first point after the skipped origin = %v, want [0.5 0.5]", u)
	}
}
