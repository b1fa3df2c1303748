package runio

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// fileMode is the mode of every file written here. os.CreateTemp makes its
// files 0600; run outputs are meant to be shared like any other file.
const fileMode = 0o644

// WriteFileAtomic writes data to path via a temporary file in the same
// directory, fsync, then rename, so a reader never sees a partial file.
// Missing parent directories are created (like mkdir -p).
func WriteFileAtomic(path string, data []byte) error {
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomic is the streaming form of [WriteFileAtomic]: write receives a
// buffered writer onto a temporary file in path's directory; if write returns
// nil the buffer is flushed, the file fsynced and renamed to path. If write
// (or any step) fails, the temporary file is removed and path is left as it
// was.
func WriteAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The temporary file must live in the same directory: rename is only
	// atomic within one file system.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close() // may already be closed; the error is not news
			_ = os.Remove(tmp)
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()

	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Chmod(fileMode); err != nil {
		return err
	}
	// Without the fsync, a crash soon after the rename can leave path
	// pointing at an empty or partial file on some file systems.
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable. It is best effort: some platforms
// and file systems cannot fsync a directory, and the rename has already
// happened, so there is nothing useful to report.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
