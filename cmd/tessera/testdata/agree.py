"""Fixtures and peers for the CLI's agreement tests (agree_test.go).

Run by /usr/bin/python3 with Debian's python3-netcdf4, python3-cftime,
python3-xarray and cdo 2.1.1:

  agree.py make SPEC.json OUT.json   write the fixtures, run CDO and xarray
  agree.py dump SPEC.json OUT.json   read netCDF files back (tessera's outputs)

make: SPEC.json is {"dir": DIR, "fixtures": [...]}. A fixture is
(every field but name optional):

  name                  files DIR/NAME.nc, or DIR/NAME_00.nc, ... with split
  calendar, units       of the time coordinate (calendar written verbatim)
  freq                  "month", "day" or "6h"
  start                 [year, month, day, hour] of the first interval
  n | end               number of intervals, or [y, m, d]: intervals start before it
  stamp                 "mid" (the middle of the interval), "start" or "end"
  bounds                write time_bnds = the interval
  keep_months           keep only the steps whose stamp is in these months
  keep                  [i, j]: keep steps i..j-1 (after keep_months)
  grid                  [ny, nx] (lat, lon)
  split                 number of files, the steps divided evenly
  format                netCDF4 data model (default NETCDF4_CLASSIC)
  global                global attributes
  static                add orog(lat, lon)
  tattrs                extra attributes of time
  vars                  [{name, dtype (f4, f8, i2), dims ("tyx" or "ytx"),
                          base: "index1" (step+1), "index0", "monthyear"
                          (month + 100 (year-2000) of the interval start),
                          "random" (uniform lo..hi, quantised to quant),
                          "randint" (integers lo..hi), or a list per step;
                          offsets (per point; default 0, 1, ...; not for random),
                          fill, missing_value, scale_factor, add_offset,
                          scale_dtype, mask_frac, mask [[t, j, i]],
                          mask_blocks [[t0, t1, j, i]], nan [[t, j, i]],
                          attrs, seed}]
  cdo                   [{name, args}]: cdo ARGS IN OUT on the (single) file
  xarray                [{name, kind ("season" or "resample"), stat, var}]

Values, masks and NaN are set on the steps before keep_months and keep
select them, so a value is the same whichever steps a fixture keeps.

OUT.json maps each fixture to {files, time, dates ([y, m, d, H, M, S] of
each stamp), bounds, clim (SEASONAL.md C4 and C5 for the steps: per
season, in order of first occurrence, its stamp and climatology bounds),
cdo: {name: {stderr, dump} | {error}}, xarray: {name: {...} | {error}}}.

dump: SPEC.json is a list of {path, ncdump, xr}; OUT.json maps each path
to the file read back with netCDF4: format, dims, unlimited, global
attributes and every variable's dtype, dims, attributes (and their
types), values (decoded: masked → null, NaN → "NaN"), sha256 of the raw
bytes, and for time variables the decoded dates; with ncdump, the exit
status of ncdump -h; with xr, whether xarray opens and decodes it.
"""

import time

T0 = time.time()

import concurrent.futures
import datetime
import hashlib
import json
import math
import os
import subprocess
import sys
import traceback

import warnings

import cftime
import netCDF4
import numpy as np

warnings.simplefilter("ignore")  # cftime's CF notes, xarray's decoding notes

SEASONS = ["DJF", "DJF", "MAM", "MAM", "MAM", "JJA", "JJA", "JJA", "SON", "SON", "SON", "DJF"]
SEASON_START = {"DJF": 12, "MAM": 3, "JJA": 6, "SON": 9}


