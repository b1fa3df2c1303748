package runio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// formatFloat is the one number format of every CSV written here: the
// shortest decimal that parses back to the same float64.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// WriteCSV writes a CSV file at path, atomically: a header line, then a row
// per index of the columns, cols[j][i] in column j of row i; the columns
// must have equal lengths. NaN and ±Inf are written as NaN, +Inf and -Inf
// (which [ReadCSV] rejects: it reads observation data).
func WriteCSV(path string, header []string, cols [][]float64) error {
	if len(header) == 0 {
		return fmt.Errorf("write csv %s: no columns", path)
	}
	if len(cols) != len(header) {
		return fmt.Errorf("write csv %s: %d column names, %d columns", path, len(header), len(cols))
	}
	n := len(cols[0])
	for j, c := range cols {
		if len(c) != n {
			return fmt.Errorf("write csv %s: column %q has %d values, column %q has %d", path, header[j], len(c), header[0], n)
		}
	}
	return WriteAtomic(path, func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		rec := make([]string, len(cols))
		for i := range n {
			for j, c := range cols {
				rec[j] = formatFloat(c[i])
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// ReadCSV reads a CSV file of a header line and rows of finite numbers,
// returned column by column. Fields are trimmed of surrounding spaces; blank
// lines are skipped. Errors name the file and the 1-based line, e.g.
//
//	obs.csv:7: column "u": not a number "abc"
//
// for a field that is not a number, NaN or ±Inf, or a row with too few or
// too many fields.
func ReadCSV(path string) (header []string, cols [][]float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read csv: %w", err)
	}
	defer f.Close()

	cr := csv.NewReader(bufio.NewReader(f))
	cr.FieldsPerRecord = -1 // row lengths are checked below, with a better message
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true

	rec, err := cr.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("%s: empty file, want a header line", path)
	}
	if err != nil {
		return nil, nil, csvErr(path, err)
	}
	header = make([]string, len(rec))
	seen := make(map[string]bool, len(rec))
	for j, name := range rec {
		name = strings.TrimSpace(name)
		if name == "" {
			return nil, nil, fmt.Errorf("%s:1: column %d has no name", path, j+1)
		}
		if seen[name] {
			return nil, nil, fmt.Errorf("%s:1: column %q appears twice", path, name)
		}
		seen[name] = true
		header[j] = name
	}

	cols = make([][]float64, len(header))
	for j := range cols {
		cols[j] = []float64{}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvErr(path, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, nil, fmt.Errorf("%s:%d: %d fields, want %d (%s)", path, line, len(rec), len(header), strings.Join(header, ","))
		}
		for j, s := range rec {
			s = strings.TrimSpace(s)
			v, err := strconv.ParseFloat(s, 64)
			switch {
			case s == "":
				return nil, nil, fmt.Errorf("%s:%d: column %q: empty value", path, line, header[j])
			case err != nil && !errors.Is(err, strconv.ErrRange):
				return nil, nil, fmt.Errorf("%s:%d: column %q: not a number %q", path, line, header[j], s)
			case !isFinite(v):
				// Also out-of-range literals like 1e999, which parse to ±Inf.
				return nil, nil, fmt.Errorf("%s:%d: column %q: not a finite number %q", path, line, header[j], s)
			}
			cols[j] = append(cols[j], v)
		}
	}
	return header, cols, nil
}

// csvErr reports an encoding/csv parse error (say, a stray quote) in the
// file:line form of the other errors.
func csvErr(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %w", path, pe.Line, pe.Err)
	}
	return fmt.Errorf("read csv %s: %w", path, err)
}

// CSVAppender appends rows of numbers to a CSV log such as metrics.csv.
//
// Each row is written with a single write call and not fsynced: once Append
// returns, the row survives the process dying (it is in the kernel), though
// not necessarily a machine crash. That suits a log that a resumed run
// rewrites anyway (see [TruncateCSVAfter]); an fsync per evaluation would
// cost more than it protects.
type CSVAppender struct {
	path   string
	f      *os.File
	ncols  int
	buf    bytes.Buffer
	closed bool
}

// OpenCSVAppender opens the CSV file at path for appending, creating it and
// its directory if needed. The header line is written only when the file is
// new or empty; an existing file's header must equal header, so a resumed
// run cannot silently mix column layouts. A trailing line without a newline
// (a row cut short by a crash) is removed before appending.
func OpenCSVAppender(path string, header []string) (*CSVAppender, error) {
	if len(header) == 0 {
		return nil, fmt.Errorf("open csv %s: no columns", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open csv %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return nil, fmt.Errorf("open csv %s: %w", path, err)
	}
	a := &CSVAppender{path: path, f: f, ncols: len(header)}
	if err := a.prepare(header); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("open csv %s: %w", path, err)
	}
	return a, nil
}

// prepare checks or writes the header and positions the file at its end.
func (a *CSVAppender) prepare(header []string) error {
	want := csvLine(header)
	content, err := io.ReadAll(a.f)
	if err != nil {
		return err
	}
	if len(content) == 0 {
		_, err := a.f.WriteString(want)
		return err
	}
	if i := bytes.LastIndexByte(content, '\n'); i+1 != len(content) {
		// Drop the incomplete last line.
		content = content[:i+1]
		if err := a.f.Truncate(int64(len(content))); err != nil {
			return err
		}
		if len(content) == 0 {
			if _, err := a.f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			_, err := a.f.WriteString(want)
			return err
		}
	}
	first, _, _ := bytes.Cut(content, []byte("\n"))
	if got := strings.TrimSuffix(string(first), "\r") + "\n"; got != want {
		return fmt.Errorf("existing header %q, want %q", strings.TrimSpace(got), strings.TrimSpace(want))
	}
	_, err = a.f.Seek(int64(len(content)), io.SeekStart)
	return err
}

// csvLine formats one CSV record with its newline, quoting as needed.
func csvLine(rec []string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(rec) // a strings.Builder does not fail
	w.Flush()
	return b.String()
}

// Append writes one row; it must have one value per header column.
func (a *CSVAppender) Append(row []float64) error {
	if a.closed {
		return fmt.Errorf("append csv %s: appender is closed", a.path)
	}
	if len(row) != a.ncols {
		return fmt.Errorf("append csv %s: %d values, want %d", a.path, len(row), a.ncols)
	}
	a.buf.Reset()
	for j, v := range row {
		if j > 0 {
			a.buf.WriteByte(',')
		}
		a.buf.WriteString(formatFloat(v))
	}
	a.buf.WriteByte('\n')
	if _, err := a.f.Write(a.buf.Bytes()); err != nil {
		return fmt.Errorf("append csv %s: %w", a.path, err)
	}
	return nil
}

// Close closes the file. Closing twice is not an error.
func (a *CSVAppender) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("close csv %s: %w", a.path, err)
	}
	return nil
}

// TruncateCSVAfter rewrites the CSV log at path (atomically), keeping the
// header line and the rows whose first column (the step) is <= step, so a
// run resumed from a checkpoint at step never logs a step twice. Kept lines
// are copied byte for byte. A last line without a newline is an interrupted
// write and is dropped. A missing file is not an error: there is nothing to
// truncate.
func TruncateCSVAfter(path string, step float64) error {
	content, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("truncate csv: %w", err)
	}
	if i := bytes.LastIndexByte(content, '\n'); i+1 != len(content) {
		content = content[:i+1]
	}
	var out bytes.Buffer
	out.Grow(len(content))
	for n, line := range bytes.SplitAfter(content, []byte("\n")) {
		if len(line) == 0 {
			continue // the empty tail after the final newline
		}
		if n == 0 {
			out.Write(line)
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		first, _, _ := bytes.Cut(line, []byte(","))
		s := strings.TrimSpace(string(first))
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("truncate csv %s:%d: step %q is not a number", path, n+1, s)
		}
		if v <= step {
			out.Write(line)
		}
	}
	return WriteFileAtomic(path, out.Bytes())
}
