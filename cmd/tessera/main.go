// Command tessera computes seasonal statistics of netCDF files: CDO's
// seas<stat> and yseas<stat> operators under their names, with CF
// climatology metadata, inside a memory budget.
//
//	tessera yseasmean -o clim.nc 'era5_*.nc'
//	tessera seasmean --time 1991:2020 -v t2m -o seas.nc era5_*.nc
//	tessera info era5_*.nc
//
// Run `tessera help` for the commands and `tessera CMD --help` for a
// command's flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/tesseradata/tessera/ndarray"
)

// version is the release; builds from a checkout add the commit.
const version = "0.1.0"

// exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError is an error in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// statistic is what one of CDO's statistic names computes.
type statistic struct {
	op      ndarray.Op
	ddof    int    // Var and Std divide by n - ddof
	keepNaN bool   // a missing value makes the result missing
	method  string // the CF cell method
}

// statistics are the statistics, by their CDO names: avg propagates
// missing values, std1 and var1 divide by n-1.
var statistics = map[string]statistic{
	"mean": {op: ndarray.Mean, method: "mean"},
	"avg":  {op: ndarray.Mean, keepNaN: true, method: "mean"},
	"sum":  {op: ndarray.Sum, method: "sum"},
	"min":  {op: ndarray.Min, method: "minimum"},
	"max":  {op: ndarray.Max, method: "maximum"},
	"std":  {op: ndarray.Std, method: "standard_deviation"},
	"std1": {op: ndarray.Std, ddof: 1, method: "standard_deviation"},
	"var":  {op: ndarray.Var, method: "variance"},
	"var1": {op: ndarray.Var, ddof: 1, method: "variance"},
}

// run runs the command line args and returns the exit status. Errors
// are one line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch {
	case cmd == "help" || cmd == "-h" || cmd == "--help" || cmd == "-help":
		if len(rest) > 0 {
			return run(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	case cmd == "version" || cmd == "--version" || cmd == "-version":
		fmt.Fprintln(stdout, versionString())
		return exitOK
	case cmd == "info":
		err = info(rest, stdout)
	case strings.HasPrefix(cmd, "yseas") && isStat(cmd[5:]):
		err = seasonal(ctx, cmd, cmd[5:], true, rest, stdout, stderr)
	case strings.HasPrefix(cmd, "seas") && isStat(cmd[4:]):
		err = seasonal(ctx, cmd, cmd[4:], false, rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "tessera: unknown command %q (run 'tessera help')\n", cmd)
		return exitUsage
	}
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errHelp) {
		return exitOK
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if errors.Is(err, context.Canceled) {
		msg = "interrupted; no output written"
	}
	fmt.Fprintf(stderr, "tessera %s: %s\n", cmd, msg)
	var u *usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitError
}

// isStat reports whether s is a statistic's name.
func isStat(s string) bool {
	_, ok := statistics[s]
	return ok
}

// versionString is what `tessera version` prints: the release, the
// commit of a checkout's build, and the Go version.
func versionString() string {
	v := "tessera " + version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + bi.GoVersion
	}
	return v
}

const mainUsage = `tessera: seasonal statistics of netCDF files, and the labelled arrays behind them.

Usage:
  tessera COMMAND [flags] INPUT...

Commands:
  yseas<stat>   multi-year seasonal statistic (climatology): one step per season,
                all years pooled (CDO's yseasmean, xarray's groupby("time.season"))
  seas<stat>    seasonal statistic of every season of every year, December joining
                the next year's DJF (CDO's seasmean, xarray's resample(time="QS-DEC"))
                <stat> is one of mean, avg, sum, min, max, std, std1, var, var1
                (avg propagates missing values; std1 and var1 divide by n-1)
  info          the inputs as one dataset, without reading data
  version       the version
  help CMD      a command's flags and an example

INPUT is any mix of files and quoted glob patterns; all inputs form one
dataset along time, ordered by their time values.

Examples:
  tessera yseasmean -o clim.nc 'era5_t2m_*.nc'
  tessera seasstd --time 1991:2020 -v t2m -o std.nc data/*.nc
  tessera info 'era5_t2m_*.nc'
`