def add_months(d, k, cal):
    m = d.month - 1 + k
    return cftime.datetime(d.year + m // 12, m % 12 + 1, d.day, d.hour, calendar=cal)


def intervals(fx):
    cal = fx.get("calendar", "standard")
    st = fx.get("start", [2000, 1, 1, 0]) + [0] * 4
    start = cftime.datetime(st[0], st[1], st[2] or 1, st[3], calendar=cal)
    freq = fx.get("freq", "month")
    n = fx.get("n")
    end = None
    if fx.get("end"):
        e = fx["end"] + [1, 1]
        end = cftime.datetime(e[0], e[1], e[2], calendar=cal)
    out = []
    i = 0
    while (n is not None and i < n) or (n is None and end is not None):
        if freq == "month":
            a, b = add_months(start, i, cal), add_months(start, i + 1, cal)
        elif freq == "day":
            a = start + datetime.timedelta(days=i)
            b = a + datetime.timedelta(days=1)
        elif freq == "6h":
            a = start + datetime.timedelta(hours=6 * i)
            b = a + datetime.timedelta(hours=6)
        else:
            raise ValueError("freq %r" % freq)
        if n is None and a >= end:
            break
        out.append((a, b))
        i += 1
    return out


def season_year(d):
    return d.year + (1 if d.month == 12 else 0)


def clim_expect(dates, units, cal):
    """SEASONAL.md C4 and C5, from the decoded stamps."""
    first, last, order = {}, {}, []
    for d in dates:
        s, y = SEASONS[d.month - 1], season_year(d)
        if s not in first:
            first[s] = y
            order.append(s)
        last[s] = y
    out = []
    for s in order:
        m = SEASON_START[s]

        def start(y):
            return cftime.datetime(y - 1 if s == "DJF" else y, m, 1, calendar=cal)

        a = start(first[s])
        b = add_months(a, 3, cal)
        c = add_months(start(last[s]), 3, cal)
        na, nb, nc_ = (float(cftime.date2num(x, units, calendar=cal)) for x in (a, b, c))
        out.append({"season": s, "stamp": (na + nb) / 2, "bounds": [na, nc_]})
    return out


def gen_values(fx, v, ivs, P):
    n = len(ivs)
    rng = np.random.default_rng(v.get("seed", 1))
    base = v.get("base", "index1")
    if base == "random":
        q = v.get("quant", 0.25)
        vals = np.round(rng.uniform(v.get("lo", 250), v.get("hi", 300), size=(n, P)) / q) * q
    elif base == "randint":
        vals = rng.integers(v.get("lo", -3000), v.get("hi", 3000), size=(n, P)).astype(np.float64)
    else:
        if base == "index1":
            b = np.arange(n) + 1.0
        elif base == "index0":
            b = np.arange(n) * 1.0
        elif base == "monthyear":
            b = np.array([a.month + 100.0 * (a.year - 2000) for a, _ in ivs])
        elif isinstance(base, list):
            b = np.array(base, dtype=np.float64)
        else:
            raise ValueError("base %r" % base)
        off = np.array(v.get("offsets") or list(range(P)), dtype=np.float64)
        vals = b[:, None] + off[None, :]
    mask = np.zeros((n, P), dtype=bool)
    if v.get("mask_frac"):
        mask |= rng.random((n, P)) < v["mask_frac"]
    nx = fx.get("grid", [3, 4])[1]
    for t, j, i in v.get("mask", []):
        mask[t, j * nx + i] = True
    for t0, t1, j, i in v.get("mask_blocks", []):
        mask[t0:t1, j * nx + i] = True
    nan = np.zeros((n, P), dtype=bool)
    for t, j, i in v.get("nan", []):
        nan[t, j * nx + i] = True
    return vals, mask, nan


def write_fixture(d, fx):
    cal = fx.get("calendar", "standard")
    units = fx.get("units", "days since 2000-01-01")
    ivs = intervals(fx)
    ny, nx = fx.get("grid", [3, 4])
    P = ny * nx
    stamp = fx.get("stamp", "mid")
    tn, bn = [], []
    for a, b in ivs:
        na = float(cftime.date2num(a, units, calendar=cal))
        nb = float(cftime.date2num(b, units, calendar=cal))
        tn.append({"mid": (na + nb) / 2, "start": na, "end": nb}[stamp])
        bn.append([na, nb])
    datas = [gen_values(fx, v, ivs, P) for v in fx.get("vars", [])]
    # Select the steps.
    idx = list(range(len(ivs)))
    if fx.get("keep_months"):
        dates = cftime.num2date(tn, units, calendar=cal, only_use_cftime_datetimes=True)
        idx = [i for i in idx if dates[i].month in fx["keep_months"]]
    if fx.get("keep"):
        idx = idx[fx["keep"][0]:fx["keep"][1]]
    tn = [tn[i] for i in idx]
    bn = [bn[i] for i in idx]
    datas = [(v[idx], m[idx], nn[idx]) for v, m, nn in datas]
    n = len(tn)
    nfiles = fx.get("split", 0)
    if nfiles:
        cuts = [round(k * n / nfiles) for k in range(nfiles + 1)]
        parts = [(cuts[k], cuts[k + 1]) for k in range(nfiles)]
        paths = [os.path.join(d, "%s_%02d.nc" % (fx["name"], k)) for k in range(nfiles)]
    else:
        parts = [(0, n)]
        paths = [os.path.join(d, fx["name"] + ".nc")]
    for path, (i0, i1) in zip(paths, parts):
        nc = netCDF4.Dataset(path, "w", format=fx.get("format", "NETCDF4_CLASSIC"))
        nc.createDimension("time", None)
        nc.createDimension("lat", ny)
        nc.createDimension("lon", nx)
        t = nc.createVariable("time", "f8", ("time",))
        t.standard_name = "time"
        t.units = units
        t.calendar = cal
        for k, val in fx.get("tattrs", {}).items():
            t.setncattr(k, val)
        if fx.get("bounds"):
            nc.createDimension("bnds", 2)
            t.bounds = "time_bnds"
            b = nc.createVariable("time_bnds", "f8", ("time", "bnds"))
            b[:] = np.array(bn[i0:i1], dtype=np.float64).reshape(i1 - i0, 2)
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units = "degrees_north"
        lat.standard_name = "latitude"
        lat[:] = np.arange(ny) * 10.0 - 20.0
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units = "degrees_east"
        lon.standard_name = "longitude"
        lon[:] = np.arange(nx) * 10.0
        if fx.get("static"):
            o = nc.createVariable("orog", "f4", ("lat", "lon"))
            o.units = "m"
            o.standard_name = "surface_altitude"
            o[:] = (np.arange(P) * 37.5).reshape(ny, nx)
        for v, (vals, mask, nan) in zip(fx.get("vars", []), datas):
            dt = {"f4": np.float32, "f8": np.float64, "i2": np.int16}[v.get("dtype", "f4")]
            fill = v.get("fill")
            dims = {"tyx": ("time", "lat", "lon"), "ytx": ("lat", "time", "lon")}[v.get("dims", "tyx")]
            var = nc.createVariable(v.get("name", "tas"), dt, dims, fill_value=None if fill is None else dt(fill))
            var.set_auto_maskandscale(False)
            if v.get("missing_value") is not None:
                var.missing_value = dt(v["missing_value"])
            sdt = np.float32 if v.get("scale_dtype", "f4") == "f4" else np.float64
            if v.get("scale_factor") is not None:
                var.scale_factor = sdt(v["scale_factor"])
            if v.get("add_offset") is not None:
                var.add_offset = sdt(v["add_offset"])
            for k, val in v.get("attrs", {}).items():
                if isinstance(val, (list, int, float)) and not isinstance(val, bool):
                    val = np.array(val, dtype=dt)  # numbers in the variable's type
                var.setncattr(k, val)
            raw = vals[i0:i1].copy()
            m = mask[i0:i1]
            if m.any():
                mv = fill if fill is not None else v.get("missing_value")
                if mv is None:
                    raise ValueError("%s: masked values without a fill value" % fx["name"])
                raw[m] = mv
            raw[nan[i0:i1]] = np.nan
            raw = raw.astype(dt).reshape(i1 - i0, ny, nx)
            if dims[0] == "lat":
                raw = raw.transpose(1, 0, 2)
            var[:] = raw
        for k, val in fx.get("global", {}).items():
            nc.setncattr(k, val)
        t[:] = np.array(tn[i0:i1], dtype=np.float64)
        nc.close()
    dates = cftime.num2date(tn, units, calendar=cal, only_use_cftime_datetimes=True) if tn else []
    return {
        "files": paths,
        "time": tn,
        "bounds": [x for b in bn for x in b] if fx.get("bounds") else [],
        "dates": [[x.year, x.month, x.day, x.hour, x.minute, x.second] for x in dates],
        "clim": clim_expect(dates, units, cal),
    }


def jsonable(x):
    if isinstance(x, (bytes, np.bytes_)):
        return x.decode("utf-8", "replace")
    if isinstance(x, str):
        return x
    a = np.asarray(x)
    if a.dtype.kind in "SU":
        return str(x)
    if a.ndim == 0:
        return jnum(a.item())
    return [jnum(y) for y in a.tolist()]


def jnum(v):
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, float) and math.isinf(v):
        return "Inf" if v > 0 else "-Inf"
    return v


