// Package groupby computes grouped reductions over labelled arrays and
// datasets: climatologies (By("time.season")), per-year seasons and
// other intervals (Resample), weighted means, anomalies against a
// grouped result, and Map of a function over groups.
//
// A grouping resolves, from the in-memory coordinate and never from the
// data, to a group code per position along one dimension. Reductions are
// chunk.GroupReduce: one task per block folds each step into the partial
// aggregate of its group, and the partials of a group are combined in a
// fixed order, so the graph has O(blocks) tasks (never blocks x groups)
// and the result does not depend on the chunking. Each result group
// depends only on the blocks holding its members: selecting groups of a
// result prunes the reads of the others.
//
//	g, _ := groupby.Array(t2m, groupby.By("time.season"))
//	clim, _ := g.Mean()                 // (season, lat, lon)
//	anom, _ := g.Sub(clim)              // (time, lat, lon)
//	s, _ := groupby.Dataset(ds, groupby.Resample("time", "QS-DEC"))
//	seas, _ := s.Mean()                 // one step per season and year, CDO's stamps and bounds
//
// Seasons, time stamps and bounds follow SEASONAL.md.
package groupby
