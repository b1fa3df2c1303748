// Package nets holds the networks a PINN trains: the MLP, with optional
// random Fourier features of its input (fourier.go) and the gated encoders of
// the modified MLP (modified.go), used both for the solution fields and for
// hidden-term networks.
//
// A network is a function of its weight nodes that pushes Taylor jets
// (autodiff.Jet) forward: Forward acts on every coefficient of a jet, so any
// PDE derivative of the output is a read-out of the pushed jets, and one
// reverse pass of the loss differentiates through it. ForwardStacked is
// Forward on stacked jets (B directions per point sharing one primal, the
// high-dimensional path's), whose input enters through its products with
// the first layer's matrices, so a coordinate direction is a gathered row
// (stacked.go). Forward64 is the same
// function in plain float64 on one input row, the reference the graph is
// tested against and the fast path of prediction. Params fixes the flat
// weight layout every checkpoint, optimizer and Glorot initialisation uses.
//
// The package knows nothing of training, optimizers or PDEs: it builds
// weight nodes in a Gorgonia graph it is given and reads the model section
// of a spec (pde.Model) for the extensions.
package nets
