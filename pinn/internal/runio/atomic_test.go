package runio

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// noTemps fails the test if dir holds anything but the named files.
func noTemps(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]bool{}
	for _, w := range want {
		ok[w] = true
	}
	for _, e := range ents {
		if !ok[e.Name()] {
			t.Errorf("unexpected file %q left in %s", e.Name(), dir)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a", "b", "out.txt") // parents created
	if err := WriteFileAtomic(path, []byte("first version, longer")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, []byte("second")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "second" {
		t.Errorf("content = %q, want %q", got, "second")
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != fileMode {
		t.Errorf("mode = %v, want %v", fi.Mode().Perm(), os.FileMode(fileMode))
	}
	noTemps(t, filepath.Dir(path), "out.txt")
}

func TestWriteAtomicFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := WriteFileAtomic(path, []byte("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteAtomic(path, func(w io.Writer) error {
		if _, err := w.Write([]byte("partial new content")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want wrapping %v", err, boom)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "old" {
		t.Errorf("content after failed write = %q, want %q", got, "old")
	}
	noTemps(t, dir, "out.txt")
}
