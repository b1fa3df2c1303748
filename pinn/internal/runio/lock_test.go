package runio

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
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

// TestLockRace: 8 processes lock, hold and unlock one directory as fast as
// they can for 300 ms; while holding, each creates a marker file
// exclusively, so two holders at once show as a marker that already
// exists. (The test binary re-executes itself as the racers, see
// TestLockRacer.) Without the guard, a racer could read a lock file between
// its creation and its pid being written, remove it as stale, and hold
// the directory beside its owner: the old lock failed this test.
func TestLockRace(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 8 processes")
	}
	dir := t.TempDir()
	var cmds []*exec.Cmd
	for range 8 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLockRacer$")
		cmd.Env = append(os.Environ(), "RUNIO_LOCK_RACER="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("racer %d: %v (exit 3: two holders at once)", i, err)
		}
	}
}

// TestLockRacer is one racer of TestLockRace (only when started by it).
func TestLockRacer(t *testing.T) {
	dir := os.Getenv("RUNIO_LOCK_RACER")
	if dir == "" {
		t.Skip("a racer of TestLockRace")
	}
	marker := filepath.Join(dir, "holder")
	for end := time.Now().Add(300 * time.Millisecond); time.Now().Before(end); {
		unlock, err := Lock(dir)
		if err != nil {
			continue
		}
		f, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			os.Exit(3)
		}
		f.Close()
		os.Remove(marker)
		unlock()
	}
	os.Exit(0)
}
