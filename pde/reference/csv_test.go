package reference

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReferenceCSV(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ref.csv")
	cols := [][]float64{{-1, 0.1}, {0, 1.0 / 3}, {-0.5, 1e-300}}
	if err := WriteReferenceCSV(path, []string{"x", "t", "u"}, cols); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "x,t,u\n-1,0,-0.5\n0.1,0.3333333333333333,1e-300\n"
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary file left behind: %v", entries)
	}
	for _, c := range []struct {
		names []string
		cols  [][]float64
	}{
		{[]string{"x"}, cols},
		{nil, nil},
		{[]string{"x", "u"}, [][]float64{{1, 2}, {1}}},
	} {
		if err := WriteReferenceCSV(path, c.names, c.cols); err == nil {
			t.Errorf("names %v: want an error", c.names)
		}
	}
	if err := WriteReferenceCSV(filepath.Join(dir, "missing", "ref.csv"), []string{"x"}, [][]float64{{1}}); err == nil {
		t.Error("missing directory: want an error")
	}
}
