"""Oracle for io/netcdf's Write (run by write_test.go with Debian's
python3-netcdf4 and python3-xarray).

Usage: /usr/bin/python3 write_oracle.py OUT.json FILE...

For each file tessera wrote: what xarray decodes (xdump.py, under
"decoded"), and what the netCDF4 package sees of its storage, under
"storage": the data model, the unlimited dimensions, and per variable
the stored dtype, the filters (zlib, complevel, shuffle) and the chunk
shape ("contiguous" when not chunked).
"""

import os
import sys
import warnings

import netCDF4

import xdump


def storage(path):
    with netCDF4.Dataset(path) as ds:
        out = {
            "data_model": ds.data_model,
            "unlimited": sorted(n for n, d in ds.dimensions.items() if d.isunlimited()),
            "vars": {},
        }
        for name, v in ds.variables.items():
            f = v.filters() or {}
            c = v.chunking()
            out["vars"][name] = {
                "dtype": str(v.dtype),
                "zlib": bool(f.get("zlib", False)),
                "complevel": int(f.get("complevel", 0)),
                "shuffle": bool(f.get("shuffle", False)),
                "chunks": [int(x) for x in c] if isinstance(c, list) else "contiguous",
            }
        return out


def main():
    # Two missing values make xarray warn; both are meant.
    warnings.simplefilter("ignore")
    out, paths = sys.argv[1], sys.argv[2:]
    result = {}
    for p in paths:
        result[os.path.basename(p)] = {"decoded": xdump.dump_file(p), "storage": storage(p)}
    xdump.write_json(out, result)
    print("read", len(paths), "files")


if __name__ == "__main__":
    main()
