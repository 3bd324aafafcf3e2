"""Helpers to compute expected instants for the held-out set (independent of project code)."""
import json
from datetime import datetime, timedelta, date
from zoneinfo import ZoneInfo

C = {
    'M1': ('Europe/Moscow', '2026-12-02 10:30'),    # Wed
    'M2': ('Europe/Moscow', '2027-01-15 19:40'),    # Fri
    'M3': ('Europe/Moscow', '2026-11-29 23:10'),    # Sun late
    'B1': ('Europe/Berlin', '2027-03-26 09:00'),    # Fri, DST starts Sun 28
    'B2': ('Europe/Berlin', '2026-10-23 17:20'),    # Fri, DST ends Sun 25
    'N1': ('America/New_York', '2027-03-12 16:00'), # Fri, DST starts Sun 14
    'N2': ('America/New_York', '2026-10-30 11:00'), # Fri, DST ends Sun Nov 1
    'N3': ('America/New_York', '2026-12-07 08:15'), # Mon
    'Y1': ('Asia/Yekaterinburg', '2026-12-09 13:00'), # Wed
    'L1': ('Europe/London', '2027-02-03 07:45'),    # Wed
    'S1': ('Asia/Novosibirsk', '2027-04-20 21:05'), # Tue
    'M4': ('Europe/Moscow', '2027-05-06 08:00'),    # Thu
}
WD = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']


def tz(k):
    return ZoneInfo(C[k][0])


def now(k):
    return datetime.fromisoformat(C[k][1]).replace(tzinfo=tz(k))


def day(k, d):
    """d: int offset, 'fri' (next strictly after today), 'this fri', 'next fri', 'MM-DD', 'YYYY-MM-DD'."""
    today = now(k).date()
    if isinstance(d, int):
        return today + timedelta(days=d)
    if d in WD:
        n = (WD.index(d) - today.weekday()) % 7 or 7
        return today + timedelta(days=n)
    if d.startswith('this '):
        return today - timedelta(days=today.weekday()) + timedelta(days=WD.index(d[5:]))
    if d.startswith('next '):
        return today - timedelta(days=today.weekday()) + timedelta(days=7 + WD.index(d[5:]))
    if d.startswith('last '):
        n = (today.weekday() - WD.index(d[5:])) % 7 or 7
        return today - timedelta(days=n)
    if len(d) == 5:
        x = date(today.year, int(d[:2]), int(d[3:]))
        return x if x >= today else date(today.year + 1, x.month, x.day)
    return date.fromisoformat(d)


def at(k, d, hm):
    x = day(k, d)
    h, m = map(int, hm.split(':'))
    return datetime(x.year, x.month, x.day, h, m, tzinfo=tz(k))


def iso(t):
    return t.isoformat()


def T(k, d, hm):
    return iso(at(k, d, hm))


def ev(k, d, hm, mins=60):
    s = at(k, d, hm)
    # wall-clock add within zone; compute via UTC to keep real duration
    e = (s.astimezone(ZoneInfo('UTC')) + timedelta(minutes=mins)).astimezone(tz(k))
    return {'start': iso(s), 'end': iso(e)}


def R(k, d1, d2=None, ndays=None):
    """Days d1..d2 inclusive as a half-open range."""
    a = day(k, d1)
    b = day(k, d2) if d2 is not None else a
    if ndays:
        b = a + timedelta(days=ndays - 1)
    e = b + timedelta(days=1)
    return {'range_start': iso(datetime(a.year, a.month, a.day, tzinfo=tz(k))),
            'range_end': iso(datetime(e.year, e.month, e.day, tzinfo=tz(k)))}


PARTS = {'morning': ('06:00', '12:00'), 'afternoon': ('12:00', '18:00'), 'evening': ('18:00', '24:00')}


def P(k, d, part):
    a, b = PARTS[part]
    s = at(k, d, a)
    if b == '24:00':
        x = day(k, d) + timedelta(days=1)
        e = datetime(x.year, x.month, x.day, tzinfo=tz(k))
    else:
        e = at(k, d, b)
    return {'range_start': iso(s), 'range_end': iso(e)}


def week(k, which=0):
    today = now(k).date()
    a = today - timedelta(days=today.weekday()) + timedelta(days=7 * which)
    e = a + timedelta(days=7)
    return {'range_start': iso(datetime(a.year, a.month, a.day, tzinfo=tz(k))),
            'range_end': iso(datetime(e.year, e.month, e.day, tzinfo=tz(k)))}


def weekend(k, which=0):
    today = now(k).date()
    a = today - timedelta(days=today.weekday()) + timedelta(days=5 + 7 * which)
    e = a + timedelta(days=2)
    return {'range_start': iso(datetime(a.year, a.month, a.day, tzinfo=tz(k))),
            'range_end': iso(datetime(e.year, e.month, e.day, tzinfo=tz(k)))}


OUT = []


def E(k, text, intent, lang, **exp):
    e = {'intent': intent}
    e.update(exp)
    OUT.append({'text': text, 'now': iso(now(k)), 'tz': C[k][0], 'lang': lang, 'expected': e})


def tgt(**kw):
    return {'target': kw}


def write(path, prefix):
    with open(path, 'w', encoding='utf-8') as f:
        for i, o in enumerate(OUT, 1):
            line = {'id': f'{prefix}-{i:03d}', **o}
            f.write(json.dumps(line, ensure_ascii=False) + '\n')
    print(path, len(OUT))
