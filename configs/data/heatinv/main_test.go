package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWrite: without noise the observations are the exact u at the points;
// with noise their deviations from it have the stated spread (2000 draws:
// the sample standard deviation is within 5 % of sigma); a bad line names
// its line.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "p.dat"), filepath.Join(dir, "o.csv")
	var b strings.Builder
	for i := range 2000 {
		x, y, tt := math.Mod(0.37*float64(i), 2)-1, math.Mod(0.61*float64(i), 2)-1, math.Mod(0.13*float64(i), 1)
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64) + " " + strconv.FormatFloat(y, 'g', -1, 64) + " " + strconv.FormatFloat(tt, 'g', -1, 64) + "\n")
	}
	os.WriteFile(in, []byte(b.String()), 0o644)
	read := func() [][]float64 {
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]float64
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
			var r []float64
			for _, s := range strings.Split(l, ",") {
				v, _ := strconv.ParseFloat(s, 64)
				r = append(r, v)
			}
			rows = append(rows, r)
		}
		return rows
	}
	if err := write(in, out, 0, 1); err != nil {
		t.Fatal(err)
	}
	for _, r := range read() {
		if r[3] != exact(r[0], r[1], r[2]) {
			t.Fatalf("row %v: u %g, exact %g", r, r[3], exact(r[0], r[1], r[2]))
		}
	}
	if err := write(in, out, 0.1, 1); err != nil {
		t.Fatal(err)
	}
	rows := read()
	var ss float64
	for _, r := range rows {
		d := r[3] - exact(r[0], r[1], r[2])
		ss += d * d
	}
	if sd := math.Sqrt(ss / float64(len(rows)-1)); math.Abs(sd-0.1) > 0.005 {
		t.Errorf("noise spread %.4f, want 0.1", sd)
	}
	os.WriteFile(in, []byte("0 0 0\n1 2\n"), 0o644)
	if err := write(in, out, 0.1, 1); err == nil || !strings.Contains(err.Error(), "p.dat:2:") {
		t.Errorf("bad line: %v", err)
	}
}