def decoded(var):
    var.set_auto_maskandscale(True)
    x = var[:]
    m = np.ma.getmaskarray(x).ravel()
    d = np.ma.getdata(x).astype(np.float64).ravel()
    out = []
    for mm, v in zip(m.tolist(), d.tolist()):
        if mm:
            out.append(None)
        elif math.isnan(v):
            out.append("NaN")
        else:
            out.append(v)
    return out


def dump_file(path, ncdump=False, xr=False):
    out = {}
    nc = netCDF4.Dataset(path)
    try:
        out["format"] = nc.data_model
        out["dims"] = {k: len(v) for k, v in nc.dimensions.items()}
        out["unlimited"] = [k for k, v in nc.dimensions.items() if v.isunlimited()]
        out["global"] = {k: jsonable(nc.getncattr(k)) for k in nc.ncattrs()}
        vs = {}
        for name, var in nc.variables.items():
            attrs = {k: var.getncattr(k) for k in var.ncattrs()}
            e = {
                "dtype": var.dtype.name if hasattr(var.dtype, "name") else str(var.dtype),
                "dims": list(var.dimensions),
                "attrs": {k: jsonable(a) for k, a in attrs.items()},
                "attr_types": {k: (type(a).__name__ if isinstance(a, str) else np.asarray(a).dtype.name) for k, a in attrs.items()},
                "values": decoded(var),
            }
            var.set_auto_maskandscale(False)
            raw = np.ascontiguousarray(var[:])
            e["sha256"] = hashlib.sha256(raw.tobytes()).hexdigest()
            units = attrs.get("units", "")
            if isinstance(units, str) and " since " in units and var.ndim >= 1:
                try:
                    ds = cftime.num2date(np.asarray(raw, dtype=np.float64).ravel(), units,
                                         calendar=attrs.get("calendar", "standard"), only_use_cftime_datetimes=True)
                    e["dates"] = [[x.year, x.month, x.day, x.hour, x.minute, x.second] for x in ds]
                except Exception as err:
                    e["dates_error"] = str(err)
            vs[name] = e
        out["vars"] = vs
    finally:
        nc.close()
    if ncdump:
        p = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True)
        out["ncdump_rc"] = p.returncode
        out["ncdump_err"] = p.stderr
    if xr:
        try:
            import xarray
            with xarray.open_dataset(path) as ds:
                ds.load()
                out["xr_time"] = str(ds["time"].values[:1])
            out["xr_ok"] = True
        except Exception:
            out["xr_ok"] = False
            out["xr_err"] = traceback.format_exc()
    return out


