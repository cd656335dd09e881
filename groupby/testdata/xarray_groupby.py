"""xarray oracle for groupby (run by oracle_test.go with Debian's
python3-xarray 2023.01 and python3-cftime).

Usage: /usr/bin/python3 xarray_groupby.py IN.json OUT.json [TMPDIR]

IN.json is a list of fixtures: a variable tas(time, x) given by its
values in row-major order (null for missing), its time numbers with
units and calendar (decoded by xr.decode_cf: datetime64 for standard,
cftime for noleap and 360_day), optional weights (a coordinate "w" along
time) and an optional numeric coordinate "tnum" (the time numbers), and
the ops to compute:

  groupby            tas.groupby(key).<op>(dim="time", ...)
  bins               tas.groupby_bins("tnum", edges, right=, include_lowest=).<op>(dim="time")
  resample           tas.resample(time=key).<op>()
  weighted_groupby   tas.groupby(key).map(lambda g: g.weighted(g.w).mean("time"))
  weighted_resample  tas.resample(time=key).map(lambda g: g.weighted(g.w).mean("time"))
  anomaly            tas.groupby(key) - tas.groupby(key).mean("time")

with skipna, min_count (sum) and ddof (var, std) passed when given.
OUT.json maps "fixture/op" to {"labels": the groups' labels as strings
(group results), "times": resample's labels as numbers in the fixture's
units and calendar, "values": row-major (group or time, x) with null for
NaN, "shape"}, or {"error": traceback}.
"""

import json
import math
import sys
import traceback
import warnings

import cftime
import numpy as np
import pandas as pd
import xarray as xr

# All-NaN groups make numpy warn; the NaN results are what is compared.
warnings.simplefilter("ignore")


def build(fx):
    n, npts = len(fx["time"]), fx["npts"]
    vals = np.array([math.nan if v is None else v for v in fx["values"]], dtype=np.float64).reshape(n, npts)
    coords = {"time": ("time", np.array(fx["time"], dtype=np.float64), {"units": fx["units"], "calendar": fx["calendar"]})}
    if fx.get("tnum"):
        coords["tnum"] = ("time", np.array(fx["time"], dtype=np.float64))
    if fx.get("weights"):
        coords["w"] = ("time", np.array(fx["weights"], dtype=np.float64))
    ds = xr.decode_cf(xr.Dataset({"tas": (("time", "x"), vals)}, coords=coords))
    return ds.tas


def flat(x):
    x = np.asarray(x, dtype=np.float64)
    return [None if math.isnan(v) else v for v in x.ravel().tolist()]


def label(v):
    if isinstance(v, str):
        return v
    if isinstance(v, (np.integer, int)):
        return str(int(v))
    return str(v)


def times(t, fx):
    """Time labels as numbers in the fixture's units and calendar."""
    vals = t.values
    if vals.dtype.kind == "M":
        vals = pd.DatetimeIndex(vals).to_pydatetime()
    return [float(x) for x in cftime.date2num(list(vals), fx["units"], calendar=fx["calendar"])]


def reduce(g, op, dim=True):
    name = op["op"]
    kw = {}
    if dim and name not in ("first", "last", "count"):
        kw["dim"] = "time"
    if op.get("skipna") is not None:
        kw["skipna"] = op["skipna"]
    if op.get("min_count"):
        kw["min_count"] = op["min_count"]
    if op.get("ddof"):
        kw["ddof"] = op["ddof"]
    return getattr(g, name)(**kw)


def weighted(g):
    return g.weighted(g.w).mean("time")


def result(r, first, labels=None, t=None):
    r = r.transpose(first, ...)
    out = {"values": flat(r.values), "shape": list(r.shape)}
    if labels is not None:
        out["labels"] = [label(v) for v in labels]
    if t is not None:
        out["times"] = t
    return out


def run(tas, fx, op):
    kind, key = op["kind"], op.get("key", "")
    comp = key.split(".")[-1]
    if kind == "groupby":
        r = reduce(tas.groupby(key), op)
        return result(r, comp, labels=r[comp].values)
    if kind == "bins":
        g = tas.groupby_bins("tnum", op["edges"], right=not op.get("left", False), include_lowest=op.get("include_lowest", False))
        r = reduce(g, op)
        return result(r, "tnum_bins")
    if kind == "resample":
        r = reduce(tas.resample(time=key), op, dim=False)
        return result(r, "time", t=times(r.time, fx))
    if kind == "weighted_groupby":
        r = tas.groupby(key).map(weighted)
        return result(r, comp, labels=r[comp].values)
    if kind == "weighted_resample":
        r = tas.resample(time=key).map(weighted)
        return result(r, "time", t=times(r.time, fx))
    if kind == "anomaly":
        clim = tas.groupby(key).mean("time")
        r = tas.groupby(key) - clim
        return result(r, "time")
    raise ValueError("unknown kind %r" % kind)


def main():
    with open(sys.argv[1]) as f:
        fixtures = json.load(f)
    out = {}
    for fx in fixtures:
        tas = build(fx)
        for op in fx["ops"]:
            name = fx["name"] + "/" + op["name"]
            try:
                out[name] = run(tas, fx, op)
            except Exception:
                out[name] = {"error": traceback.format_exc()}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
