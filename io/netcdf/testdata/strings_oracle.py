"""Oracle for io/netcdf's reading of text coordinates (run by
strings_test.go with Debian's python3-netcdf4 and python3-xarray).

Usage: /usr/bin/python3 strings_oracle.py DIR

Writes into DIR, with xarray, a dataset t(season, region) = 10 * season
+ region with a "season" coordinate of labels and a "region" one of
labels of different lengths (one empty, one not ASCII) in every format: FORMAT.nc for NETCDF4 (variable-length
strings), NETCDF4_CLASSIC, NETCDF3_CLASSIC, NETCDF3_64BIT_OFFSET and
NETCDF3_64BIT_DATA (char arrays, last dimension "string<N>"). Then, with
the netCDF4 package, raw.nc: char arrays without _Encoding whose last
dimension is "nchar", one a coordinate ("station", labels padded with
NULs), one not ("names", which tessera does not read), and an NC_STRING
coordinate "kind" with an unwritten (NULL) element.
"""

import os
import sys

import netCDF4
import numpy as np
import xarray as xr

FORMATS = ["NETCDF4", "NETCDF4_CLASSIC", "NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT_DATA"]


def main():
    out = sys.argv[1]
    ds = xr.Dataset(
        {
            "t": (("season", "region"), np.add.outer(10.0 * np.arange(4), np.arange(4))),
        },
        coords={
            "season": ("season", ["DJF", "MAM", "JJA", "SON"], {"long_name": "season"}),
            "region": ["Nord", "S\u00fcd", "", "x"],
        },
    )
    for f in FORMATS:
        ds.to_netcdf(os.path.join(out, f + ".nc"), format=f)

    with netCDF4.Dataset(os.path.join(out, "raw.nc"), "w", format="NETCDF4") as nc:
        nc.createDimension("station", 3)
        nc.createDimension("nchar", 6)
        nc.createDimension("kind", 2)
        st = nc.createVariable("station", "S1", ("station", "nchar"))
        st.set_auto_chartostring(False)
        st[:] = netCDF4.stringtoarr("A", 6), netCDF4.stringtoarr("Bergen", 6), netCDF4.stringtoarr("Oslo", 6)
        names = nc.createVariable("names", "S1", ("station", "nchar"))
        names.set_auto_chartostring(False)
        names[:] = netCDF4.stringtoarr("a", 6), netCDF4.stringtoarr("b", 6), netCDF4.stringtoarr("c", 6)
        k = nc.createVariable("kind", str, ("kind",))
        k[0] = "land"  # k[1] is never written: NULL
        v = nc.createVariable("h", "f8", ("station", "kind"))
        v[:] = np.arange(6.0).reshape(3, 2)
    print("wrote", len(FORMATS) + 1, "files")


if __name__ == "__main__":
    main()
