"""Shared by the io/netcdf oracle scripts: dump what xarray makes of a
netCDF file as JSON, for the Go tests to compare with.

A dataset becomes {"attrs": {...}, "vars": {name: var}}; a variable
becomes its dims, shape, numpy dtype, string attributes ("attrs"),
numeric attributes as lists of float64 ("num_attrs"), the units and
calendar of its encoding, and its values in row-major order: "numbers"
(float64, null for NaN), for decoded times "dates" ([year, month, day,
hour, minute, second, microsecond], null for NaT), or for labels
"strings" (str, or {"bytes": ...} for bytes).
"""

import json
import math

import numpy as np
import xarray as xr


def _values(v):
    x = np.asarray(v.values)
    if x.dtype.kind in "US" or x.dtype == object and x.size and all(isinstance(e, (str, bytes)) for e in x.ravel()):
        # Labels: str, or bytes (a char array without _Encoding) as
        # {"bytes": "..."} so that the tests tell them apart.
        return "strings", [e if isinstance(e, str) else {"bytes": e.decode()} for e in x.ravel().tolist()]
    if x.dtype == object:
        out = []
        for d in x.ravel():
            if d is None:
                out.append(None)
            else:
                out.append([d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond])
        return "dates", out
    f = x.astype(np.float64).ravel().tolist()
    return "numbers", [None if math.isnan(y) else y for y in f]


def _attr(v):
    if isinstance(v, (bytes, np.bytes_)):
        return "str", v.decode()
    if isinstance(v, str):
        return "str", v
    a = np.atleast_1d(np.asarray(v))
    return "num", [float(y) for y in a.astype(np.float64).ravel()]


def dump_dataset(ds):
    out = {"attrs": {}, "vars": {}}
    for k, v in ds.attrs.items():
        kind, val = _attr(v)
        if kind == "str":
            out["attrs"][k] = val
    for name, var in ds.variables.items():
        kind, vals = _values(var)
        attrs, num = {}, {}
        for k, v in var.attrs.items():
            ak, av = _attr(v)
            (attrs if ak == "str" else num)[k] = av
        out["vars"][name] = {
            "dims": list(var.dims),
            "shape": list(var.shape),
            "dtype": str(var.dtype),
            "attrs": attrs,
            "num_attrs": num,
            "units": var.encoding.get("units"),
            "calendar": var.encoding.get("calendar"),
            "kind": kind,
            "values": vals,
        }
    return out


def dump_file(path, **kw):
    """Decoded as the tests expect: CF decoding on, times as cftime dates
    in every calendar (use_cftime=True)."""
    kw.setdefault("use_cftime", True)
    with xr.open_dataset(path, **kw) as ds:
        ds.load()
        return dump_dataset(ds)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, allow_nan=False)
