"""One chat about a weekly series, run against a real backend: create, move one occurrence,
delete another, undo. The CalDAV and Google dialogue tests both run it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from calendar_assistant.calendars.base import CalendarBackend
from calendar_assistant.config import Settings
from calendar_assistant.conversation.assistant import Assistant
from calendar_assistant.domain.messages import Inbound, Reply, UserRef
from calendar_assistant.runtime import assistant_config
from calendar_assistant.storage.database import Database
from support import MOSCOW, says

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=MOSCOW)
ANNA = UserRef(key="test:anna")


def _press(replies: list[Reply], label: str) -> Inbound:
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                if button.label.startswith(label):
                    return Inbound(button=button.payload)
    raise AssertionError(f"no button {label!r} in {[r.text for r in replies]}")


def _shape(calendar_events: list[tuple[str, datetime, datetime]]) -> list[str]:
    return [
        f"{s.astimezone(MOSCOW):%Y-%m-%d %H:%M}-{e.astimezone(MOSCOW):%H:%M} {t}"
        for t, s, e in calendar_events
    ]


async def run_series_dialogue(
    database: Database, tmp_path: Path, calendar: CalendarBackend
) -> None:
    assistant = Assistant(
        database, assistant_config(Settings(data_dir=tmp_path)), lambda _uid: calendar
    )
    window = (NOW, NOW + timedelta(days=16))

    async def seen() -> list[str]:
        events = await calendar.list_events(*window)
        return _shape([(e.title, e.start, e.end) for e in events])

    created = await assistant.handle(ANNA, Inbound("Планёрка каждую среду в 10"), NOW)
    assert says(created[0].text, "ru", "created.text"), created[0].text
    assert await seen() == [
        "2026-11-25 10:00-11:00 Планёрка",
        "2026-12-02 10:00-11:00 Планёрка",
        "2026-12-09 10:00-11:00 Планёрка",
    ]
    asked = await assistant.handle(ANNA, Inbound("Перенеси планёрку завтра на 12"), NOW)
    assert says(asked[0].text, "ru", "scope.ask_change"), asked[0].text
    moved = await assistant.handle(ANNA, _press(asked, "Только это"), NOW)
    assert says(moved[0].text, "ru", "updated.moved"), moved[0].text
    asked = await assistant.handle(ANNA, Inbound("Удали планёрку 2 декабря"), NOW)
    assert says(asked[0].text, "ru", "scope.ask_delete"), asked[0].text
    deleted = await assistant.handle(ANNA, _press(asked, "Только это"), NOW)
    assert says(deleted[0].text, "ru", "deleted.one"), deleted[0].text
    assert await seen() == [
        "2026-11-25 12:00-13:00 Планёрка",
        "2026-12-09 10:00-11:00 Планёрка",
    ]
    undone = await assistant.handle(ANNA, Inbound("Отмени последнее"), NOW)
    assert says(undone[0].text, "ru", "undo.delete"), undone[0].text
    assert "«Планёрка»" in undone[0].text
    assert await seen() == [
        "2026-11-25 12:00-13:00 Планёрка",
        "2026-12-02 10:00-11:00 Планёрка",
        "2026-12-09 10:00-11:00 Планёрка",
    ]
