"""Reading a time zone the way people give it: a city, a UTC offset, or where they are.

Cities come from the zone database (English, from the zone ids) and from CLDR via Babel
(Russian exemplar cities), so no list is kept by hand. A shared location is looked up in
timezonefinder's polygons, offline.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from calendar_assistant.extras import needs
from calendar_assistant.understanding.morphology import lemmas_of

_OFFSET = re.compile(
    r"^(?:utc|gmt|мск|msk)?\s*(?P<sign>[+\-−])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$"
)


def _fold(text: str) -> str:
    """Lower case, ё as е, no accents, single spaces: how cities are compared."""
    text = unicodedata.normalize("NFKD", text.strip().lower().replace("ё", "е"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch) or ch == "\u0306")
    text = unicodedata.normalize("NFC", text).replace("_", " ").replace("-", " ")
    return " ".join(text.split())


@cache
def _cities() -> dict[str, str]:
    """Folded city name (ru and en) → IANA zone id."""
    from babel.dates import get_timezone_location

    names: dict[str, str] = {}
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    for zone in zones:
        names.setdefault(_fold(zone.rsplit("/", 1)[-1]), zone)
    for zone in zones:
        for lang in ("en", "ru"):
            try:
                city = get_timezone_location(zone, locale=lang, return_city=True)
            except (LookupError, ValueError):
                continue
            names.setdefault(_fold(city), zone)
    names.setdefault("питер", "Europe/Moscow")
    names.setdefault("санкт петербург", "Europe/Moscow")
    names.setdefault("saint petersburg", "Europe/Moscow")
    names.setdefault("st petersburg", "Europe/Moscow")
    names.setdefault("spb", "Europe/Moscow")
    names.setdefault("спб", "Europe/Moscow")
    names.setdefault("new york city", "America/New_York")
    names.setdefault("nyc", "America/New_York")
    names.setdefault("нью йорк", "America/New_York")
    names.setdefault("лондон", "Europe/London")
    names.setdefault("utc", "UTC")
    return names


def read_zone(text: str) -> ZoneInfo | None:
    """The zone a person meant by «Берлин», "New York", "UTC+3", "+05:30" or an IANA id."""
    said = text.strip().strip(".!")
    if not said or len(said) > 64:
        return None
    if "/" in said:
        try:
            return ZoneInfo(said.replace(" ", "_"))
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = _OFFSET.match("".join(said.lower().split()))
    if offset:
        return _offset_zone(offset["sign"], int(offset["hours"]), int(offset["minutes"] or 0))
    folded = _fold(said)
    for prefix in ("в ", "in ", "город ", "city ", "я в ", "i am in ", "i'm in "):
        folded = folded.removeprefix(prefix)
    cities = _cities()
    zone = cities.get(folded)
    if zone is None:  # «в Москве», «Нижнем Новгороде»: try the words' dictionary forms
        words = [lemmas_of(word)[:1] or (word,) for word in folded.split()]
        zone = cities.get(" ".join(forms[0] for forms in words))
    return ZoneInfo(zone) if zone else None


def _offset_zone(sign: str, hours: int, minutes: int) -> ZoneInfo | None:
    """A whole-hour offset as an `Etc/GMT∓N` zone (POSIX signs are reversed)."""
    if minutes or hours > 14:
        return None
    if hours == 0:
        return ZoneInfo("UTC")
    posix = "-" if sign == "+" else "+"
    try:
        return ZoneInfo(f"Etc/GMT{posix}{hours}")
    except ZoneInfoNotFoundError:
        return None


def zone_at(latitude: float, longitude: float) -> ZoneInfo | None:
    """The zone of a shared location, or None at sea / for impossible coordinates."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    name = _finder().timezone_at(lng=longitude, lat=latitude)
    if not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return None


@cache
def _finder() -> Any:
    with needs("telegram", feature="A shared location's time zone"):
        from timezonefinder import TimezoneFinder

    return TimezoneFinder()
