package main

import (
	"bytes"
	"os"
	"testing"
)

// TestCommittedFile: bracket.stl is exactly what this command writes, so
// the example's geometry is reproducible from the repository.
func TestCommittedFile(t *testing.T) {
	want, err := stl()
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("bracket.stl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Fatalf("bracket.stl (%d bytes) differs from the generator's output (%d bytes): run go run ./configs/data/bracket", len(have), len(want))
	}
}
