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

// Lock makes the calling process the one writer of dir: it writes dir/.lock
// holding the process id. A lock left by a process that no longer runs
// (killed with -9) is taken over, so the next run recovers the directory.
// unlock removes the lock. Every step (read the holder, judge it stale,
// write the new holder, remove) happens under the kernel lock (flock) of
// the directory itself, so two
// processes racing for one directory never both get it: without the guard
// one could read the other's lock file between its creation and its pid
// being written, take the empty file for a stale lock and remove it.
func Lock(dir string) (unlock func(), err error) {
	release, err := guard(dir)
	if err != nil {
		return nil, err
	}
	defer release()
	path := filepath.Join(dir, LockName)
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
		if perr == nil && pid == os.Getpid() {
			// already held by this process (a caller that locks, decides,
			// then trains): the outer holder unlocks
			return func() {}, nil
		}
		if perr == nil && pid > 0 && alive(pid) {
			return nil, fmt.Errorf("%w: %s is being written by process %d (one run per directory; give another --out)", ErrLocked, dir, pid)
		}
		// stale: its process is gone (or it died while writing its pid)
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() {
		if release, err := guard(dir); err == nil {
			os.Remove(path)
			release()
		}
	}, nil
}

// guard takes the exclusive flock of the directory, waiting for it (a
// directory, not a file in it: nothing is added to the run directory, and
// a directory is never removed while its run lives).
func guard(dir string) (release func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() { f.Close() }, nil // closing the descriptor releases the flock
}

// alive reports whether a process with this id exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
