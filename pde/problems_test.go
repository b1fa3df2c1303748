package pde_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/gopinn/gopinn/pde"
)

// TestProblemsMatchConfigs: every constructor builds the spec its config
// file under configs/papers/ holds (the run specs, MarshalRun, decoded and
// compared as YAML values: layout and comments aside), so Go research code
// and pinntrain train the same problem.
func TestProblemsMatchConfigs(t *testing.T) {
	type ctor struct {
		file string
		make func() (*pde.Spec, error)
	}
	var cases []ctor
	for _, op := range []string{"allen_cahn", "poisson", "sine_gordon"} {
		for _, d := range []int{100, 1000, 10000} {
			cases = append(cases, ctor{fmt.Sprintf("stde/two_body_%s_%dd.yaml", op, d), func() (*pde.Spec, error) { return pde.TwoBody(op, d, 0) }})
		}
		cases = append(cases, ctor{fmt.Sprintf("stde/three_body_%s_100d.yaml", op), func() (*pde.Spec, error) { return pde.ThreeBody(op, 100, 0) }})
	}
	for _, k := range []string{"heat", "allen_cahn", "sine_gordon"} {
		for _, d := range []int{10, 100} {
			cases = append(cases, ctor{fmt.Sprintf("stde/semilinear_%s_%dd.yaml", k, d), func() (*pde.Spec, error) { return pde.SemilinearParabolic(k, d) }})
		}
	}
	for _, d := range []int{100, 1000} {
		cases = append(cases, ctor{fmt.Sprintf("sdgd/hjb_lin_%dd.yaml", d), func() (*pde.Spec, error) { return pde.HJBLin(d) }},
			ctor{fmt.Sprintf("sdgd/bsb_%dd.yaml", d), func() (*pde.Spec, error) { return pde.BSB(d) }})
	}
	keep := func(_, path string) string { return path }
	for _, c := range cases {
		file, err := pde.Load(filepath.Join("..", "configs", "papers", c.file), nil)
		if err != nil {
			t.Fatal(err)
		}
		built, err := c.make()
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		a, err1 := file.MarshalRun(keep)
		b, err2 := built.MarshalRun(keep)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", c.file, err1, err2)
		}
		var va, vb any
		if err := yaml.Unmarshal(a, &va); err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(b, &vb); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(va, vb) {
			t.Errorf("%s: the constructor's spec differs from the file's:\n--- file\n%s\n--- constructor\n%s", c.file, a, b)
		}
	}
	if _, err := pde.TwoBody("heat", 10, 0); err == nil {
		t.Error("TwoBody(heat): no error")
	}
	if _, err := pde.SemilinearParabolic("wave", 10); err == nil {
		t.Error("SemilinearParabolic(wave): no error")
	}
}

func ExampleTwoBody() {
	spec, err := pde.TwoBody("allen_cahn", 1000, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println(spec.Problem.Name, spec.Problem.Vector.Dim, spec.Derivatives.Method, spec.Derivatives.Samples)
	// Output: stde-two-body-allen-cahn-1000d 1000 stde 16
}
