package main

import (
	"encoding/json"
	"fmt"
	"image/color"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// machine describes where the suite ran.
func machine() map[string]string {
	m := map[string]string{"cores": fmt.Sprint(runtime.NumCPU()), "os": runtime.GOOS + "/" + runtime.GOARCH, "go": runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				var kb int64
				fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), &kb)
				m["memory"] = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	return m
}

// versions of the peers, as they report them.
func versions() map[string]string {
	v := map[string]string{}
	if out, err := exec.Command("cdo", "--version").CombinedOutput(); err == nil {
		v["cdo"] = firstLine(string(out))
	}
	if out, err := exec.Command("ncra", "--version").CombinedOutput(); err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			if strings.Contains(l, "version") {
				v["nco"] = strings.TrimSpace(l)
				break
			}
		}
	}
	// Debian's python3-xarray reports __version__ 999; the package
	// versions are what was installed.
	if out, err := exec.Command("dpkg-query", "-W", "-f", "${Package} ${Version}, ", "python3-xarray", "python3-dask", "python3-numpy", "python3-netcdf4").Output(); err == nil {
		v["python"] = strings.TrimSuffix(strings.TrimSpace(string(out)), ",")
	}
	if out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output(); err == nil {
		v["tessera"] = strings.TrimSpace(string(out))
	}
	return v
}

// stamp is the machine and the peers' versions, for the log.
func stamp(r *Results) string {
	m := r.Machine
	return fmt.Sprintf("machine: %s cores, %s, %s, %s; %s\npeers: %s; %s; %s", m["cores"], m["memory"], m["cpu"], m["os"], m["go"],
		r.Versions["cdo"], r.Versions["nco"], r.Versions["python"])
}

// report writes results.md, results.json and results.png to c.out, and
// prints the table.
func report(c config, r *Results) error {
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "# tessera benchmark results\n\n%s, tessera %s.\n\n", r.Date, r.Versions["tessera"])
	fmt.Fprintf(&md, "Machine: %s cores, %s, %s.\n\nPeers: %s; %s; %s.\n\n", r.Machine["cores"], r.Machine["memory"], r.Machine["cpu"],
		r.Versions["cdo"], r.Versions["nco"], r.Versions["python"])
	fmt.Fprintf(&md, "Median of %d interleaved runs (min-max); peak RSS over the runs, of the process itself (tessera's netCDF-4 reader processes, used at the zlib scale, add about 60-75 MiB each); time / tessera's time for the same task and scale.\n\n", c.runs)
	fmt.Fprintf(&md, "| scale | task | tool | median s | min-max s | peak RSS MiB | time / tessera | agrees with tessera |\n|---|---|---|---|---|---|---|---|\n")
	for _, t := range r.Timings {
		if t.Failed != "" {
			fmt.Fprintf(&md, "| %s | %s | %s | failed | | | | %s |\n", t.Scale, t.Task, t.Tool, strings.ReplaceAll(firstLine(t.Failed), "|", "/"))
			continue
		}
		fmt.Fprintf(&md, "| %s | %s | %s | %.3f | %.3f-%.3f | %d | %.2fx | %s |\n", t.Scale, t.Task, t.Tool, t.Median, t.Min, t.Max, t.PeakRSSMiB, t.Ratio, strings.ReplaceAll(t.Agrees, "|", "/"))
	}
	if t := targets(r); len(t) > 0 {
		fmt.Fprintf(&md, "\nTargets:\n\n| target | measured | |\n|---|---|---|\n")
		for _, l := range t {
			fmt.Fprintf(&md, "| %s | %s | %s |\n", l[0], l[1], l[2])
		}
	}
	if len(r.Scaling) > 0 {
		fmt.Fprintf(&md, "\nWorker scaling, `tessera yseasmean`:\n\n| scale | workers | median s | speedup |\n|---|---|---|---|\n")
		for _, p := range r.Scaling {
			fmt.Fprintf(&md, "| %s | %d | %.3f | %.2fx |\n", p.Scale, p.Workers, p.Median, p.Speedup)
		}
	}
	fmt.Fprintf(&md, "\nCommands:\n\n")
	seen := map[string]bool{}
	for _, t := range r.Timings {
		k := t.Scale + t.Task + t.Tool
		if !seen[k] && t.Command != "" {
			seen[k] = true
			fmt.Fprintf(&md, "- %s %s %s: `%s`\n", t.Scale, t.Task, t.Tool, t.Command)
		}
	}
	if err := os.WriteFile(filepath.Join(c.out, "results.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(filepath.Join(c.out, "results.json"), b, 0o644); err != nil {
		return err
	}
	if err := plotResults(r, filepath.Join(c.out, "results.png")); err != nil {
		return err
	}
	fmt.Print("\n" + md.String())
	return nil
}

