"""Oracle for io/netcdf's reading (run by oracle_test.go with Debian's
python3-netcdf4 and python3-xarray).

Usage: /usr/bin/python3 read_oracle.py OUTDIR OUT.json

Writes with the netCDF4 package one small file per format into OUTDIR
(NETCDF3_CLASSIC.nc, NETCDF3_64BIT_OFFSET.nc, NETCDF3_64BIT_DATA.nc,
NETCDF4.nc, the last with zlib, shuffle and chunking), each holding

  - t2m(time, lat, lon): int16 packed with float32 scale_factor and
    add_offset and an int16 _FillValue, some values missing;
  - u10(time, lat, lon): int16 packed, no fill value;
  - sst(time, lat, lon): float32 with _FillValue and missing_value
    (both present in the data) and a NaN;
  - time (unlimited): "hours since 1979-01-01 00:00:00", standard
    calendar, with bounds time_bnds(time, nv) that carry no units;
  - tg: days since 0001-01-01 in the gregorian calendar (across the 1582
    switch), tn: int32 days since 0001-01-01 in the noleap calendar,
    t360: float32 hours since 1979-01-01 in the 360_day calendar, with a
    data variable pr(t360);
  - a scalar, height; CDF-5 and netCDF-4 add flags(lat, lon) as uint16
    with a _FillValue, and big(lon) as int64.

Then dumps each file as xarray decodes it (xr.open_dataset with
use_cftime=True) under "decoded", and undecoded (mask_and_scale=False,
decode_times=False) under "raw", keyed by file name.
"""

import os
import sys
import warnings

import netCDF4
import numpy as np

import xdump

FORMATS = ["NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF3_64BIT_DATA", "NETCDF4"]
NT, NY, NX = 5, 3, 4


def write(path, fmt):
    nc4 = fmt == "NETCDF4"
    extended = fmt in ("NETCDF4", "NETCDF3_64BIT_DATA")
    comp = dict(zlib=True, complevel=4, shuffle=True) if nc4 else {}
    with netCDF4.Dataset(path, "w", format=fmt) as ds:
        ds.title = "tessera read oracle"
        ds.Conventions = "CF-1.8"
        ds.createDimension("time", None)
        ds.createDimension("lat", NY)
        ds.createDimension("lon", NX)
        ds.createDimension("nv", 2)
        ds.createDimension("tg", 4)
        ds.createDimension("tn", 4)
        ds.createDimension("t360", 3)

        t = ds.createVariable("time", "f8", ("time",), **comp)
        t.units = "hours since 1979-01-01 00:00:00"
        t.calendar = "standard"
        t.long_name = "time"
        t.bounds = "time_bnds"
        hours = np.array([0, 6, 12, 18, 30.5])
        t[:] = hours
        tb = ds.createVariable("time_bnds", "f8", ("time", "nv"), **comp)
        tb[:] = np.stack([hours - 3, hours + 3], axis=1)

        lat = ds.createVariable("lat", "f4", ("lat",))
        lat.units = "degrees_north"
        lat.long_name = "latitude"
        lat[:] = [-30.0, 0.0, 30.5]
        lon = ds.createVariable("lon", "f8", ("lon",))
        lon.units = "degrees_east"
        lon.long_name = "longitude"
        lon[:] = [0.0, 90.0, 180.0, 270.0]

        kw = dict(comp)
        if nc4:
            kw["chunksizes"] = (2, 2, 3)
        t2m = ds.createVariable("t2m", "i2", ("time", "lat", "lon"), fill_value=np.int16(-32767), **kw)
        t2m.set_auto_maskandscale(False)
        t2m.scale_factor = np.float32(0.01)
        t2m.add_offset = np.float32(273.15)
        t2m.units = "K"
        t2m.long_name = "2 metre temperature"
        raw = (np.arange(NT * NY * NX, dtype=np.int64) * 977 % 60000 - 30000).astype(np.int16).reshape(NT, NY, NX)
        raw[0, 0, 0] = -32767  # the fill value: missing
        raw[1, 2, 3] = -32767
        raw[2, 1, 1] = 32767
        raw[3, 0, 2] = -32766
        raw[4, 2, 0] = 0
        t2m[:] = raw

        # Packed without a fill value: xarray decodes it to float64
        # (it has an offset), tessera to float32 (scale_factor's type).
        u10 = ds.createVariable("u10", "i2", ("time", "lat", "lon"), **kw)
        u10.set_auto_maskandscale(False)
        u10.scale_factor = np.float32(0.002)
        u10.add_offset = np.float32(-1.5)
        u10.units = "m s-1"
        u10[:] = (np.arange(NT * NY * NX, dtype=np.int64) * 1237 % 65535 - 32767).astype(np.int16).reshape(NT, NY, NX)

        sst = ds.createVariable("sst", "f4", ("time", "lat", "lon"), fill_value=np.float32(1e20), **kw)
        sst.set_auto_maskandscale(False)
        sst.missing_value = np.float32(-999.0)
        sst.units = "degC"
        sst.long_name = "sea surface temperature"
        vals = (np.arange(NT * NY * NX, dtype=np.float32) * np.float32(0.37) - np.float32(5.1)).reshape(NT, NY, NX)
        vals[0, 1, 1] = np.float32(1e20)
        vals[2, 2, 2] = np.float32(-999.0)
        vals[4, 0, 3] = np.nan
        sst[:] = vals

        tg = ds.createVariable("tg", "f8", ("tg",))
        tg.units = "days since 0001-01-01"
        tg.calendar = "gregorian"
        tg[:] = [0.0, 577460.0, 577737.25, 738000.5]
        tn = ds.createVariable("tn", "i4", ("tn",))
        tn.units = "days since 0001-01-01"
        tn.calendar = "noleap"
        tn[:] = [0, 59, 365 * 1999 + 31, 737060]
        t3 = ds.createVariable("t360", "f4", ("t360",))
        t3.units = "hours since 1979-01-01 00:00:00"
        t3.calendar = "360_day"
        t3[:] = [0.0, 720.0, 8640.0 * 41 + 12.0]
        pr = ds.createVariable("pr", "f8", ("t360",))
        pr.units = "mm"
        pr[:] = [0.5, 1.25, -2.0]

        h = ds.createVariable("height", "f8", ())
        h.units = "m"
        h[...] = 2.0

        if extended:
            fl = ds.createVariable("flags", "u2", ("lat", "lon"), fill_value=np.uint16(65535), **comp)
            fl.set_auto_maskandscale(False)
            fl.long_name = "flags"
            f = (np.arange(NY * NX, dtype=np.uint16) * 5000).reshape(NY, NX)
            f[1, 1] = 65535
            fl[:] = f
            big = ds.createVariable("big", "i8", ("lon",), **comp)
            big.long_name = "big integers"
            big[:] = np.array([-(2**40) - 1, 0, 2**40 + 1, 2**52], dtype=np.int64)


def main():
    # sst's two fill values make xarray warn; both are meant.
    warnings.simplefilter("ignore")
    outdir, out = sys.argv[1], sys.argv[2]
    result = {}
    for fmt in FORMATS:
        path = os.path.join(outdir, fmt + ".nc")
        write(path, fmt)
        result[fmt] = {
            "decoded": xdump.dump_file(path),
            "raw": xdump.dump_file(path, mask_and_scale=False, decode_times=False, use_cftime=None),
        }
    xdump.write_json(out, result)
    print("wrote", len(FORMATS), "files")


if __name__ == "__main__":
    main()
