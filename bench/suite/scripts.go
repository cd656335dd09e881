package main

// scripts are the Python programs the suite runs: xarray's side of each
// task, and the agreement check of an output with tessera's.
var scripts = map[string]string{
	"xr.py": `
import sys, xarray as xr
task, var, out = sys.argv[1], sys.argv[2], sys.argv[3]
x = xr.open_mfdataset(sys.argv[4:], combine="by_coords")[var]
if task == "timmean":
    r = x.mean("time")
elif task == "yseasmean":
    r = x.groupby("time.season").mean("time")
elif task == "seasmean":
    r = x.resample(time="QS-DEC").mean()
elif task == "range":
    s = x.groupby("time.season").mean("time")
    r = abs(s.sel(season="JJA") - s.sel(season="DJF"))
elif task == "anomvar":
    clim = x.groupby("time.season").mean("time")
    r = (x.groupby("time.season") - clim).var("time")
r.to_dataset(name=var).to_netcdf(out)
`,
	"cmp.py": `
import sys, json, numpy as np, netCDF4 as nc
task, tool, var, ref, other = sys.argv[1:6]
rtol, atol = float(sys.argv[6]), float(sys.argv[7])
a = nc.Dataset(ref); b = nc.Dataset(other)
x = np.ma.filled(a[var][:].astype("f8"), np.nan)
y = np.ma.filled(b[var][:].astype("f8"), np.nan)
if tool == "xarray" and task == "yseasmean":
    t = a["time"]
    dates = nc.num2date(t[:], t.units, getattr(t, "calendar", "standard"), only_use_cftime_datetimes=True)
    season = {12:"DJF",1:"DJF",2:"DJF",3:"MAM",4:"MAM",5:"MAM",6:"JJA",7:"JJA",8:"JJA",9:"SON",10:"SON",11:"SON"}
    labels = [str(s) for s in b["season"][:]]
    y = np.stack([y[labels.index(season[d.month])] for d in dates])
if tool == "xarray" and task == "seasmean":
    y = y[~np.all(np.isnan(y.reshape(y.shape[0], -1)), axis=1)]
x, y = np.squeeze(x), np.squeeze(y)
if x.shape != y.shape:
    print(json.dumps({"ok": False, "why": "shape %s vs %s" % (x.shape, y.shape)})); sys.exit()
if (np.isnan(x) != np.isnan(y)).any():
    print(json.dumps({"ok": False, "why": "missing values differ"})); sys.exit()
both = ~np.isnan(x)
d = np.abs(x[both] - y[both])
ok = bool((d <= atol + rtol * np.abs(x[both])).all())
r = (d / np.maximum(np.abs(x[both]), 1e-300)).max() if d.size else 0.0
why = "max difference %.1e, relative %.1e; tolerance %g + %g relative" % (d.max() if d.size else 0, r, atol, rtol)
print(json.dumps({"ok": ok, "why": why}))
`,
}
