"""A search that shows the first few upcoming occurrences reads the next two days first
(`finding.near_first`) and the rest of its window only when they hold too few: what it
shows must be what reading the whole window at once shows."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta

from calendar_assistant.actions.context import ActionContext
from calendar_assistant.actions.executor import execute
from calendar_assistant.actions.matching import title_matches
from calendar_assistant.actions.outcomes import SearchFound
from calendar_assistant.domain.commands import Command, EventTarget, Intent
from calendar_assistant.domain.events import Event, NewEvent
from calendar_assistant.storage import Database
from support import MOSCOW

START = datetime(2026, 11, 24, 0, 0, tzinfo=MOSCOW)
TITLES = ("Встреча с Иваном", "Созвон с Петром", "Обед")


def _shown(events: list[Event], now: datetime, title: str | None) -> list[tuple[str, datetime]]:
    """What the search shows, from one read of its whole window: the first three
    occurrences starting from now whose title matches (any, without a title)."""
    kept = [
        e for e in events if e.start >= now and (title is None or title_matches(title, e.title))
    ]
    return [(e.title, e.start) for e in kept[:3]]


async def _fill(ctx: ActionContext, rng: random.Random) -> None:
    for _ in range(60):
        begin = START + timedelta(hours=rng.randrange(24 * 20), minutes=rng.choice((0, 30)))
        await ctx.calendar.create_event(
            NewEvent(
                rng.choice(TITLES),
                begin,
                begin + timedelta(minutes=rng.choice((30, 60, 180))),
                "Europe/Moscow",
            )
        )
    await ctx.calendar.create_event(
        NewEvent(
            "Встреча с Иваном, еженедельная",
            START + timedelta(hours=10),
            START + timedelta(hours=11),
            "Europe/Moscow",
            rrule="FREQ=WEEKLY",
        )
    )


async def test_the_first_days_read_first_show_what_the_whole_window_shows(
    ctx: ActionContext, database: Database
) -> None:
    await _fill(ctx, random.Random(3))
    reads: list[str] = []
    database.add_statement_listener(reads.append)
    rounds = {"one read": 0, "two reads": 0}
    for hours in range(0, 24 * 18, 7):
        now = START + timedelta(hours=hours, minutes=30 * (hours % 2))
        here = dataclasses.replace(ctx, now=now)
        for title, window in (("встречу с иваном", 14), ("обед", 14), (None, 31)):
            listed = await ctx.calendar.list_events(now, now + timedelta(days=window))
            expected = _shown(listed, now, title)
            reads.clear()
            outcome = await execute(
                Command(intent=Intent.SEARCH_EVENTS, target=EventTarget(title=title)), here
            )
            if not expected:  # a year is searched next, as before: not what this is about
                continue
            assert isinstance(outcome, SearchFound), (now, title)
            assert [(e.title, e.start) for e in outcome.events] == expected, (now, title)
            windows = sum(1 for sql in reads if "FROM events" in sql)
            rounds["one read" if windows == 1 else "two reads"] += 1
    # Both ways were taken: the first two days held three, or did not.
    assert rounds["one read"] > 5
    assert rounds["two reads"] > 5
