"""Command-line values: zones, ISO times in two zones (one on its DST day), names."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.channels.cli.arguments import (
    UsageError,
    language_argument,
    time_argument,
    user_argument,
    zone_argument,
)
from support import BERLIN, NEW_YORK


def test_dates_are_local_midnight_and_naive_times_are_local() -> None:
    assert time_argument("2027-03-28", BERLIN, "--from") == datetime(2027, 3, 28, tzinfo=BERLIN)
    after = time_argument("2027-03-28T10:00", BERLIN, "--from")
    assert after.utcoffset() == timedelta(hours=2)  # CEST, the clocks went forward at 02:00
    before = time_argument("2027-03-14T01:30", NEW_YORK, "--to")
    assert before.utcoffset() == timedelta(hours=-5)


def test_times_with_an_offset_are_kept_as_instants_in_the_users_zone() -> None:
    moment = time_argument("2026-11-24T14:00:00+03:00", NEW_YORK, "--now")
    assert moment.tzinfo == NEW_YORK
    assert moment == datetime(2026, 11, 24, 11, 0, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01", "24.11.2026", "", "2026-11-24T25:00"])
def test_bad_times_name_the_flag(value: str) -> None:
    with pytest.raises(UsageError, match=r"^--now: .* is not an ISO 8601 date or time"):
        time_argument(value, BERLIN, "--now")


def test_zones_languages_and_names_are_checked() -> None:
    assert zone_argument("America/New_York") == NEW_YORK
    with pytest.raises(UsageError, match="--tz: unknown time zone 'Mars/Olympus'"):
        zone_argument("Mars/Olympus")
    with pytest.raises(UsageError, match="--tz: unknown time zone"):
        zone_argument("../../etc/passwd")
    assert language_argument("EN") == "en"
    with pytest.raises(UsageError, match="--lang: unknown language 'de'"):
        language_argument("de")
    assert user_argument(" demo ") == "demo"
    for bad in ("", "x" * 65, "a\nb"):
        with pytest.raises(UsageError, match="--user"):
            user_argument(bad)
