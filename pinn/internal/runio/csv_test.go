package runio

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCSVRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "prediction.csv")
	header := []string{"x", "t", "u_pred", "u exact, if known"} // quoting
	cols := [][]float64{
		{0, 0.1, -1e-300},
		{1.0 / 3, math.Pi, 5e-324},
		{math.MaxFloat64, -0.0, 123456789.125},
		{1e22, 2, 3},
	}
	if err := WriteCSV(path, header, cols); err != nil {
		t.Fatal(err)
	}
	gh, gc, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gh, header) {
		t.Errorf("header %q, want %q", gh, header)
	}
	for j := range cols {
		if !sameFloats(gc[j], cols[j]) {
			t.Errorf("column %q: %v, want %v", header[j], gc[j], cols[j])
		}
	}
	noTemps(t, filepath.Dir(path), "prediction.csv")

	// No rows: columns come back empty, not nil.
	if err := WriteCSV(path, []string{"a"}, [][]float64{nil}); err != nil {
		t.Fatal(err)
	}
	gh, gc, err = ReadCSV(path)
	if err != nil || len(gh) != 1 || gc[0] == nil || len(gc[0]) != 0 {
		t.Errorf("empty table: %q %v %v", gh, gc, err)
	}
}

func TestWriteCSVErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.csv")
	if err := WriteCSV(path, []string{"a", "b"}, [][]float64{{1}}); err == nil {
		t.Error("header/column count mismatch: no error")
	}
	if err := WriteCSV(path, []string{"a", "b"}, [][]float64{{1}, {1, 2}}); err == nil {
		t.Error("ragged columns: no error")
	}
}

func TestReadCSVErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"nonnumber", "x,t,u\n0,0,1\n\n1,0,abc\n", `obs.csv:4: column "u": not a number "abc"`},
		{"nan", "x,u\n0,1\n1,NaN\n", `obs.csv:3: column "u": not a finite number "NaN"`},
		{"inf", "x,u\n-Inf,1\n", `obs.csv:2: column "x": not a finite number "-Inf"`},
		{"overflow", "x,u\n1e999,1\n", `obs.csv:2: column "x": not a finite number "1e999"`},
		{"short", "x,t,u\n0,0,1\n1,2\n", `obs.csv:3: 2 fields, want 3 (x,t,u)`},
		{"long", "x,u\n0,1,2\n", `obs.csv:2: 3 fields, want 2 (x,u)`},
		{"emptyfield", "x,u\n0,\n", `obs.csv:2: column "u": empty value`},
		{"empty", "", `obs.csv: empty file, want a header line`},
		{"dupcol", "x,x\n", `obs.csv:1: column "x" appears twice`},
		{"noname", "x,,u\n", `obs.csv:1: column 2 has no name`},
		{"quote", "x,u\n1,\"2\n", `obs.csv:2:`},
	} {
		path := filepath.Join(dir, "obs.csv")
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := ReadCSV(path)
		if err == nil || !strings.HasPrefix(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %s prefix and containing %q", tc.name, err, path, tc.want)
		}
	}
	if _, _, err := ReadCSV(filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestReadCSVLenient(t *testing.T) {
	path := filepath.Join(t.TempDir(), "obs.csv")
	if err := os.WriteFile(path, []byte(" x , u\r\n1, 2.5\r\n\r\n 3 ,-4e-3\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	h, c, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(h, []string{"x", "u"}) || !slices.Equal(c[0], []float64{1, 3}) || !slices.Equal(c[1], []float64{2.5, -4e-3}) {
		t.Errorf("got %q %v", h, c)
	}
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCSVAppenderResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run", "metrics.csv")
	header := []string{"step", "loss"}
	a, err := OpenCSVAppender(path, header)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][]float64{{0, 1}, {100, 0.5}, {200, math.NaN()}, {300, 0.125}} {
		if err := a.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Append([]float64{1}); err == nil {
		t.Error("short row: no error")
	}
	// Rows are visible before Close: each Append reaches the file.
	if got, want := readString(t, path), "step,loss\n0,1\n100,0.5\n200,NaN\n300,0.125\n"; got != want {
		t.Errorf("before close: %q, want %q", got, want)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := a.Append([]float64{1, 2}); err == nil {
		t.Error("Append after Close: no error")
	}

	// Simulate a crash mid-row, then resume from a checkpoint at step 100.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("400,0.0")
	f.Close()
	if err := TruncateCSVAfter(path, 100); err != nil {
		t.Fatal(err)
	}
	if got, want := readString(t, path), "step,loss\n0,1\n100,0.5\n"; got != want {
		t.Errorf("after truncate: %q, want %q", got, want)
	}
	noTemps(t, filepath.Dir(path), "metrics.csv")

	a, err = OpenCSVAppender(path, header)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Append([]float64{200, 0.25}); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if got, want := readString(t, path), "step,loss\n0,1\n100,0.5\n200,0.25\n"; got != want {
		t.Errorf("after resume: %q, want %q", got, want)
	}

	// A different header is refused rather than mixed in.
	if _, err := OpenCSVAppender(path, []string{"step", "loss", "loss_pde"}); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("mismatched header: err = %v", err)
	}

	// An interrupted row with no newline is dropped on open, too.
	f, _ = os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("300,0.1")
	f.Close()
	a, err = OpenCSVAppender(path, header)
	if err != nil {
		t.Fatal(err)
	}
	a.Append([]float64{300, 0.2})
	a.Close()
	if got, want := readString(t, path), "step,loss\n0,1\n100,0.5\n200,0.25\n300,0.2\n"; got != want {
		t.Errorf("after interrupted row: %q, want %q", got, want)
	}
}

func TestCSVAppenderEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.csv")
	// An empty file, or one holding only part of a header, gets a header.
	for _, content := range []string{"", "ste"} {
		os.WriteFile(path, []byte(content), 0o644)
		a, err := OpenCSVAppender(path, []string{"step", "loss"})
		if err != nil {
			t.Fatal(err)
		}
		a.Append([]float64{1, 2})
		a.Close()
		if got, want := readString(t, path), "step,loss\n1,2\n"; got != want {
			t.Errorf("from %q: %q, want %q", content, got, want)
		}
	}
}

func TestTruncateCSVAfter(t *testing.T) {
	dir := t.TempDir()
	if err := TruncateCSVAfter(filepath.Join(dir, "none.csv"), 5); err != nil {
		t.Errorf("missing file: %v", err)
	}
	path := filepath.Join(dir, "metrics.csv")
	os.WriteFile(path, []byte("step,loss\n1,NaN\nbad,2\n"), 0o644)
	if err := TruncateCSVAfter(path, 5); err == nil || !strings.Contains(err.Error(), "metrics.csv:3") {
		t.Errorf("bad step: err = %v, want naming line 3", err)
	}
	os.WriteFile(path, []byte("step,loss\n1,NaN\n2,+Inf\n3,1\n"), 0o644)
	if err := TruncateCSVAfter(path, 2.5); err != nil {
		t.Fatal(err)
	}
	if got, want := readString(t, path), "step,loss\n1,NaN\n2,+Inf\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
