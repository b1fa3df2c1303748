// Package plots draws the PNG figures of a training run (SPEC §4): the loss
// curves, the solution of a 1-D or 2-D problem beside its reference and the
// error, and learned-versus-exact plots of hidden terms.
//
// The figures are for a person checking a run, so every function is
// tolerant of what training produces: NaN and ±Inf values are left out of
// lines and scatters and drawn in green (a colour the maps do not use) in
// heat maps, and a series with nothing finite to show is skipped rather
// than failing the run. Input that cannot describe a figure (mismatched
// lengths, an empty grid) is an error. Files are written atomically through runio, always as PNG whatever
// the extension of path.
package plots
