package autodiff

// The stacked activation's two implementations, for the external tests.
var (
	StackedApplySinglePass = stackedApply2
	StackedApplyGraphOps   = stackedApplyGraph
)
