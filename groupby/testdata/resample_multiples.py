"""Expected bins of resample with frequency multiples, for TestResampleMultiples.

Run with Debian's interpreter (pandas 1.5.3, xarray 2023.01, cftime 1.6):

    /usr/bin/python3 groupby/testdata/resample_multiples.py

and paste its output into resampleMultiples in groupby/resample_test.go.
Each line is one case: calendar, step, first and last time of the
series, frequency, and the bins xarray's resample(time=freq) makes,
"label:count" (the label is the start of the bin, with its hour when not
midnight; every bin has data).
The standard calendar goes through pandas (DatetimeIndex), noleap and
360_day through xarray's CFTimeIndex resample.
"""
import warnings

import numpy as np
import pandas as pd
import xarray as xr

warnings.simplefilter("ignore")

ANCHORED = ["2MS", "5MS", "6MS", "QS", "QS-DEC", "2QS-DEC", "3QS-NOV", "4QS",
            "4QS-DEC", "5QS", "8QS", "2AS", "2YS", "3AS-JUL"]
SERIES = [  # step, first, last, frequencies
    ("D", "2000-02-15", "2003-11-30", ANCHORED + ["45D", "100D"]),
    ("D", "2000-05-15", "2003-11-30", ANCHORED + ["45D"]),
    ("6H", "2000-08-20T18:00", "2003-11-30T18:00", ANCHORED + ["100D"]),
    ("6H", "2000-02-26T18:00", "2000-03-03T06:00", ["7H", "18H", "2D"]),
]

for cal in ["standard", "noleap", "360_day"]:
    for step, first, last, freqs in SERIES:
        if cal == "standard":
            t = pd.date_range(first, last, freq=step)
        else:
            t = xr.cftime_range(first, last, freq=step, calendar=cal)
        da = xr.DataArray(np.ones(len(t)), dims="time", coords={"time": t})
        for f in freqs:
            r = da.resample(time=f).count()
            labs = [pd.Timestamp(x) if cal == "standard" else x for x in r.time.values]
            bins = " ".join(f"{x.strftime('%Y-%m-%dT%H' if x.hour else '%Y-%m-%d')}:{int(c)}"
                            for x, c in zip(labs, r.values))
            print(f'\t{{"{cal}", "{step}", "{first}", "{last}", "{f}", "{bins}"}},')
