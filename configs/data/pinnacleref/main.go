// Command pinnacleref converts a COMSOL text export from PINNacle's ref/
// folder (github.com/i207M/PINNacle, MIT licence) into the CSV layout of
// evaluation.reference: one row per node and time. A COMSOL file has
// '%' header lines, the last naming the columns (the coordinates, then
// "u (1) @ t=0", "u (1) @ t=0.1", ... for a time-dependent field), and one
// row per node.
//
//	go run ./configs/data/pinnacleref -in burgers1d.dat -coords x -field u -out configs/data/pinnacle_burgers1d_ref.csv
//
// Without times in the header the columns after the coordinates are taken
// as the fields named by -field (comma-separated) and no t column is
// written. -every N keeps every N-th time of a time-dependent export (the
// first included), for exports too large to keep whole.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/gopinn/gopinn/pde/reference"
)

var timeCol = regexp.MustCompile(`@ t=([-+0-9.eE]+)`)

func main() {
	in := flag.String("in", "", "COMSOL .dat file")
	out := flag.String("out", "", "CSV to write")
	coords := flag.String("coords", "x", "coordinate column names, comma-separated")
	field := flag.String("field", "u", "field name(s), comma-separated")
	every := flag.Int("every", 1, "keep every N-th time of a time-dependent export")
	flag.Parse()
	if *every < 1 {
		fmt.Fprintln(os.Stderr, "pinnacleref: -every: want at least 1")
		os.Exit(2)
	}
	if err := convert(*in, *out, strings.Split(*coords, ","), strings.Split(*field, ","), *every); err != nil {
		fmt.Fprintln(os.Stderr, "pinnacleref:", err)
		os.Exit(1)
	}
}

func convert(in, out string, coords, fields []string, every int) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var header string
	var rows [][]float64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "%") {
			header = line
			continue
		}
		var row []float64
		for _, s := range strings.Fields(line) {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return fmt.Errorf("%s: %q is not a number", in, s)
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var times []float64
	for _, m := range timeCol.FindAllStringSubmatch(header, -1) {
		t, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return err
		}
		times = append(times, t)
	}
	nc := len(coords)
	for _, r := range rows {
		want := nc + len(fields)
		if times != nil {
			want = nc + len(times)
		}
		if len(r) != want {
			return fmt.Errorf("%s: a row of %d columns, want %d", in, len(r), want)
		}
	}
	names := append([]string(nil), coords...)
	if times != nil {
		if len(fields) != 1 {
			return fmt.Errorf("time-dependent export: give one field")
		}
		names = append(names, "t")
	}
	names = append(names, fields...)
	cols := make([][]float64, len(names))
	if times == nil {
		for _, r := range rows {
			for j := range cols {
				cols[j] = append(cols[j], r[j])
			}
		}
	} else {
		for k, t := range times { // t slowest, as the project's other references
			if k%every != 0 {
				continue
			}
			for _, r := range rows {
				for j := range nc {
					cols[j] = append(cols[j], r[j])
				}
				cols[nc] = append(cols[nc], t)
				cols[nc+1] = append(cols[nc+1], r[nc+k])
			}
		}
	}
	return reference.WriteReferenceCSV(out, names, cols)
}
