"""Oracle for TestOracleCftime (oracle_test.go): cftime's date2num and num2date.

Usage: /usr/bin/python3 cftime_oracle.py CASES

CASES has one tab-separated case a line:

    E <calendar> <units> <year> <month> <day> <hour> <minute> <second> <microsecond>
    D <calendar> <units> <number>

For an E line it prints repr(float(date2num(date, units, calendar))); for a
D line, num2date(number, units, calendar) as "year month day hour minute
second microsecond dayofyr". A case cftime refuses prints "ERR <message>".
The first line printed is the cftime version. Requires Debian's
python3-cftime (make deps).
"""

import sys
import warnings

import cftime

warnings.simplefilter("ignore")  # CFWarning for years <= 0 in julian/standard


def main(path):
    out = [cftime.__version__]
    with open(path) as f:
        for line in f:
            kind, cal, units, rest = line.rstrip("\n").split("\t")
            try:
                if kind == "E":
                    y, mo, d, h, mi, s, us = (int(x) for x in rest.split())
                    date = cftime.datetime(y, mo, d, h, mi, s, us, calendar=cal)
                    out.append(repr(float(cftime.date2num(date, units, calendar=cal))))
                else:
                    t = cftime.num2date(float(rest), units, calendar=cal)
                    out.append("%d %d %d %d %d %d %d %d" % (
                        t.year, t.month, t.day, t.hour, t.minute, t.second,
                        t.microsecond, t.dayofyr))
            except Exception as e:  # report, do not stop: the Go test names the case
                out.append("ERR %s: %s" % (type(e).__name__, str(e).replace("\n", " ")))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
