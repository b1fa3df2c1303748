package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestConvert: a time-dependent COMSOL export becomes x,t,u rows with t
// slowest; a steady one keeps its columns; a short row is an error.
func TestConvert(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.dat")
	os.WriteFile(in, []byte(`% Model: burgers1d.mph
% X                       u (1) @ t=0              u (1) @ t=0.5
-1                        0                        0
0.5                       -1                       -0.25
`), 0o644)
	out := filepath.Join(dir, "a.csv")
	if err := convert(in, out, []string{"x"}, []string{"u"}, 1); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if want := "x,t,u\n-1,0,0\n0.5,0,-1\n-1,0.5,0\n0.5,0.5,-0.25\n"; string(got) != want {
		t.Errorf("time-dependent:\n%s\nwant\n%s", got, want)
	}
	// -every 2 keeps t = 0 only
	if err := convert(in, out, []string{"x"}, []string{"u"}, 2); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); string(got) != "x,t,u\n-1,0,0\n0.5,0,-1\n" {
		t.Errorf("every 2:\n%s", got)
	}
	os.WriteFile(in, []byte("% x y u\n0 1 2\n3 4 5\n"), 0o644)
	if err := convert(in, out, []string{"x", "y"}, []string{"u"}, 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); string(got) != "x,y,u\n0,1,2\n3,4,5\n" {
		t.Errorf("steady:\n%s", got)
	}
	os.WriteFile(in, []byte("% x y u\n0 1 2\n3 4\n"), 0o644)
	if err := convert(in, out, []string{"x", "y"}, []string{"u"}, 1); err == nil {
		t.Error("a short row was accepted")
	}
}
