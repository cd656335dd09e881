package graph

import "errors"

// Sentinel errors. Every error Build, Cull and WriteLayersDOT return
// wraps one of them, so callers test with errors.Is; the message names
// the layer and, where there is one, the block.
var (
	// ErrOutput reports a requested output that does not exist: a nil
	// layer, or a block out of its layer's grid.
	ErrOutput = errors.New("invalid output")
	// ErrDeps reports a layer whose Deps returned a reference to an input
	// or a block that does not exist.
	ErrDeps = errors.New("invalid dependency")
	// ErrConflict reports two layers with equal IDs that differ in grid,
	// kind or fold: their Op strings do not tell their parameters apart.
	ErrConflict = errors.New("conflicting layers")
	// ErrCycle reports a graph whose layers or tasks depend on themselves.
	// Layers cannot form a cycle by construction; Build checks anyway.
	ErrCycle = errors.New("dependency cycle")
	// ErrSize reports a layer with more blocks than a plan can index.
	ErrSize = errors.New("too many blocks")
)
