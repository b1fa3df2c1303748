package reference

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// WriteReferenceCSV writes the columns cols under the header names to path,
// one row per index, numbers in the shortest form that reads back to the same
// float64. The file is written to a temporary file in the same directory and
// renamed into place, so a reader never sees a partial table.
func WriteReferenceCSV(path string, names []string, cols [][]float64) (err error) {
	if len(names) != len(cols) {
		return fmt.Errorf("write %s: %d names for %d columns", path, len(names), len(cols))
	}
	if len(cols) == 0 {
		return fmt.Errorf("write %s: no columns", path)
	}
	rows := len(cols[0])
	for i, c := range cols {
		if len(c) != rows {
			return fmt.Errorf("write %s: column %q has %d rows, column %q has %d", path, names[i], len(c), names[0], rows)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := csv.NewWriter(tmp)
	if err = w.Write(names); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	rec := make([]string, len(cols))
	for r := range rows {
		for i, c := range cols {
			rec[i] = strconv.FormatFloat(c[r], 'g', -1, 64)
		}
		if err = w.Write(rec); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	w.Flush()
	if err = w.Error(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
