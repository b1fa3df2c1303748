package pde

import (
	"reflect"
	"strings"
	"testing"
)

// TestConvergenceKeys loads model.architecture, model.fourier,
// training.balance and training.causal, with their defaults, and checks
// that the written spec (defaults filled in) loads back to the same Spec.
func TestConvergenceKeys(t *testing.T) {
	src := `name: m
variables:
  x: [0, 1]
  t: [0, 1]
fields: [u]
equations:
  - name: pde
    residual: "u_t - u_xx"
    points: 10
model:
  layers: [16, 16]
  architecture: modified
  fourier: {scale: 3}
training:
  balance: {every: 50}
  causal: {chunks: 8}
`
	s, err := LoadBytes("m.yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Model.Architecture != "modified" || !reflect.DeepEqual(s.Model.Fourier, &Fourier{Features: 64, Scale: 3}) {
		t.Errorf("model %+v fourier %+v", s.Model, s.Model.Fourier)
	}
	if !reflect.DeepEqual(s.Training.Balance, &Balance{Method: "grad-norm", Every: 50, Alpha: 0.9}) {
		t.Errorf("balance %+v", s.Training.Balance)
	}
	if !reflect.DeepEqual(s.Training.Causal, &Causal{Chunks: 8, Epsilon: 1}) {
		t.Errorf("causal %+v", s.Training.Causal)
	}
	out, err := s.MarshalRun(nil)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := LoadBytes("m.yaml", out, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !reflect.DeepEqual(s2.Model, s.Model) || !reflect.DeepEqual(s2.Training, s.Training) {
		t.Errorf("reloaded differs:\n%+v %+v\n%+v %+v\n%s", s.Model, s.Training, s2.Model, s2.Training, out)
	}
	for _, want := range []string{"fourier: {scale: 3, features: 64}", "balance: {every: 50, method: grad-norm, alpha: 0.9}", "causal: {chunks: 8, epsilon: 1}", "architecture: modified"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("written spec lacks %q:\n%s", want, out)
		}
	}
}
