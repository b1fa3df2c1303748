package sampling

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// SobolMaxDim is the largest dimension the Sobol sampler supports: the
// Joe–Kuo table carried here (new-joe-kuo-6.21201) stops at 128. Use halton
// or uniform beyond it.
const SobolMaxDim = 128

// sobolMaxPoints bounds n: direction numbers have 32 bits, so the sequence
// has 2^32 distinct points, of which the first (index 0) is skipped.
const sobolMaxPoints = 1<<32 - 1

// Sobol draws a digitally shifted Sobol sequence in base 2 (Sobol 1967;
// generated in Gray-code order as in Bratley & Fox, ACM TOMS 14, 1988, with
// the direction numbers of Joe & Kuo 2008). Points are taken from index 1 on:
// the unshifted index-0 point is the origin, which collocation codes
// conventionally skip.
//
// Each call XORs every coordinate with a 64-bit random digital shift from
// rng (one per axis). A digital shift keeps the (t,m,s)-net structure of the
// sequence while making every point marginally uniform, so resampling gives
// new points of the same quality (Owen, "Monte Carlo and quasi-Monte Carlo
// for statistics", 2009, §3; L'Ecuyer & Lemieux 2002). The 32 random low bits
// beyond the sequence's 32 digits fill the float64 mantissa.
type Sobol struct{}

// Name implements UnitSampler.
func (Sobol) Name() string { return "sobol" }

// Unit implements UnitSampler. It fails for dim > SobolMaxDim.
func (Sobol) Unit(n, dim int, rng *rand.Rand) ([]float64, error) {
	if err := checkND("sobol", n, dim); err != nil {
		return nil, err
	}
	if dim > SobolMaxDim {
		return nil, fmt.Errorf("sampling: sobol: dimension %d exceeds the maximum %d (Joe–Kuo table); use halton or uniform", dim, SobolMaxDim)
	}
	if uint64(n) > sobolMaxPoints {
		return nil, errTooMany("sobol", n, dim)
	}
	shift := make([]uint64, dim)
	for j := range shift {
		shift[j] = rng.Uint64()
	}
	u := make([]float64, n*dim)
	sobolFill(u, n, dim, 1, shift)
	return u, nil
}

// sobolFill writes points first..first+n-1 of the Sobol sequence (Gray-code
// order), each coordinate XORed with shift (nil: no shift).
func sobolFill(u []float64, n, dim int, first uint64, shift []uint64) {
	v := sobolDirections()
	x := make([]uint32, dim)
	// Start from the Gray-code point of index first directly, then step: point
	// i+1 differs from point i in the direction number indexed by the lowest
	// zero bit of i.
	g := first ^ first>>1
	for j := 0; j < dim; j++ {
		for k := 0; g>>k != 0; k++ {
			if g>>k&1 == 1 {
				x[j] ^= v[j][k]
			}
		}
	}
	i := first
	for p := 0; p < n; p++ {
		row := u[p*dim : (p+1)*dim]
		for j := range row {
			y := uint64(x[j]) << 32
			if shift != nil {
				y ^= shift[j]
			}
			row[j] = float64(y>>11) * 0x1p-53
		}
		c := lowestZeroBit(i)
		if c >= 32 {
			break // only reached after the last representable point
		}
		for j := range x {
			x[j] ^= v[j][c]
		}
		i++
	}
}

func lowestZeroBit(i uint64) int {
	c := 0
	for i&1 == 1 {
		i >>= 1
		c++
	}
	return c
}

var (
	sobolOnce sync.Once
	sobolV    [][32]uint32
)

// sobolDirections returns the direction numbers v[j][k] = m_{j,k} 2^(32-k-1)
// (k from 0) for every supported axis j, computed once by the recurrence of
// Bratley & Fox (1988), eq. (2), as Joe & Kuo state it.
func sobolDirections() [][32]uint32 {
	sobolOnce.Do(func() {
		sobolV = make([][32]uint32, SobolMaxDim)
		for k := 0; k < 32; k++ {
			sobolV[0][k] = 1 << (31 - k) // van der Corput: all m = 1
		}
		for j, row := range joeKuo {
			s, a, m := int(row[0]), row[1], row[2:]
			v := &sobolV[j+1]
			for k := 0; k < 32; k++ {
				if k < s {
					v[k] = m[k] << (31 - k)
					continue
				}
				x := v[k-s] ^ v[k-s]>>s
				for l := 1; l < s; l++ {
					if a>>(s-1-l)&1 == 1 {
						x ^= v[k-l]
					}
				}
				v[k] = x
			}
		}
	})
	return sobolV
}
