package tboard

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Writer appends events to one TensorBoard events file. It is safe for
// concurrent use. Events are buffered: call [Writer.Flush] to make them
// visible to a running TensorBoard, and [Writer.Close] at the end.
type Writer struct {
	mu        sync.Mutex
	path      string
	f         *os.File
	bw        *bufio.Writer
	rec       []byte // reused framing buffer
	truncated int64
	closed    bool
}

// Create makes dir (and its parents) and a new events file in it named
// events.out.tfevents.<unix seconds>.<hostname>, and writes the
// file_version event that starts every events file.
func Create(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("tensorboard %s: %w", dir, err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	now := time.Now()
	base := filepath.Join(dir, fmt.Sprintf("events.out.tfevents.%d.%s", now.Unix(), host))
	// O_EXCL so that two writers started in the same second never share
	// or clobber a file; the later one gets a numeric suffix, which
	// TensorBoard still loads (it only looks for "tfevents" in the name).
	path := base
	var f *os.File
	for i := 1; ; i++ {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return nil, fmt.Errorf("tensorboard %s: %w", path, err)
		}
		path = fmt.Sprintf("%s.%d", base, i)
	}
	w := &Writer{path: path, f: f, bw: bufio.NewWriter(f)}
	if err := w.start(unixSeconds(now)); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	return w, nil
}

// Open appends to the existing events file at path, for a resumed run.
// Every record is checked first. A torn last record (the file ends inside
// it, as after a kill mid-write) is cut off, see [Writer.Truncated]; any
// other damage is an error and the file is not modified.
func Open(path string) (*Writer, error) {
	_, end, err := readEvents(path)
	torn := errors.Is(err, ErrTruncated)
	if err != nil && !torn {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("tensorboard %s: %w", path, err)
	}
	w := &Writer{path: path, f: f, bw: bufio.NewWriter(f)}
	if torn {
		st, err := f.Stat()
		if err == nil {
			w.truncated = st.Size() - end
			err = f.Truncate(end)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("tensorboard %s: cutting torn record at offset %d: %w", path, end, err)
		}
	}
	if end == 0 {
		// Nothing whole survived (killed before the first flush), so the
		// file still needs its file_version event.
		if err := w.start(unixSeconds(time.Now())); err != nil {
			f.Close()
			return nil, err
		}
	}
	return w, nil
}

// start writes and flushes the file_version event, so the file is a valid
// (empty) event log from the moment it exists.
func (w *Writer) start(wallTime float64) error {
	if err := w.writeEvent(encodeFileVersionEvent(wallTime)); err != nil {
		return err
	}
	return w.Flush()
}

// Path is the events file being written.
func (w *Writer) Path() string { return w.path }

// Truncated is how many bytes of a torn last record [Open] cut off (0 when
// the file was whole, and always 0 after [Create]).
func (w *Writer) Truncated() int64 { return w.truncated }

// Scalars appends one event at step with one scalar per tag. wallTime is
// seconds since the Unix epoch. Values are stored as float32; NaN and ±Inf
// are kept. An empty tag is an error because TensorBoard cannot show it.
func (w *Writer) Scalars(step int64, wallTime float64, values map[string]float64) error {
	if _, ok := values[""]; ok {
		return fmt.Errorf("tensorboard %s: step %d: empty tag", w.path, step)
	}
	return w.writeEvent(encodeScalarsEvent(wallTime, step, values))
}

func (w *Writer) writeEvent(data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("tensorboard %s: %w", w.path, os.ErrClosed)
	}
	// One Write per record keeps a record contiguous in the buffer; a
	// kill can still tear it at a buffer boundary, which Open repairs.
	w.rec = appendRecord(w.rec[:0], data)
	if _, err := w.bw.Write(w.rec); err != nil {
		return fmt.Errorf("tensorboard %s: %w", w.path, err)
	}
	return nil
}

// Flush writes buffered events to the file.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("tensorboard %s: %w", w.path, os.ErrClosed)
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("tensorboard %s: %w", w.path, err)
	}
	return nil
}

// Close flushes and closes the file. Later calls return an error wrapping
// [os.ErrClosed].
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return fmt.Errorf("tensorboard %s: %w", w.path, os.ErrClosed)
	}
	w.closed = true
	err := w.bw.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("tensorboard %s: %w", w.path, err)
	}
	return nil
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
