package sampling

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
)

// A UnitSampler draws n points in the unit cube [0,1)^dim, row-major: point i
// is u[i*dim : (i+1)*dim]. The result is a function of (n, dim) and the state
// of rng only, so a run is reproducible from its seed.
//
// A sampler may return a different number of points than asked for (the grid
// sampler rounds to a full lattice); callers take len(u)/dim as the count.
type UnitSampler interface {
	// Name is the spec name the sampler is registered under.
	Name() string
	// Unit draws the points. It fails for n < 0, dim < 1, or a dimension
	// the sampler does not support.
	Unit(n, dim int, rng *rand.Rand) ([]float64, error)
}

// FixedSet is implemented by samplers whose points do not depend on the
// random stream (the grid): data-parallel ranks split such a set between
// them instead of each drawing its own.
type FixedSet interface {
	FixedSet() bool
}

// IsFixedSet reports whether s returns the same points for every stream.
func IsFixedSet(s UnitSampler) bool {
	f, ok := s.(FixedSet)
	return ok && f.FixedSet()
}

var registry = struct {
	sync.RWMutex
	m map[string]func() UnitSampler
}{m: map[string]func() UnitSampler{
	"uniform":     func() UnitSampler { return Uniform{} },
	"lhs":         func() UnitSampler { return LHS{} },
	"sobol":       func() UnitSampler { return Sobol{} },
	"halton":      func() UnitSampler { return Halton{} },
	"hammersley":  func() UnitSampler { return Hammersley{} },
	"grid":        func() UnitSampler { return Grid{} },
	"ball-radial": func() UnitSampler { return BallRadialSampler{} },
}}

// RegisterUnitSampler makes a sampler available to NewUnitSampler under name
// (matched case-insensitively). Registering a name again replaces the earlier
// constructor, so a program can override a built-in sampler. It panics on an
// empty name or a nil constructor, which are programming errors.
func RegisterUnitSampler(name string, f func() UnitSampler) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "" || f == nil {
		panic("sampling: RegisterUnitSampler with empty name or nil constructor")
	}
	registry.Lock()
	registry.m[key] = f
	registry.Unlock()
}

// NewUnitSampler returns the sampler registered under name (case-insensitive).
// The error for an unknown name lists the valid ones.
func NewUnitSampler(name string) (UnitSampler, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	registry.RLock()
	f, ok := registry.m[key]
	registry.RUnlock()
	if !ok {
		return nil, fmt.Errorf("sampling: unknown sampler %q (valid: %s)", name, strings.Join(UnitSamplerNames(), ", "))
	}
	return f(), nil
}

// UnitSamplerNames returns the registered sampler names, sorted.
func UnitSamplerNames() []string {
	registry.RLock()
	names := make([]string, 0, len(registry.m))
	for k := range registry.m {
		names = append(names, k)
	}
	registry.RUnlock()
	sort.Strings(names)
	return names
}

// checkND validates the arguments every sampler shares.
func checkND(name string, n, dim int) error {
	if n < 0 {
		return fmt.Errorf("sampling: %s: negative point count %d", name, n)
	}
	if dim < 1 {
		return fmt.Errorf("sampling: %s: dimension %d < 1", name, dim)
	}
	return nil
}

func errTooMany(name string, n, dim int) error {
	return fmt.Errorf("sampling: %s: %d points in %d dimensions is too many", name, n, dim)
}
