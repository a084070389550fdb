"""Parse an .ics file with python-icalendar and with python-vobject; print
both readings as JSON.

Used by rolo's Go tests as independent iCalendar readers: for each reader,
one object per VEVENT or VTODO mapping each property name to the list of
its values (text unescaped by the reader, dates as YYYY-MM-DD, date-times
in ISO form, categories as lists). Exit 3 when a module is missing.
"""
import datetime
import json
import sys

try:
    import icalendar
    import vobject
except ImportError:
    sys.exit(3)


def plain(v):
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, bytes):
        return v.decode("utf-8")
    return str(v)


def with_icalendar(data):
    out = []
    for comp in icalendar.Calendar.from_ical(data).walk():
        if comp.name not in ("VEVENT", "VTODO"):
            continue
        entry = {"_kind": [comp.name]}
        for name in comp.keys():
            vals = comp[name]
            if not isinstance(vals, list):
                vals = [vals]
            entry[name.upper()] = [plain(v.dt) if hasattr(v, "dt") else plain(v.cats) if hasattr(v, "cats") else plain(v)
                                   for v in vals]
        out.append(entry)
    return out


def with_vobject(text):
    out = []
    for cal in vobject.readComponents(text, validate=True):
        for comp in cal.getChildren():
            if comp.name not in ("VEVENT", "VTODO"):
                continue
            entry = {"_kind": [comp.name]}
            for name, lines in comp.contents.items():
                entry[name.upper()] = [plain(l.value) for l in lines]
            out.append(entry)
    return out


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    json.dump({"icalendar": with_icalendar(data), "vobject": with_vobject(data.decode("utf-8"))},
              sys.stdout, ensure_ascii=False)


main(sys.argv[1])
