package scheduler

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tesseradata/tessera/graph"
)

// Stats describes a run, for --stats and benchmarks.
type Stats struct {
	// Wall is the run's elapsed time.
	Wall time.Duration
	// Tasks counts the tasks finished, run or served from the cache.
	Tasks int
	// PeakLiveBytes is the most bytes the run held at once: the sizes
	// of the values held plus the projected Bytes of the tasks running.
	// It exceeds Options.Memory only where a task ran that admission
	// would have held back (see the package doc, "Admission").
	PeakLiveBytes int64
	// BytesRead and CacheHits are the run's graph.Exec counters.
	BytesRead int64
	CacheHits int64
	// Layers has one entry per layer of the plan, in the plan's order.
	Layers []LayerStats
}

// LayerStats describes the tasks of one layer of a run.
type LayerStats struct {
	Name string
	Kind graph.Kind
	// Fused names the layers fused into this one, producers first.
	Fused []string
	// Tasks counts the layer's tasks finished.
	Tasks int
	// Busy is the sum of the run times of the layer's tasks (zero for
	// those served from the cache).
	Busy time.Duration
	// OutBytes is the sum of the sizes of the values the tasks returned.
	OutBytes int64
}

// WriteTable writes s as a table, one line per layer (with the layers
// fused into it), then a line of totals:
//
//	layer                        kind    tasks   busy      out
//	mean-t2m (read-t2m, decode)  root     2048    10s  2.0 MiB
//	total                        reduce      1  1.5ms     16 B
//	2049 tasks in 1.234567s, peak live 512.0 MiB, read 3.0 GiB, 12 cache hits
//
// It returns the error of writing to w.
func (s *Stats) WriteTable(w io.Writer) error {
	rows := [][]string{{"layer", "kind", "tasks", "busy", "out"}}
	for _, l := range s.Layers {
		name := l.Name
		if len(l.Fused) > 0 {
			name += " (" + strings.Join(l.Fused, ", ") + ")"
		}
		rows = append(rows, []string{name, l.Kind.String(), strconv.Itoa(l.Tasks), l.Busy.Round(time.Microsecond).String(), formatBytes(l.OutBytes)})
	}
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	var sb strings.Builder
	for _, r := range rows {
		for i, c := range r {
			switch {
			case i < 2: // text, left-aligned
				fmt.Fprintf(&sb, "%-*s  ", width[i], c)
			case i < len(r)-1: // numbers, right-aligned
				fmt.Fprintf(&sb, "%*s  ", width[i], c)
			default:
				fmt.Fprintf(&sb, "%*s\n", width[i], c)
			}
		}
	}
	fmt.Fprintf(&sb, "%d tasks in %s, peak live %s, read %s, %d cache hits\n",
		s.Tasks, s.Wall.Round(time.Microsecond), formatBytes(s.PeakLiveBytes), formatBytes(s.BytesRead), s.CacheHits)
	_, err := io.WriteString(w, sb.String())
	return err
}