// plotResults draws each tool's time relative to tessera's, per task and
// scale, as grouped bars.
func plotResults(r *Results, path string) error {
	p := plot.New()
	p.Title.Text = "time relative to tessera (lower is faster; tessera = 1)"
	p.Y.Label.Text = "time / tessera's time"
	var groups []string
	idx := map[string]int{}
	for _, t := range r.Timings {
		k := t.Scale + " " + t.Task
		if _, ok := idx[k]; !ok {
			idx[k] = len(groups)
			groups = append(groups, k)
		}
	}
	tools := []string{"tessera", "tessera-lib", "cdo", "nco", "xarray"}
	colors := []color.Color{color.RGBA{31, 119, 180, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255}, color.RGBA{214, 39, 40, 255}}
	w := vg.Points(7)
	for i, tool := range tools {
		vals := make(plotter.Values, len(groups))
		measured := false
		for _, t := range r.Timings {
			if t.Tool == tool && t.Ratio > 0 {
				vals[idx[t.Scale+" "+t.Task]] = t.Ratio
				measured = true
			}
		}
		if !measured {
			continue
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.Color = colors[i]
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(i-len(tools)/2)
		p.Add(bars)
		p.Legend.Add(tool, bars)
	}
	p.Y.Min = 0
	p.Legend.Top = true
	p.NominalX(groups...)
	p.X.Tick.Label.Rotation = 0.6
	p.X.Tick.Label.XAlign = -0.8
	return p.Save(vg.Length(2*len(groups)+6)*vg.Centimeter, 12*vg.Centimeter, path)
}

// targets checks the project's performance targets against the
// timings: each row is the target, the measured figure and "met" or
// "missed".
func targets(r *Results) [][3]string {
	find := func(scale, task, tool string) *Timing {
		for _, t := range r.Timings {
			if t.Scale == scale && t.Task == task && t.Tool == tool && t.Failed == "" && len(t.Seconds) > 0 {
				return t
			}
		}
		return nil
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	var rows [][3]string
	ratio := func(scale, task, tool, what string, want float64) {
		if t := find(scale, task, tool); t != nil {
			rows = append(rows, [3]string{fmt.Sprintf("%s %s: %s at least %gx tessera's time", scale, task, what, want),
				fmt.Sprintf("%.2fx", t.Ratio), verdict(t.Ratio >= want)})
		}
	}
	for _, sc := range []string{"2y", "8y"} { // the targets are for these data; -quick is a smoke test
		ratio(sc, "yseasmean", "cdo", "cdo yseasmean", 4)
		ratio(sc, "yseasmean", "xarray", "xarray + dask", 20)
		ratio(sc, "timmean", "cdo", "cdo timmean", 4)
	}
	for _, task := range []string{"timmean", "yseasmean", "seasmean"} {
		ratio("2y-zlib", task, "cdo", "cdo "+task+" on netCDF-4 zlib", 1)
	}
	for _, sc := range slices.Sorted(maps.Keys(r.Budgets)) {
		budget := r.Budgets[sc]
		for _, t := range r.Timings {
			if t.Scale == sc && (t.Tool == "tessera" || t.Tool == "tessera-lib") && len(t.Seconds) > 0 {
				rows = append(rows, [3]string{fmt.Sprintf("%s %s (%s) out of core within its %d MiB budget", sc, t.Task, t.Tool, budget>>20),
					fmt.Sprintf("peak RSS %d MiB", t.PeakRSSMiB), verdict(t.PeakRSSMiB<<20 <= budget)})
			}
		}
	}
	return rows
}

// rerender writes results.md and results.png again from a results.json.
func rerender(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	// Results written before budgets were recorded: read them from the
	// commands.
	for _, t := range r.Timings {
		f := strings.Fields(t.Command)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "-memory" || f[i] == "--memory" {
				var m int64
				fmt.Sscan(f[i+1], &m)
				if m > 0 {
					if r.Budgets == nil {
						r.Budgets = map[string]int64{}
					}
					r.Budgets[t.Scale] = m
				}
			}
		}
	}
	runs := 0
	for _, t := range r.Timings {
		runs = max(runs, len(t.Seconds))
	}
	return report(config{out: filepath.Dir(path), runs: runs}, &r)
}
