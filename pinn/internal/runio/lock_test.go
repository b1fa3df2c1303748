package runio

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// TestLock: a second writer of a locked directory is refused while the
// first lives; unlock frees it; a lock left by a dead process is taken
// over.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	// another live process's lock
	cmd := exec.Command("sleep", "5")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep binary:", err)
	}
	defer cmd.Process.Kill()
	unlock()
	os.WriteFile(filepath.Join(dir, LockName), []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644)
	if _, err := Lock(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second writer: %v, want ErrLocked", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	unlock2, err := Lock(dir) // the holder is dead: taken over
	if err != nil {
		t.Fatalf("stale lock: %v", err)
	}
	unlock2()
	if _, err := os.Stat(filepath.Join(dir, LockName)); !os.IsNotExist(err) {
		t.Fatalf("unlock left the lock file: %v", err)
	}
}
