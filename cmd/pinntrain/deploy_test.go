package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gopinn/gopinn/sweep"
	"go.yaml.in/yaml/v3"
)

// TestKubernetesManifest checks deploy/k8s/sweep-job.yaml structurally (no
// cluster here): an Indexed Job whose completions equal the run count of
// the sweep file it names, pods that run `pinntrain sweep` without
// --index/--jobs (so JOB_COMPLETION_INDEX picks the run: TestSweepIndex
// tests that contract), never restarted in place, with --out on the shared
// volume.
func TestKubernetesManifest(t *testing.T) {
	data, err := os.ReadFile("../../deploy/k8s/sweep-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Spec       struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int    `yaml:"completions"`
			Parallelism    int    `yaml:"parallelism"`
			Template       struct {
				Spec struct {
					RestartPolicy string `yaml:"restartPolicy"`
					Containers    []struct {
						Args         []string `yaml:"args"`
						VolumeMounts []struct {
							Name      string `yaml:"name"`
							MountPath string `yaml:"mountPath"`
						} `yaml:"volumeMounts"`
					} `yaml:"containers"`
					Volumes []struct {
						Name string `yaml:"name"`
						PVC  *struct {
							ClaimName string `yaml:"claimName"`
						} `yaml:"persistentVolumeClaim"`
					} `yaml:"volumes"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(data, &job); err != nil {
		t.Fatal(err)
	}
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Spec.CompletionMode != "Indexed" {
		t.Fatalf("want an Indexed batch/v1 Job, got %s %s %q", job.APIVersion, job.Kind, job.Spec.CompletionMode)
	}
	ps := job.Spec.Template.Spec
	if ps.RestartPolicy != "Never" || len(ps.Containers) != 1 || job.Spec.Parallelism < 1 {
		t.Fatalf("restartPolicy %q, %d containers, parallelism %d", ps.RestartPolicy, len(ps.Containers), job.Spec.Parallelism)
	}
	c := ps.Containers[0]
	if len(c.Args) < 2 || c.Args[0] != "sweep" {
		t.Fatalf("args %v, want sweep FILE ...", c.Args)
	}
	for _, a := range c.Args {
		if a == "--index" || a == "--jobs" {
			t.Errorf("args %v: %s would override JOB_COMPLETION_INDEX", c.Args, a)
		}
	}
	if len(c.VolumeMounts) != 1 || len(ps.Volumes) != 1 || ps.Volumes[0].Name != c.VolumeMounts[0].Name || ps.Volumes[0].PVC == nil {
		t.Fatalf("want one shared PVC volume mounted in the container")
	}
	mount := c.VolumeMounts[0].MountPath
	out := ""
	for i, a := range c.Args {
		if a == "--out" && i+1 < len(c.Args) {
			out = c.Args[i+1]
		}
	}
	if !strings.HasPrefix(c.Args[1], mount+"/") || !strings.HasPrefix(out, mount+"/") {
		t.Errorf("sweep file %q and --out %q must be on the shared volume %s", c.Args[1], out, mount)
	}
	// the sweep file it names is the repository's (mounted at the volume root)
	sw, err := sweep.Load(filepath.Join("../..", strings.TrimPrefix(c.Args[1], mount+"/")))
	if err != nil {
		t.Fatal(err)
	}
	if sw.Count() != job.Spec.Completions {
		t.Errorf("completions %d, but the sweep has %d runs", job.Spec.Completions, sw.Count())
	}
}

// TestDeployFiles: the sbatch script runs `pinntrain sweep` with exec (so
// scancel's SIGTERM reaches it) and refuses to run outside an array; the
// Dockerfile builds the pure-Go binary with the go.mod toolchain.
func TestDeployFiles(t *testing.T) {
	sb, err := os.ReadFile("../../deploy/slurm/sweep.sbatch")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#SBATCH --job-name", `exec "${PINNTRAIN:-pinntrain}" sweep "$@"`, "SLURM_ARRAY_TASK_ID", "GOMAXPROCS"} {
		if !strings.Contains(string(sb), want) {
			t.Errorf("sweep.sbatch lacks %q", want)
		}
	}
	df, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVer := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goVer == nil || !strings.Contains(string(df), "FROM golang:"+string(goVer[1])) {
		t.Errorf("Dockerfile does not build with go %s", goVer)
	}
	if !strings.Contains(string(df), "CGO_ENABLED=0 go build") || !strings.Contains(string(df), "./cmd/pinntrain") {
		t.Error("Dockerfile does not build the static binary")
	}
}

// TestSeveralRanksRefused: started as one of several MPI ranks (mpirun
// sets OMPI_COMM_WORLD_SIZE), train and resume exit 2 saying why and write
// nothing, instead of training one copy per rank.
func TestSeveralRanksRefused(t *testing.T) {
	t.Setenv("OMPI_COMM_WORLD_SIZE", "2")
	out := filepath.Join(t.TempDir(), "run")
	for _, args := range [][]string{{"train", "../../configs/heat1d.yaml", "--out", out}, {"resume", out}} {
		code, _, stderr := runCLI(t, args...)
		if code != 2 || !strings.Contains(stderr, "MPI") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was created", out)
	}
}
