// Package sweep reads sweep files and expands them into numbered runs: a
// Cartesian grid of spec overrides, optional zipped lists varied together,
// and seeds, in a fixed order (grid points × zip rows × seeds, seeds
// innermost), so that run i means the same training on every machine that
// reads the file — a local worker, a Slurm array task or a Kubernetes
// Indexed Job pod. It also collects the runs' summaries into tables
// (mean, standard deviation and minimum over seeds).
//
// Executing runs is the CLI's business (cmd/pinntrain, `pinntrain sweep`):
// this package only knows what each run is and how to summarise the
// finished ones.
//
//	sw, err := sweep.Load("heat_sweep.yaml")
//	for _, r := range sw.Runs() {
//		fmt.Println(r.Index, r.Seed, r.Sets())
//	}
package sweep
