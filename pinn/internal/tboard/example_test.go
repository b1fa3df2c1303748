package tboard_test

import (
	"fmt"
	"log"
	"os"

	"github.com/gopinn/gopinn/pinn/internal/tboard"
)

func ExampleCreate() {
	dir, err := os.MkdirTemp("", "tboard")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	w, err := tboard.Create(dir) // then: tensorboard --logdir dir
	if err != nil {
		log.Fatal(err)
	}
	for step := int64(0); step < 3; step++ {
		loss := 1 / float64(step+1)
		if err := w.Scalars(step, 1700000000+float64(step), map[string]float64{"loss": loss, "lr": 1e-3}); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	events, err := tboard.ReadScalars(w.Path())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(events[0].FileVersion)
	for _, e := range events[1:] {
		fmt.Printf("step %d loss %.4g lr %g\n", e.Step, e.Values["loss"], e.Values["lr"])
	}
	// Output:
	// brain.Event:2
	// step 0 loss 1 lr 0.001
	// step 1 loss 0.5 lr 0.001
	// step 2 loss 0.3333 lr 0.001
}
