// Command pinntrain trains physics-informed neural networks from YAML
// problem specs (see SPEC.md in the project documentation and README.md).
//
//	pinntrain train SPEC.yaml [--out DIR] [--steps N] [--seed S] [--set key.path=value]... [--quiet]
//	pinntrain validate SPEC.yaml [--quiet]
//	pinntrain eval RUN_DIR --points FILE.csv [--out FILE.csv]
//	pinntrain resume RUN_DIR [--steps N] [--quiet]
//	pinntrain discover RUN_DIR [--degree N] [--extra EXPR]... [--max-rel-error E] [--threshold T] [--form strong|weak] [--hidden NAME]
//	pinntrain reproduce NAME|all [--quick] [--jobs N] [--collect] [--quiet]
//	pinntrain sweep SWEEP.yaml [--jobs N] [--index I] [--out DIR] [--steps N] [--quiet] [--count] [--collect]
//	pinntrain version
//
// Exit codes: 0 success; 1 the run failed (with a one-line reason); 2 the
// input is wrong (spec, flags, data file); 130 interrupted (a checkpoint and
// the summary were written first).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/gopinn/gopinn/comm"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError is an input error: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const usage = `usage:
  pinntrain train SPEC.yaml [--out DIR] [--steps N] [--seed S] [--set key.path=value]... [--quiet]
  pinntrain validate SPEC.yaml|SWEEP.yaml [--set key.path=value]... [--quiet]
  pinntrain eval RUN_DIR --points FILE.csv [--out FILE.csv]
  pinntrain resume RUN_DIR [--steps N] [--quiet]
  pinntrain discover RUN_DIR [--degree N] [--extra EXPR]... [--max-rel-error E] [--threshold T] [--form strong|weak] [--hidden NAME] [--quiet]
  pinntrain reproduce NAME|all [--quick] [--jobs N] [--collect] [--quiet]
  pinntrain sweep SWEEP.yaml [--jobs N] [--index I] [--out DIR] [--steps N] [--quiet] [--count] [--collect]
  pinntrain version
  mpirun -np N pinntrain train|resume ...   (built with -tags mpi: data-parallel)
pinntrain COMMAND --help prints that command's line; docs/cli.md has every flag.`

// known are the commands (for per-command help).
var known = map[string]bool{"train": true, "validate": true, "eval": true, "resume": true,
	"discover": true, "reproduce": true, "sweep": true, "version": true}

// commandHelp prints the usage lines of cmd if args ask for help (--help,
// -h or -help before a "--"), and reports whether they did.
func commandHelp(cmd string, args []string, stdout io.Writer) bool {
	asked := false
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--help" || a == "-h" || a == "-help" {
			asked = true
		}
	}
	if !asked {
		return false
	}
	found := false
	for _, line := range strings.Split(usage, "\n") {
		if strings.HasPrefix(line, "  pinntrain "+cmd+" ") || line == "  pinntrain "+cmd {
			fmt.Fprintln(stdout, "usage:")
			fmt.Fprintln(stdout, line)
			found = true
		}
	}
	if !found {
		fmt.Fprintln(stdout, usage)
		return true
	}
	fmt.Fprintf(stdout, "every flag, with examples: docs/cli.md#%s\n", cmd)
	return true
}

func main() {
	code := profiled(os.Getenv("GOPINN_CPUPROFILE"), func() int { return run(os.Args[1:], os.Stdout, os.Stderr) })
	if path := os.Getenv("GOPINN_MEMPROFILE"); path != "" {
		writeHeapProfile(path)
	}
	// an MPI launch must end MPI before exiting (no-op otherwise)
	comm.Finalize()
	os.Exit(code)
}

// writeHeapProfile writes the allocation profile (GOPINN_MEMPROFILE; go
// tool pprof -sample_index=alloc_space shows where memory went).
func writeHeapProfile(path string) {
	out, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(out, 0)
		out.Close()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pinntrain: GOPINN_MEMPROFILE: %v\n", err)
	}
}

// profiled runs f, writing a CPU profile to path if it is not empty (the
// environment variable GOPINN_CPUPROFILE; read it with go tool pprof).
func profiled(path string, f func() int) int {
	if path == "" {
		return f()
	}
	out, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pinntrain: GOPINN_CPUPROFILE: %v\n", err)
		return exitUsage
	}
	defer out.Close()
	if err := pprof.StartCPUProfile(out); err != nil {
		fmt.Fprintf(os.Stderr, "pinntrain: GOPINN_CPUPROFILE: %v\n", err)
		return exitUsage
	}
	defer pprof.StopCPUProfile()
	return f()
}

// run executes one command and returns the exit code. A panic is turned into
// a one-line internal error: no Go trace reaches a user.
func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(stderr, "pinntrain: internal error: %v\n", p)
			code = exitFailed
		}
	}()
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	if known[args[0]] && commandHelp(args[0], args[1:], stdout) {
		return exitOK
	}
	switch args[0] {
	case "eval", "discover", "reproduce", "sweep":
		if err = checkOneRank(args[0]); err != nil {
			return exitCode(err, stderr)
		}
	}
	switch args[0] {
	case "train":
		err = cmdTrain(ctx, args[1:], stdout, stderr)
	case "validate":
		err = cmdValidate(args[1:], stdout, stderr)
	case "eval":
		err = cmdEval(args[1:], stdout)
	case "resume":
		err = cmdResume(ctx, args[1:], stdout, stderr)
	case "discover":
		err = cmdDiscover(args[1:], stdout)
	case "reproduce":
		err = cmdReproduce(ctx, args[1:], stdout, stderr)
	case "sweep":
		err = cmdSweep(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, versionString())
	case "help", "--help", "-h", "-help":
		fmt.Fprintln(stdout, usage)
	default:
		err = usagef("unknown command %q\n%s", args[0], usage)
	}
	return exitCode(err, stderr)
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ie *interruptedError
	if errors.As(err, &ie) {
		fmt.Fprintf(stderr, "pinntrain: %v\n", err)
		return exitInterrupted
	}
	msg := strings.TrimRight(err.Error(), "\n")
	if isUserError(err) {
		fmt.Fprintln(stderr, msg)
		return exitUsage
	}
	// A failed run: one line.
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	fmt.Fprintf(stderr, "pinntrain: %s\n", msg)
	return exitFailed
}

// interruptedError reports a run stopped by SIGINT/SIGTERM after saving.
type interruptedError struct{ dir string }

func (e *interruptedError) Error() string {
	return fmt.Sprintf("interrupted; checkpoint and summary saved in %s", e.dir)
}