def run_cdo(src, d, fxname, op):
    dst = os.path.join(d, "cdo_%s_%s.nc" % (fxname, op["name"]))
    p = subprocess.run(["cdo"] + op["args"] + [src, dst], capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": "cdo %s: exit %d\n%s%s" % (" ".join(op["args"]), p.returncode, p.stdout, p.stderr)}
    # The output is read later, in the main thread: the netCDF library
    # is not thread-safe.
    return {"stderr": p.stderr, "path": dst}


def flat(x):
    return [None if math.isnan(v) else float(v) for v in np.asarray(x, dtype=np.float64).ravel().tolist()]


def run_xarray(files, ops):
    """xarray's groupby("time.season") and resample(time="QS-DEC") on the
    files opened as one dataset (dask arrays, one chunk per file, when
    dask is installed)."""
    import warnings

    import xarray as xr

    warnings.filterwarnings("ignore", category=RuntimeWarning)  # all-NaN groups
    out = {}
    with xr.open_mfdataset(files, combine="by_coords") as ds:
        counts = None
        for op in ops:
            try:
                out[op["name"]] = xarray_op(ds, op)
                if op["kind"] == "resample":
                    if counts is None:
                        counts = [int(c) for c in ds["time"].resample(time="QS-DEC").count().values]
                    out[op["name"]]["counts"] = counts
            except Exception:
                out[op["name"]] = {"error": traceback.format_exc()}
    return out


def xarray_op(ds, op):
    da = ds[op.get("var", "tas")]
    stat = op.get("stat", "mean")
    if op["kind"] == "season":
        g = da.groupby("time.season")
    else:
        g = da.resample(time="QS-DEC")
    if stat == "mean":
        r = g.mean("time")
    elif stat == "avg":
        r = g.mean("time", skipna=False)
    elif stat == "std":
        r = g.std("time", ddof=0)
    elif stat == "var1":
        r = g.var("time", ddof=1)
    elif stat == "sum":
        r = g.sum("time", min_count=1)
    elif stat in ("min", "max"):
        r = getattr(g, stat)("time")
    else:
        raise ValueError(stat)
    r = r.load()
    out = {"dtype": r.dtype.name}
    if op["kind"] == "season":
        r = r.transpose("season", ...)
        out["labels"] = [str(s) for s in r["season"].values]
    else:
        r = r.transpose("time", ...)
        lab = r["time"].values
        if all(isinstance(x, cftime.datetime) for x in lab):
            dts = lab
        else:
            import pandas as pd
            dts = [pd.Timestamp(x) for x in lab]
        out["labels"] = [[x.year, x.month] for x in dts]
    out["values"] = flat(r.values)
    return out


def make(spec, dst):
    d = spec["dir"]
    res = {}
    jobs = []
    t0 = time.time()
    # CDO runs in two threads (it is mostly process start-up) while this
    # one writes the fixtures and runs xarray.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for fx in spec["fixtures"]:
            r = write_fixture(d, fx)
            r["cdo"], r["xarray"] = {}, {}
            res[fx["name"]] = r
            for op in fx.get("cdo", []):
                if len(r["files"]) != 1:
                    raise ValueError("%s: cdo on a split fixture" % fx["name"])
                jobs.append((fx["name"], op["name"], pool.submit(run_cdo, r["files"][0], d, fx["name"], op)))
        t1 = time.time()
        nx = 0
        for fx in spec["fixtures"]:
            ops = fx.get("xarray", [])
            if not ops:
                continue
            nx += len(ops)
            try:
                res[fx["name"]]["xarray"] = run_xarray(res[fx["name"]]["files"], ops)
            except Exception:
                res[fx["name"]]["xarray"] = {op["name"]: {"error": traceback.format_exc()} for op in ops}
        t2 = time.time()
        for fxname, opname, fut in jobs:
            try:
                r = fut.result()
                if "path" in r:
                    r["dump"] = dump_file(r.pop("path"))
                res[fxname]["cdo"][opname] = r
            except Exception:
                res[fxname]["cdo"][opname] = {"error": traceback.format_exc()}
    t3 = time.time()
    print("fixtures %.1fs, %d xarray ops %.1fs, %d cdo runs done %.1fs later" % (t1 - t0, nx, t2 - t1, len(jobs), t3 - t2))
    with open(dst, "w") as f:
        json.dump(res, f)


def dump(spec, dst):
    res = {}
    for e in spec:
        try:
            res[e["path"]] = dump_file(e["path"], e.get("ncdump", False), e.get("xr", False))
        except Exception:
            res[e["path"]] = {"error": traceback.format_exc()}
    with open(dst, "w") as f:
        json.dump(res, f)


def main():
    mode, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(src) as f:
        spec = json.load(f)
    {"make": make, "dump": dump}[mode](spec, dst)
    print("%s: %.1fs in all" % (mode, time.time() - T0))


if __name__ == "__main__":
    main()
