"""CDO oracle for groupby's seasonal statistics (run by oracle_test.go with
Debian's python3-netcdf4, python3-cftime and cdo 2.1.1).

Usage: /usr/bin/python3 cdo_seasonal.py IN.json OUT.json TMPDIR

IN.json is a list of fixtures (see xarray_groupby.py): tas(time, x) with
values in row-major order (null for missing), stored as "dtype" with
_FillValue "fill", time numbers with units, calendar and optional
bounds. Each is written to TMPDIR as a netCDF file, tas(time, lat, lon)
with one latitude and x as longitudes, and every op names a CDO operator
run on it: cdo -s <op> in.nc out.nc. The output is read back with
netCDF4, masked values (_FillValue, missing_value) as NaN.

OUT.json maps "fixture/op" to {"values": row-major (time, x), null for
missing, "shape", and for seas<stat> "times" and "bounds" (time_bnds,
(time, 2)) in the fixture's units; for yseas<stat> "labels", the seasons
present in the input in CDO's order DJF, MAM, JJA, SON, since CDO's
yseas times are not reliable (SEASONAL.md C4)}, or {"error": message}.
"""

import json
import math
import os
import subprocess
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

import cftime
import netCDF4
import numpy as np

SEASONS = ["DJF", "DJF", "MAM", "MAM", "MAM", "JJA", "JJA", "JJA", "SON", "SON", "SON", "DJF"]


def write(path, fx):
    n, npts = len(fx["time"]), fx["npts"]
    nc = netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET")
    nc.createDimension("time", None)
    nc.createDimension("lat", 1)
    nc.createDimension("lon", npts)
    t = nc.createVariable("time", "f8", ("time",))
    t.standard_name = "time"
    t.units = fx["units"]
    t.calendar = fx["calendar"]
    t.axis = "T"
    if fx.get("bounds"):
        nc.createDimension("bnds", 2)
        t.bounds = "time_bnds"
        b = nc.createVariable("time_bnds", "f8", ("time", "bnds"))
        b[:] = np.array(fx["bounds"], dtype=np.float64).reshape(n, 2)
    lat = nc.createVariable("lat", "f8", ("lat",))
    lat.units = "degrees_north"
    lat.standard_name = "latitude"
    lat[:] = [0.0]
    lon = nc.createVariable("lon", "f8", ("lon",))
    lon.units = "degrees_east"
    lon.standard_name = "longitude"
    lon[:] = np.arange(npts) * 10.0
    dtype = "f4" if fx["dtype"] == "float32" else "f8"
    v = nc.createVariable("tas", dtype, ("time", "lat", "lon"), fill_value=fx.get("fill"))
    v.units = "K"
    vals = np.array([math.nan if x is None else x for x in fx["values"]], dtype=np.float64).reshape(n, 1, npts)
    v[:] = np.ma.masked_invalid(vals)
    t[:] = np.array(fx["time"], dtype=np.float64)
    nc.close()


def to_units(nums, var, fx):
    """Time numbers of an output variable in the fixture's units."""
    nums = np.asarray(nums, dtype=np.float64)
    if var.units == fx["units"]:
        return nums
    cal = getattr(var, "calendar", fx["calendar"])
    return cftime.date2num(cftime.num2date(nums, var.units, calendar=cal), fx["units"], calendar=cal)


def flat(x):
    return [None if math.isnan(v) else float(v) for v in np.asarray(x, dtype=np.float64).ravel().tolist()]


def seasons_present(fx):
    dates = cftime.num2date(np.array(fx["time"]), fx["units"], calendar=fx["calendar"])
    have = {SEASONS[d.month - 1] for d in dates}
    return [s for s in ("DJF", "MAM", "JJA", "SON") if s in have]


def cdo(src, dst, op):
    """Runs cdo; returns None, or its failure."""
    p = subprocess.run(["cdo", "-s", op, src, dst], capture_output=True, text=True)
    if p.returncode != 0:
        return "cdo -s %s: exit %d\n%s%s" % (op, p.returncode, p.stdout, p.stderr)
    return None


def read(dst, fx, op):
    nc = netCDF4.Dataset(dst)
    try:
        v = nc["tas"]
        v.set_auto_mask(True)
        vals = np.ma.filled(v[:].astype(np.float64), np.nan)
        nt = vals.shape[0]
        vals = vals.reshape(nt, fx["npts"])
        out = {"values": flat(vals), "shape": [nt, fx["npts"]]}
        if op.startswith("yseas"):
            out["labels"] = seasons_present(fx)
            if len(out["labels"]) != nt:
                raise RuntimeError("%s: %d steps for seasons %s" % (op, nt, out["labels"]))
            return out
        t = nc["time"]
        out["times"] = [float(x) for x in to_units(t[:], t, fx)]
        bname = getattr(t, "bounds", None)
        if bname is None:
            raise RuntimeError("%s: the output time has no bounds" % op)
        b = nc[bname]
        out["bounds"] = flat(to_units(np.asarray(b[:]).ravel(), t, fx))
        return out
    finally:
        nc.close()


def main():
    src_json, dst_json, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(src_json) as f:
        fixtures = json.load(f)
    jobs = []
    for fx in fixtures:
        src = os.path.join(tmp, fx["name"] + ".nc")
        write(src, fx)
        for op in fx["ops"]:
            dst = os.path.join(tmp, "%s_%s.nc" % (fx["name"], op["name"]))
            jobs.append((fx["name"] + "/" + op["name"], src, dst, fx, op["op"]))

    # cdo's start-up dominates: run a few at once. The netCDF library is
    # not thread-safe, so the outputs are read afterwards, one by one.
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1) + 2) as ex:
        failed = list(ex.map(lambda j: cdo(j[1], j[2], j[4]), jobs))
    out = {}
    for (name, src, dst, fx, op), err in zip(jobs, failed):
        if err is not None:
            out[name] = {"error": err}
            continue
        try:
            out[name] = read(dst, fx, op)
        except Exception:
            out[name] = {"error": traceback.format_exc()}
    with open(dst_json, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
