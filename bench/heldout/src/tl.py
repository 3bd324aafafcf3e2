from lib import *
from datetime import datetime as DT
def d0(k, x):
    x = day(k, x) if not isinstance(x, date) else x
    return DT(x.year, x.month, x.day, tzinfo=tz(k))
def dd(k, y, m, d):
    return DT(y, m, d, tzinfo=tz(k))
def ut(t):
    return (t.astimezone(ZoneInfo('UTC')))
def tday(k, x):
    s = d0(k, x); e = d0(k, s.date() + timedelta(days=1))
    return dict(kind='time', start=iso(s), end=iso(e), grain='day')
def tclock(k, x, hm, grain='hour'):
    s = at(k, x, hm)
    step = {'hour': 60, 'minute': 1}[grain]
    e = (ut(s) + timedelta(minutes=step)).astimezone(tz(k))
    return dict(kind='time', start=iso(s), end=iso(e), grain=grain)
def iv(s, e, grain=None, kind='interval'):
    r = dict(kind=kind, start=iso(s) if s is not None else None, end=iso(e) if e is not None else None)
    if grain: r['grain'] = grain
    return r
def days(k, a, b):  # inclusive day range
    A = d0(k, a); B = d0(k, b)
    return iv(A, d0(k, B.date() + timedelta(days=1)))
def part(k, x, p):
    r = P(k, x, p); return dict(kind='interval', start=r['range_start'], end=r['range_end'])
def wk(k, n, grain='week'):
    r = week(k, n); return dict(kind='interval', start=r['range_start'], end=r['range_end'], grain=grain)
def wkend(k, n=0):
    r = weekend(k, n); return dict(kind='interval', start=r['range_start'], end=r['range_end'])
def month(k, y, m):
    e = (y + (m == 12), m % 12 + 1)
    return dict(start=iso(dd(k, y, m, 1)), end=iso(dd(k, e[0], e[1], 1)), grain='month')
def quarter(k, y, q):
    m = 3 * q - 2; ey, em = (y + 1, 1) if q == 4 else (y, m + 3)
    return dict(kind='interval', start=iso(dd(k, y, m, 1)), end=iso(dd(k, ey, em, 1)), grain='quarter')
def year(k, y):
    return dict(kind='interval', start=iso(dd(k, y, 1, 1)), end=iso(dd(k, y + 1, 1, 1)), grain='year')
def season(k, y, m):
    ey, em = (y + 1, (m + 3) % 12) if m + 3 > 12 else (y, m + 3)
    return dict(kind='interval', start=iso(dd(k, y, m, 1)), end=iso(dd(k, ey, em, 1)))
def fixed(k, s, grain='hour'):  # explicit offset instants
    t = DT.fromisoformat(s)
    e = t + timedelta(minutes=60 if grain == 'hour' else 1)
    return dict(kind='time', start=t.isoformat(), end=e.isoformat(), grain=grain)
def only(**kw):
    return {k: (iso(v) if isinstance(v, DT) else v) for k, v in kw.items()}
def T_(k, text, exp, lang):
    OUT.append({'text': text, 'now': iso(now(k)), 'tz': C[k][0], 'lang': lang, 'expected': exp})
