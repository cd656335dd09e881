"""xarray oracle for labels' alignment, broadcasting, selection and
reductions (run by oracle_test.go with Debian's python3-xarray).

Usage: /usr/bin/python3 xarray_oracle.py IN.json OUT.json

IN.json is a list of cases. Each names an operation ("binary", "sel",
"reduce", "ds_reduce") and gives its operands as arrays: name, dims,
shape, dtype, values in row-major order (null for NaN) and coordinates
(arrays themselves). OUT.json maps each case name to the result: the
arrays it holds (one for a DataArray, one per data variable for a
Dataset) and its coordinates, in the same form, or to {"error": message}
when xarray raised.
"""

import json
import math
import sys
import warnings

import numpy as np
import xarray as xr

# All-NaN slices make numpy warn; the NaN results are what is compared.
warnings.simplefilter("ignore")


def to_numpy(a):
    vals = [math.nan if v is None else v for v in a["values"]]
    return np.array(vals, dtype=np.float64).reshape(a["shape"]).astype(a["dtype"])


def to_dataarray(a):
    coords = {c["name"]: (c["dims"], to_numpy(c)) for c in a["coords"]}
    return xr.DataArray(to_numpy(a), dims=a["dims"], coords=coords, name=a["name"])


def to_dataset(case):
    data = {}
    coords = {}
    for a in case["vars"]:
        data[a["name"]] = (a["dims"], to_numpy(a))
        for c in a["coords"]:
            coords[c["name"]] = (c["dims"], to_numpy(c))
    return xr.Dataset(data, coords=coords)


def from_numpy(name, dims, x):
    x = np.asarray(x)
    flat = x.ravel().tolist()
    if x.dtype.kind == "f":
        flat = [None if math.isnan(v) else v for v in flat]
    return {"name": name, "dims": list(dims), "shape": list(x.shape), "dtype": str(x.dtype), "values": flat}


def coords_of(x):
    return [from_numpy(n, x.coords[n].dims, x.coords[n].values) for n in x.coords]


def reduce(x, case):
    kwargs = {}
    if case["op"] != "count":
        kwargs["skipna"] = case["skipna"]
    if case.get("ddof"):
        kwargs["ddof"] = case["ddof"]
    if case.get("min_count"):
        kwargs["min_count"] = case["min_count"]
    dims = case["dims"] or None
    return getattr(x, case["op"])(dim=dims, **kwargs)


def run(case):
    kind = case["kind"]
    if kind == "binary":
        a, b = to_dataarray(case["a"]), to_dataarray(case["b"])
        r = {"add": a + b, "sub": a - b, "mul": a * b}[case["op"]]
    elif kind == "sel":
        a = to_dataarray(case["a"])
        if case["label"] is not None:
            r = a.sel({case["dim"]: case["label"]})
        else:
            r = a.sel({case["dim"]: slice(case["start"], case["stop"])})
    elif kind == "reduce":
        r = reduce(to_dataarray(case["a"]), case)
    elif kind == "ds_reduce":
        ds = reduce(to_dataset(case), case)
        return {
            "arrays": [from_numpy(n, ds[n].dims, ds[n].values) for n in ds.data_vars],
            "coords": coords_of(ds),
        }
    else:
        raise ValueError("unknown case kind %r" % kind)
    return {"arrays": [from_numpy(r.name, r.dims, r.values)], "coords": coords_of(r)}


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    out = {}
    for case in cases:
        try:
            out[case["name"]] = run(case)
        except Exception as e:  # reported to the Go side, case by case
            out[case["name"]] = {"error": "%s: %s" % (type(e).__name__, e)}
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)
    print("xarray", xr.__version__, "numpy", np.__version__, "cases", len(cases))


if __name__ == "__main__":
    main()
