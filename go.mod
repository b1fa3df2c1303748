module github.com/gopinn/gopinn

go 1.26

require (
	github.com/sbinet/npyio v0.9.0
	go.yaml.in/yaml/v3 v3.0.4
	go4.org/unsafe/assume-no-moving-gc v0.0.0-20231121144256-b99613f794b6
	golang.org/x/term v0.37.0
	gonum.org/v1/gonum v0.17.0
	gonum.org/v1/plot v0.16.0
	gorgonia.org/gorgonia v0.9.18
	gorgonia.org/tensor v0.9.24
)
