package runio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockName is the file that marks a run directory as being written.
const LockName = ".lock"

// ErrLocked is returned (wrapped) by Lock when another live process holds
// the directory.
var ErrLocked = errors.New("run directory in use")

// Lock makes the calling process the one writer of dir: it creates
// dir/.lock exclusively, holding the process id. A lock left by a process
// that no longer runs (killed with -9) is taken over, so the next run
// recovers the directory. unlock removes the lock.
func Lock(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, LockName)
	for try := 0; try < 2; try++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		b, rerr := os.ReadFile(path)
		pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
		if rerr == nil && perr == nil && pid == os.Getpid() {
			// already held by this process (a caller that locks, decides,
			// then trains): the outer holder unlocks
			return func() {}, nil
		}
		if rerr == nil && perr == nil && pid > 0 && alive(pid) {
			return nil, fmt.Errorf("%w: %s is being written by process %d (one run per directory; give another --out)", ErrLocked, dir, pid)
		}
		os.Remove(path) // stale: its process is gone
	}
	return nil, fmt.Errorf("lock %s: could not take over a stale lock", dir)
}

// alive reports whether a process with this id exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
