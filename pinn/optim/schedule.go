package optim

import "math"

// Schedule is a learning-rate schedule over a stage. The zero value is the
// constant rate.
type Schedule struct {
	// Type is constant (or ""), exponential, linear or cosine.
	Type string
	// Rate and Every: exponential decay lr0 * Rate^(s/Every), continuous
	// unless Staircase (then the exponent is floored).
	Rate      float64
	Every     int
	Staircase bool
}

// LearningRate evaluates the schedule at step s (0-based) of a stage of n
// planned steps. Linear and cosine run to 0 over the stage.
func (sch Schedule) LearningRate(lr0 float64, s, n int) float64 {
	switch sch.Type {
	case "exponential":
		every := sch.Every
		if every <= 0 {
			every = 1
		}
		e := float64(s) / float64(every)
		if sch.Staircase {
			e = math.Floor(e)
		}
		return lr0 * math.Pow(sch.Rate, e)
	case "linear":
		if n <= 0 {
			return lr0
		}
		return lr0 * math.Max(0, 1-float64(s)/float64(n))
	case "cosine":
		if n <= 0 {
			return lr0
		}
		return lr0 * 0.5 * (1 + math.Cos(math.Pi*math.Min(1, float64(s)/float64(n))))
	}
	return lr0
}
