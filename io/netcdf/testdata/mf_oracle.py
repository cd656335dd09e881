"""Oracle for io/netcdf's OpenMF (run by openmf_test.go with Debian's
python3-netcdf4 and python3-xarray).

Usage: /usr/bin/python3 mf_oracle.py OUTDIR OUT.json

Writes with the netCDF4 package three files of one dataset split along
time, whose names do not sort in time order and whose time units differ
(and so do the numbers in their time_bnds, which carry no units):

  a.nc  March 2001, "days since 2001-03-01", netCDF-4
  b.nc  January 2001, "hours since 2001-01-01 00:00:00", classic
  c.nc  February 2001, "minutes since 1970-01-01", 64-bit offset

each holding t2m(time, lat, lon) packed as int16 with the same
scale_factor, add_offset and _FillValue, and a time-independent
orog(lat, lon). xarray opens each (use_cftime=True); the files ordered
by their first time are concatenated along time with xr.concat (which
open_mfdataset would do, but it needs dask) and dumped as xdump.py does,
under "all".
"""

import os
import sys

import netCDF4
import numpy as np
import xarray as xr

import xdump

NY, NX = 2, 3
FILES = [
    # name, format, units, first step (hours since 2001-01-01), steps
    ("a.nc", "NETCDF4", "days since 2001-03-01", (31 + 28) * 24, 4),
    ("b.nc", "NETCDF3_CLASSIC", "hours since 2001-01-01 00:00:00", 0, 3),
    ("c.nc", "NETCDF3_64BIT_OFFSET", "minutes since 1970-01-01", 31 * 24, 5),
]
# Hours from 1970-01-01 to 2001-01-01: 31 years, 8 of them leap.
EPOCH_1970 = (31 * 365 + 8) * 24


def to_units(hours2001, units):
    """Hours since 2001-01-01 in the file's units."""
    if units.startswith("days since 2001-03-01"):
        return (hours2001 - (31 + 28) * 24) / 24.0
    if units.startswith("hours since 2001-01-01"):
        return hours2001
    if units.startswith("minutes since 1970-01-01"):
        return (hours2001 + EPOCH_1970) * 60.0
    raise ValueError(units)


def write(path, fmt, units, first, n):
    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        ds.title = "tessera OpenMF oracle"
        ds.createDimension("time", None)
        ds.createDimension("lat", NY)
        ds.createDimension("lon", NX)
        ds.createDimension("bnds", 2)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = units
        t.calendar = "standard"
        t.bounds = "time_bnds"
        hours = first + 6.0 * np.arange(n)
        t[:] = to_units(hours, units)
        tb = ds.createVariable("time_bnds", "f8", ("time", "bnds"))
        tb[:] = to_units(np.stack([hours - 3, hours + 3], axis=1), units)
        lat = ds.createVariable("lat", "f4", ("lat",))
        lat.units = "degrees_north"
        lat[:] = [10.0, 20.0]
        lon = ds.createVariable("lon", "f4", ("lon",))
        lon.units = "degrees_east"
        lon[:] = [0.0, 120.0, 240.0]
        v = ds.createVariable("t2m", "i2", ("time", "lat", "lon"), fill_value=np.int16(-32767))
        v.set_auto_maskandscale(False)
        v.scale_factor = np.float32(0.5)
        v.add_offset = np.float32(250.0)
        v.units = "K"
        raw = (np.arange(n * NY * NX) + first).astype(np.int16).reshape(n, NY, NX)
        raw[0, 0, 0] = -32767
        v[:] = raw
        o = ds.createVariable("orog", "f4", ("lat", "lon"))
        o.units = "m"
        o[:] = np.arange(NY * NX, dtype=np.float32).reshape(NY, NX) * 10


def main():
    outdir, out = sys.argv[1], sys.argv[2]
    for name, fmt, units, first, n in FILES:
        write(os.path.join(outdir, name), fmt, units, first, n)
    order = sorted(FILES, key=lambda f: f[3])
    dss = [xr.open_dataset(os.path.join(outdir, f[0]), use_cftime=True).load() for f in order]
    all_ = xr.concat(dss, dim="time", data_vars="minimal", coords="minimal", compat="override")
    xdump.write_json(out, {"all": xdump.dump_dataset(all_), "order": [f[0] for f in order]})
    print("wrote", len(FILES), "files")


if __name__ == "__main__":
    main()
