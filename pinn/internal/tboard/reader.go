package tboard

import (
	"fmt"
	"os"
)

// Event is one decoded event. Values is nil for events without a summary
// (such as the leading file_version event) and holds the simple_value of
// each tag otherwise.
type Event struct {
	WallTime    float64
	Step        int64
	FileVersion string
	Values      map[string]float32
}

// ReadScalars reads every event of the events file at path, checking both
// CRCs of each record. Errors wrap [ErrTruncated] or [ErrCorrupt] and name
// the byte offset of the bad record.
func ReadScalars(path string) ([]Event, error) {
	events, _, err := readEvents(path)
	return events, err
}

// readEvents is ReadScalars that also returns the offset just past the
// last good record, which Open needs to cut a torn tail.
func readEvents(path string) ([]Event, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("tensorboard %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("tensorboard %s: %w", path, err)
	}
	var events []Event
	end, err := scanRecords(f, st.Size(), func(_ int64, data []byte) error {
		ev, err := decodeEvent(data)
		if err != nil {
			return fmt.Errorf("event: %w: %w", err, ErrCorrupt)
		}
		events = append(events, ev)
		return nil
	})
	if err != nil {
		return events, end, fmt.Errorf("tensorboard %s: %w", path, err)
	}
	return events, end, nil
}
