package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutsideRowsWarn: validate and train print the loader's warning about
// data rows outside the domain on stderr and go on (SPEC §9).
func TestOutsideRowsWarn(t *testing.T) {
	dir := t.TempDir()
	spec := `name: outside
variables:
  x: [0, 1]
  y: [0, 1]
fields: [u]
equations:
  - {name: pde, residual: "lap(u)", points: 8}
data:
  - {name: obs, file: obs.csv}
model: {layers: [4]}
training: {steps: 2}
evaluation: {points: 16}
`
	for name, text := range map[string]string{
		"spec.yaml": spec,
		"obs.csv":   "x,y,u\n0.5,0.5,0\n2.5,0.5,1\n0.5,-3,2\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const want = "obs.csv: warning: 2 of 3 rows lie outside the domain (first: line 3, x=2.5, y=0.5)\n"
	path := filepath.Join(dir, "spec.yaml")
	code, stdout, stderr := runCLI(t, "validate", path)
	if code != 0 || stdout != "ok\n" || stderr != want {
		t.Errorf("validate: exit %d, stdout %q, stderr %q; want 0, \"ok\\n\", %q", code, stdout, stderr, want)
	}
	code, _, stderr = runCLI(t, "train", path, "--out", filepath.Join(dir, "run"), "--quiet")
	if code != 0 || !strings.HasPrefix(stderr, want) {
		t.Errorf("train: exit %d, stderr %q; want 0 and the warning first", code, stderr)
	}
}
