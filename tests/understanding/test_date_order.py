"""Numeric dates in the user's order (issue 10): the stored setting, else the zone's."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from calendar_assistant.domain.commands import Command, Intent, Missing
from calendar_assistant.understanding import complete, parse

NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("text", "tz", "month_first", "day"),
    [
        ("Dentist 3/4 at 10am", NEW_YORK, None, date(2027, 3, 4)),  # a US user: March 4th
        ("Стоматолог 3/4 в 10", MOSCOW, None, date(2027, 4, 3)),  # a Russian user: 3 April
        ("Dentist 3/4 at 10am", NEW_YORK, False, date(2027, 4, 3)),  # the setting wins
        ("Стоматолог 3/4 в 10", MOSCOW, True, date(2027, 3, 4)),
        ("Dentist 12/11 at 10am", NEW_YORK, True, date(2027, 12, 11)),
        ("Dentist 12/11 at 10am", NEW_YORK, False, date(2027, 11, 12)),
    ],
)
def test_a_numeric_date_follows_the_setting_else_the_zone(
    text: str, tz: ZoneInfo, month_first: bool | None, day: date
) -> None:
    now = datetime(2027, 1, 10, 9, 0, tzinfo=tz)
    command = parse(text, now=now, tz=tz, month_first=month_first)
    assert command.intent is Intent.CREATE_EVENT
    assert command.start is not None
    assert command.start.date() == day


def test_dotted_dates_stay_day_first_for_a_month_first_user() -> None:
    """Only the slash is written month first; 3.4 is 3 April everywhere."""
    now = datetime(2027, 1, 10, 9, 0, tzinfo=MOSCOW)
    command = parse("Стоматолог 3.4.2027 в 10", now=now, tz=MOSCOW, month_first=True)
    assert command.start is not None
    assert command.start.date() == date(2027, 4, 3)


def test_an_answer_to_when_reads_the_date_in_the_users_order() -> None:
    now = datetime(2027, 1, 10, 9, 0, tzinfo=NEW_YORK)
    pending = Command(
        intent=Intent.CREATE_EVENT, lang="en", title="Dentist", missing=[Missing.TIME]
    )
    kept = complete(pending, "3/4 at 10am", now=now, tz=NEW_YORK, month_first=False)
    assert kept is not None
    assert kept.start is not None
    assert kept.start.date() == date(2027, 4, 3)


def test_the_router_reads_with_the_users_setting() -> None:
    """The conversation hands the stored setting to the router in the UserContext."""
    from calendar_assistant.understanding.router import Router, UserContext

    now = datetime(2027, 1, 10, 9, 0, tzinfo=NEW_YORK)
    user = UserContext(now=now, tz=NEW_YORK, lang="en", month_first=False)
    command = Router().rules_only("Dentist 3/4 at 10am", user)
    assert command.start is not None
    assert command.start.date() == date(2027, 4, 3)
