package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/tesseradata/tessera/io/netcdf"
)

// info prints the inputs as one dataset without reading data.
func info(args []string, stdout io.Writer) error {
	fs := newFlagSet("info", `Usage: tessera info INPUT...

info opens the inputs as one dataset along time (files ordered by their
time values) and prints its dimensions, coordinates, variables and
attributes, reading only headers and coordinates.

Example:
  tessera info 'era5_*.nc'

`, stdout)
	inputs, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		return usagef("no input files")
	}
	ds, err := netcdf.OpenMF(inputs, "")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, strings.TrimRight(ds.String(), "\n"))
	return nil
}
