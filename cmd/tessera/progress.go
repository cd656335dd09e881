package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/sys/unix"

	"github.com/tesseradata/tessera/scheduler"
)

// progress draws a bar of the tasks done, with bytes read and the read
// rate, on a terminal (or always, or never). Writing runs one
// computation per output variable; the bar sums them.
type progress struct {
	mu       sync.Mutex
	p        *mpb.Progress
	bar      *mpb.Bar
	name     string
	out      io.Writer
	start    time.Time
	doneBase int64 // tasks of finished runs
	readBase int64 // bytes of finished runs
	done     int64 // tasks done, all runs
	total    int64
	read     atomic.Int64 // read by the bar's goroutine
}

func newProgress(name, mode string, stderr io.Writer) *progress {
	on := mode == "always"
	if mode == "auto" {
		if f, ok := stderr.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				on = true
			}
		}
	}
	if !on {
		return &progress{}
	}
	return &progress{name: name, out: stderr, start: time.Now()}
}

// termWidth returns the columns of the terminal w writes to, or 0.
func termWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}

// update is the scheduler's progress callback.
func (pr *progress) update(s scheduler.Progress) {
	if pr.out == nil {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.p == nil {
		opts := []mpb.ContainerOption{mpb.WithOutput(pr.out), mpb.WithRefreshRate(150 * time.Millisecond), mpb.WithAutoRefresh()}
		if termWidth(pr.out) <= 0 {
			// Not a terminal, or one that reports no size: a fixed width.
			opts = append(opts, mpb.WithWidth(100))
		}
		pr.p = mpb.New(opts...)
		pr.bar = pr.p.AddBar(0,
			mpb.PrependDecorators(decor.Name(pr.name+" ", decor.WC{C: decor.DindentRight})),
			mpb.AppendDecorators(decor.Percentage(decor.WC{W: 5}), decor.Any(pr.rate)))
	}
	pr.done = pr.doneBase + int64(s.Done)
	pr.read.Store(pr.readBase + s.BytesRead)
	pr.total = max(pr.total, pr.doneBase+int64(s.Total))
	if s.Done == s.Total { // the run's last call
		pr.doneBase += int64(s.Total)
		pr.readBase += s.BytesRead
	}
	pr.bar.SetTotal(pr.total, false)
	pr.bar.SetCurrent(pr.done)
}

func (pr *progress) rate(decor.Statistics) string {
	el := time.Since(pr.start).Seconds()
	if el <= 0 {
		return ""
	}
	r := pr.read.Load()
	return fmt.Sprintf("  %s read, %s/s", formatBytes(r), formatBytes(int64(float64(r)/el)))
}

// finish ends the bar.
func (pr *progress) finish(ok bool) {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if pr.p == nil {
		return
	}
	if ok {
		pr.bar.SetTotal(pr.total, true)
	} else {
		pr.bar.Abort(false)
	}
	pr.p.Wait()
}

// stageTimes are what --stats prints.
type stageTimes struct {
	start               time.Time
	open, plan, compute time.Duration
}

func (st *stageTimes) print(w io.Writer, runs []*scheduler.Stats, budget int64) {
	var read, peak int64
	var tasks int
	for _, s := range runs {
		read += s.BytesRead
		tasks += s.Tasks
		peak = max(peak, s.PeakLiveBytes)
	}
	total := time.Since(st.start)
	fmt.Fprintf(w, "stats: open %.3f s, plan %.3f s, compute and write %.3f s, total %.3f s\n",
		st.open.Seconds(), st.plan.Seconds(), st.compute.Seconds(), total.Seconds())
	rate := ""
	if st.compute > 0 {
		rate = fmt.Sprintf(" (%s/s)", formatBytes(int64(float64(read)/st.compute.Seconds())))
	}
	if budget == 0 {
		budget = scheduler.DefaultMemory()
	}
	fmt.Fprintf(w, "stats: read %s%s in %d tasks; peak live %s of a %s budget; peak RSS %s\n",
		formatBytes(read), rate, tasks, formatBytes(peak), formatBytes(budget), formatBytes(peakRSS()))
	// Layers by name, summed over the runs (one per output variable).
	type agg struct {
		tasks int
		busy  time.Duration
	}
	var names []string
	byName := map[string]*agg{}
	for _, s := range runs {
		for _, l := range s.Layers {
			a, ok := byName[l.Name]
			if !ok {
				a = &agg{}
				byName[l.Name] = a
				names = append(names, l.Name)
			}
			a.tasks += l.Tasks
			a.busy += l.Busy
		}
	}
	for _, n := range names {
		fmt.Fprintf(w, "stats:   %-28s %6d tasks %9.3f s busy\n", n, byName[n].tasks, byName[n].busy.Seconds())
	}
}

// peakRSS is the process's peak resident memory.
func peakRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Maxrss << 10 // KiB on Linux
}
